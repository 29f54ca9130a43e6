package ai.cascade.ops.app;

import ai.cascade.ops.audit.AuditTrail;
import ai.cascade.ops.audit.AuditView;
import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.billing.RevenueSummary;
import ai.cascade.ops.billing.SubscriptionDirectory;
import ai.cascade.ops.billing.SubscriptionsView;
import ai.cascade.ops.billing.CustomerInvoices;
import ai.cascade.ops.billing.SubscriptionEditModel;
import ai.cascade.ops.billing.SubscriptionEditor;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.cache.BrowserSection;
import ai.cascade.ops.cache.BufferCacheSection;
import ai.cascade.ops.cache.CacheTrends;
import ai.cascade.ops.cache.CacheTrendsSection;
import ai.cascade.ops.cache.CacheView;
import ai.cascade.ops.cache.InventorySection;
import ai.cascade.ops.cache.KeyDeletion;
import ai.cascade.ops.cache.KeyInventory;
import ai.cascade.ops.cache.KeyPreview;
import ai.cascade.ops.cache.KeySearch;
import ai.cascade.ops.cache.PatternFreshness;
import ai.cascade.ops.cache.RedisKeyspace;
import ai.cascade.ops.cache.SlowLog;
import ai.cascade.ops.cache.SlowlogSection;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.ConnectionsDialog;
import ai.cascade.ops.config.ProfileChoice;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.database.DatabaseView;
import ai.cascade.ops.ui.SectionedPage;
import ai.cascade.ops.database.OpsSchema;
import ai.cascade.ops.demo.DemoEnvironment;
import ai.cascade.ops.demo.DemoLock;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.overview.OverviewFigures;
import ai.cascade.ops.overview.OverviewView;
import ai.cascade.ops.overview.AlarmNotifier;
import ai.cascade.ops.overview.HealthChecks;
import ai.cascade.ops.overview.HealthWatch;
import ai.cascade.ops.sessions.Collaborations;
import ai.cascade.ops.sessions.LiveSessions;
import ai.cascade.ops.sessions.RedisSupportActions;
import ai.cascade.ops.sessions.SessionRevoker;
import ai.cascade.ops.sessions.SessionsView;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ChangeConfirmation;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.users.UserDetailPane;
import ai.cascade.ops.users.UserDetails;
import ai.cascade.ops.users.UserDirectory;
import ai.cascade.ops.users.UsersView;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that builds every service and view and wires them by constructor; it owns the
 * active profile, the demo servers and the window's life.
 */
public final class Console implements ShellCommands {
    private static final Logger log = LoggerFactory.getLogger(Console.class);

    private final AppDirectories dirs;
    private final SettingsStore settingsStore;
    private final Options options;
    private final BackgroundWork work = new BackgroundWork(6);
    private final TimeDisplay time = new TimeDisplay(ZoneId.systemDefault());
    private final StatusBar statusBar;
    private final ShellView shell;
    private final List<String> startupNotices = new ArrayList<>();
    private Stage stage;
    private Scene scene;
    private Workspace workspace;
    private volatile HealthWatch healthWatch;
    private volatile ai.cascade.ops.database.DatabaseTrends databaseTrends;
    private volatile ai.cascade.ops.cache.CacheTrends cacheTrends;
    private final AlarmNotifier alarms = new AlarmNotifier(() -> stage, c -> {
        stage.toFront();
        openCheck(c);
    });
    private DemoEnvironment demo;
    /** One writer, in order; its thread ends when idle, so a console closed without quitting leaves none behind. */
    private final java.util.concurrent.ThreadPoolExecutor settingsWriter = idleEndingWriter();
    private boolean screenshotsTaken;
    private volatile DemoLock demoLock;
    private boolean settingsProblemShown;
    private static volatile int exitCode;

    /** Start-up choices from the command line. */
    /** Start-up choices: where to write screenshots, and (tests, scripts) a profile to open instead of the usual choice. */
    public record Options(Path screenshots, String stripeApiBase, ConnectionProfile profile, boolean firstFrameProbe) {
        public Options(Path screenshots, String stripeApiBase, ConnectionProfile profile) {
            this(screenshots, stripeApiBase, profile, false);
        }
    }

    public Console(AppDirectories dirs, Options options) {
        this.dirs = dirs;
        this.options = options;
        this.settingsStore = new SettingsStore(dirs.settingsFile());
        // The theme before the first control: otherwise JavaFX loads its default theme first, for nothing.
        applyTheme(settingsStore.load().darkTheme);
        this.statusBar = new StatusBar(work, time);
        this.shell = new ShellView(statusBar, this, time);
    }

    /** Shows the window at once; connections happen in the background. */
    public void start(Stage stage) {
        this.stage = stage;
        Settings settings = settingsStore.snapshot();   // read once, in the constructor
        settingsStore.loadProblem().ifPresent(startupNotices::add);
        time.utcProperty().set(settings.utcTimes);
        time.utcProperty().addListener((o, was, utc) -> saveSettings(s -> s.utcTimes = utc));
        scene = new Scene(shell.root(), 1280, 820);
        scene.getStylesheets().add(getClass().getResource("console.css").toExternalForm());
        AlarmNotifier.styleScene(scene);   // now, not at the first alarm: adding it later re-styles the whole window
        shell.installShortcuts(scene);
        shell.root().getStyleClass().add(settings.darkTheme ? "dark" : "light");
        shell.setDarkSelected(settings.darkTheme);
        stage.setTitle("CASCADE Ops");
        stage.setScene(scene);
        WindowMemory.restore(stage, settings.window);
        stage.setOnCloseRequest(e -> { e.consume(); quit(); });
        // A logout or kill -TERM must not leave the demo's Postgres and Redis running.
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeConnections, "ops-stop-servers"));
        shell.currentViewProperty().addListener((o, was, v) -> {
            if (v != null) saveSettings(s -> s.lastView = v.name());
            // the database and cache pages' refreshing tabs only serve the eye: they stop when another page is shown
            if (was != null && shell.view(was) instanceof SectionedPage page) page.hidden();
        });
        stage.show();
        reportFirstFrame();
        if (options.firstFrameProbe()) return;   // the start-up benchmark measures the window alone
        Optional<ConnectionProfile> chosen = options.profile() != null ? Optional.of(options.profile())
                : ProfileChoice.atStart(settings, System.getenv());
        if (chosen.isPresent()) connect(chosen.get(), false);
        else startDemo(settings);
    }

    /** Logs the time from JVM start to the first laid-out frame; with the probe option, prints it and exits. */
    private void reportFirstFrame() {
        Runnable once = new Runnable() {
            @Override public void run() {
                scene.removePostLayoutPulseListener(this);
                long ms = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
                if (options.firstFrameProbe()) System.out.println("FIRST_FRAME " + ms);
                log.info("First frame {} ms after the JVM started", ms);
                // The menus and decoding the window icons can wait until the window is on screen.
                Platform.runLater(() -> {
                    shell.revealMenus();
                    for (int size : new int[]{16, 32, 48, 64, 128, 256})
                        // decoded in the background (the last argument): six PNGs held the FX thread up to 2 s under load
                        stage.getIcons().add(new javafx.scene.image.Image(
                                Console.class.getResource("/icons/cascade-ops-" + size + ".png").toExternalForm(), true));
                });
                if (options.firstFrameProbe()) {
                    Platform.exit();
                }
            }
        };
        scene.addPostLayoutPulseListener(once);
    }

    private void startDemo(Settings settings) {
        for (Backend b : List.of(Backend.POSTGRES, Backend.REDIS))
            statusBar.show(Health.checking(b, "Starting the embedded " + b.label() + " of the demo…"));
        shell.showProfile(new ConnectionProfile(ConnectionProfile.DEMO_NAME, false, false, "", "", "", ""), true);
        Job<DemoEnvironment> job = work.run("Starting the demo",
                c -> {
                    if (demoLock == null) demoLock = DemoLock.acquire(dirs.demoFolder());
                    return DemoEnvironment.start(dirs.demoFolder(), settings.demoUsers, settings.tiers, m -> c.progress(-1, m));
                },
                started -> {
                    demo = started;
                    connect(demoProfile(), true);
                    offerFirstRunHelp();
                },
                e -> {
                    String why = describeStartFailure(e);
                    log.error("The demo could not start: {}", why, e);
                    shell.showFailure("The demo could not start", why + "\nData folder: " + dirs.demoFolder());
                    for (Backend b : List.of(Backend.POSTGRES, Backend.REDIS))
                        statusBar.show(new Health(b, Health.State.DOWN, null, why, java.time.Instant.now()));
                    takeScreenshotsIfAsked();
                });
        shell.showStarting(job);
    }

    /** Unwritable folders are the common cause on a new machine: say which folder and how to choose another. */
    private String describeStartFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof java.nio.file.FileSystemException fs)
                return "The demo's data folder cannot be written (" + fs.getFile() + (fs.getReason() == null ? "" : ": " + fs.getReason())
                        + "). Make it writable, or point CASCADE_OPS_HOME or XDG_DATA_HOME at a folder that is.";
        return Problems.describe(e);
    }

    /** The first start on a machine: the demo runs, and a panel over it offers to connect to real servers. */
    private void offerFirstRunHelp() {
        if (options.screenshots() != null || settingsStore.snapshot().firstRunDismissed) return;
        shell.showWelcome(this::openConnections, () -> saveSettings(s -> s.firstRunDismissed = true));
    }

    private ConnectionProfile demoProfile() {
        return new ConnectionProfile(ConnectionProfile.DEMO_NAME, false, false, demo.postgresUrl(), demo.redisUrl(), "", DemoStripe.KEY);
    }

    /** Switches every view to {@code profile}; the old clients close in the background. */
    public void connect(ConnectionProfile profile, boolean isDemo) {
        work.cancelAll();
        stopHealthWatch();
        Workspace old = workspace;
        if (old != null) work.run("Closing " + old.profile().name(), c -> { old.close(); return null; }, v -> { }, e -> { });
        if (!isDemo && demo != null) {
            DemoEnvironment d = demo;
            demo = null;
            work.run("Stopping the demo servers", c -> { d.close(); return null; }, v -> { }, e -> { });
        }
        workspace = null;
        shell.showProfile(profile, isDemo);
        // the demo's billing goes to its own local Stripe, never to a configured or the live one
        String stripeBase = isDemo ? demo.stripeUrl()
                : options.stripeApiBase() == null ? StripeAccess.LIVE_API_BASE : options.stripeApiBase();
        // Building clients loads drivers and starts pool threads: not on the FX thread.
        Job<Workspace> job = work.run("Connecting to " + profile.name(), c -> new Workspace(profile, stripeBase),
                ws -> install(ws, isDemo), e -> shell.showFailure("Could not connect to " + profile.name(), Problems.describe(e)));
        shell.showStarting(job);
    }

    private void install(Workspace ws, boolean isDemo) {
        workspace = ws;
        statusBar.attach(ws.monitor());
        statusBar.setDetails(Backend.VENICE, ws.veniceClient().map(v -> (java.util.function.Supplier<String>) () -> {
            var n = v.stats();
            return String.format("Since start: %,d answers from the cache shared with the backend, %,d requests sent to Venice, %,d held back by the rate limit.",
                    n.fromCache(), n.sentToVenice(), n.refusedByLimit());
        }).orElse(null));
        if (isDemo) {
            demo.startTraffic();   // an application for the hit-rate charts to chart
            String stripeUrl = demo.stripeUrl();
            statusBar.setDetails(Backend.STRIPE, () -> "Demo Stripe — no real billing: a local server at " + stripeUrl
                    + " seeded with the demo's subscriptions; nothing is charged.");
        }
        ws.startMonitoring();
        Settings settings = settingsStore.snapshot();
        replaceViews(ws, ViewId.parse(settings.lastView));
        ConnectionProfile profile = ws.profile();
        if (!isDemo) saveSettings(s -> s.activeProfile = profile.name().equals(ConnectionProfile.ENVIRONMENT_NAME) ? s.activeProfile : profile.name());
        else saveSettings(s -> s.activeProfile = null);
        checkSchema(ws);
        takeScreenshotsIfAsked();
    }

    private void replaceViews(Workspace ws, ViewId show) {
        // the replaced pages' periodic work (charts, snapshots) stops with them
        for (ViewId id : ViewId.values()) if (shell.view(id) instanceof SectionedPage old) old.hidden();
        shell.setViews(buildViews(ws), show);
        prebuildPages();
    }

    /**
     * Builds the other pages' nodes (their FXML) on a background thread now, so that a page's first visit does not
     * hold the FX thread for it (ResponsivenessBench: 80-290 ms a page at load 10); each page is still finished and
     * wired (didLoad) on the FX thread when first shown. A page being built when shown is waited for, not built twice.
     */
    private void prebuildPages() {
        List<ai.cascade.ops.ui.FxmlView> pages = new ArrayList<>();
        for (ViewId id : ViewId.values())
            if (id != shell.currentView() && shell.view(id) instanceof ai.cascade.ops.ui.FxmlView page) pages.add(page);
        Thread builder = new Thread(() -> {
            for (var page : pages) {
                try {
                    page.prebuild();
                } catch (RuntimeException e) {   // the FX thread builds it at the first visit, as it always did
                    log.warn("Building the {} ahead failed; it is built when first shown: {}", page.getClass().getSimpleName(), e.toString());
                }
            }
        }, "ops-prebuild-pages");
        builder.setDaemon(true);
        builder.start();
    }

    private Map<ViewId, ConsoleView> buildViews(Workspace ws) {
        Map<ViewId, ConsoleView> views = new EnumMap<>(ViewId.class);
        Settings settings = settingsStore.snapshot();
        stopHealthWatch();   // the watchers of the views these replace
        // Checks run every 30 s whatever page is open; a check that turns red raises one notification.
        healthWatch = new HealthWatch(new HealthChecks(ws, settings.checkThresholds));
        healthWatch.addListener(r -> alarms.notify(r.newlyAlarming()));
        views.put(ViewId.OVERVIEW, new OverviewView(healthWatch, new OverviewFigures(ws), new RevenueSummary(ws, settings.tiers),
                work, time, this::openCheck));
        healthWatch.start();
        String profileName = ws.profile().name();
        List<Tier> tiers = settings.tiers;
        // One editor per workspace: the edit dialogs, the invoices and the journal of edits in flight share it.
        SubscriptionEditModel.Editing editing = SubscriptionEditModel.Editing.of(ws, new SubscriptionEditor(ws, tiers, profileName),
                new CustomerInvoices(ws), ws.profile());
        UserDetailPane detail = new UserDetailPane(new UserDetails(ws, profileName), work, time, editing);
        views.put(ViewId.USERS, new UsersView(new UserDirectory(ws), detail.root(),
                row -> detail.show(row.id(), row.username(), row.customerId()), work, time));
        views.put(ViewId.SUBSCRIPTIONS, new SubscriptionsView(new SubscriptionDirectory(ws, tiers), new RevenueSummary(ws, tiers), tiers,
                work, time, editing));
        // one sampler each per workspace, from connecting on, so the charts have a past when someone first looks
        var trends = new ai.cascade.ops.database.DatabaseTrends(ws);
        databaseTrends = trends;
        trends.start();
        views.put(ViewId.CACHE, cacheView(ws, settings, trends));
        views.put(ViewId.SESSIONS, new SessionsView(new LiveSessions(ws), new SessionRevoker(ws, profileName),
                new RedisSupportActions(ws, profileName), new Collaborations(ws), work, time, this::openUser, ws.profile(),
                settings.sessionsRefreshSeconds, seconds -> saveSettings(x -> x.sessionsRefreshSeconds = seconds)));
        views.put(ViewId.DATABASE, databaseView(ws, settings, trends));
        views.put(ViewId.AUDIT, new AuditView(new AuditTrail(ws), work, time));
        return views;
    }

    private CacheView cacheView(Workspace ws, Settings settings, ai.cascade.ops.database.DatabaseTrends databaseTrends) {
        var keyspace = new RedisKeyspace(ws);
        var redisTrends = new CacheTrends(keyspace);
        cacheTrends = redisTrends;
        if (ws.isConfigured(ai.cascade.ops.backend.Backend.REDIS)) redisTrends.start();
        String profileName = ws.profile().name();
        return new CacheView(List.of(
                new CacheTrendsSection(redisTrends, databaseTrends, time, settings.checkThresholds),
                new InventorySection(new KeyInventory(keyspace), new PatternFreshness(ws, keyspace), work, time),
                new BrowserSection(new KeySearch(keyspace), new KeyPreview(keyspace), new KeyDeletion(keyspace, ws, profileName), work, ws.profile()),
                new SlowlogSection(new SlowLog(keyspace), work, time),
                new BufferCacheSection(new ai.cascade.ops.database.BufferCacheReport(ws, settings.checkThresholds), work, time)));
    }

    private DatabaseView databaseView(Workspace ws, Settings settings, ai.cascade.ops.database.DatabaseTrends trends) {
        var thresholds = settings.checkThresholds;
        return new DatabaseView(List.of(
                new ai.cascade.ops.database.ChecksSection(new ai.cascade.ops.database.DatabaseChecks(ws, thresholds), work, this::openCheck),
                new ai.cascade.ops.database.ActivitySection(new ai.cascade.ops.database.Activity(ws, ws.profile().name()), work, time,
                        ws.profile(), thresholds),
                new ai.cascade.ops.database.StatementsSection(new ai.cascade.ops.database.StatementStats(ws), work, time),
                new ai.cascade.ops.database.SpaceSection(new ai.cascade.ops.database.SpaceReport(ws), work),
                new ai.cascade.ops.database.PoolSection(new ai.cascade.ops.database.PoolReport(ws), work),
                new ai.cascade.ops.database.TrendsSection(trends, time)));
    }

    /** From a check (overview or the database page's list) to the page and tab that explain it. */
    private void openCheck(ai.cascade.ops.backend.Check check) {
        ViewId target = switch (check.backend()) {
            case POSTGRES -> ViewId.DATABASE;
            case REDIS -> ViewId.CACHE;
            case STRIPE -> ViewId.SUBSCRIPTIONS;
            case VENICE -> ViewId.USERS;
        };
        shell.select(target);
        if (shell.view(target) instanceof SectionedPage page && !check.section().isEmpty()) page.open(check.section());
    }

    /** Another page asks to see a user (e.g. a collaboration's participant): the users page, searched for them. */
    private void openUser(String username) {
        shell.select(ViewId.USERS);
        if (shell.view(ViewId.USERS) instanceof UsersView users) users.search(username);
    }

    /** Read-only until proven otherwise: the schema and the login decide what this console may change. */
    private void checkSchema(Workspace ws) {
        List<String> notices = new ArrayList<>(startupNotices);
        if (ws.profile().readOnly()) notices.add("This profile is marked read-only: the console changes nothing here.");
        shell.setNotices(notices);
        if (ws.databaseIfConfigured().isEmpty()) return;
        work.run("Checking CASCADE Ops' schema", c -> OpsSchema.check(ws.database()), status -> {
            if (ws != workspace) return;
            if (!status.writable()) notices.add("Read-only: " + status.readOnlyReason());
            shell.setNotices(notices);
            if (status.writable() && !ws.profile().readOnly() && ws.stripe().isPresent()) finishEditsInFlight(ws, notices);
        }, e -> {
            if (ws != workspace) return;
            notices.add("Read-only until Postgres answers: " + Problems.describe(e));
            shell.setNotices(notices);
        });
    }

    /**
     * Subscription edits a crash or an outage left in the journal are finished at start (the same request with the
     * same idempotency key, or Stripe's state once the key has expired); what is left is listed under Edits in flight.
     */
    private void finishEditsInFlight(Workspace ws, List<String> notices) {
        var editor = new ai.cascade.ops.billing.SubscriptionEditor(ws, settingsStore.snapshot().tiers, ws.profile().name());
        work.run("Finishing subscription edits left in flight", c -> editor.recovery().finishAll(c), report -> {
            if (ws != workspace) return;
            int total = report.done() + report.failed() + report.stillPending();
            if (total == 0) return;
            notices.add(String.format("Subscription edits left in flight at the last stop: %d finished, %d refused by Stripe, %d still "
                    + "waiting (Subscriptions → Edits in flight).", report.done(), report.failed(), report.stillPending()));
            shell.setNotices(notices);
        }, e -> {
            if (ws != workspace) return;
            notices.add("Subscription edits left in flight could not be finished yet: " + Problems.describe(e));
            shell.setNotices(notices);
        });
    }

    private void takeScreenshotsIfAsked() {
        if (options.screenshots() == null || screenshotsTaken) return;
        screenshotsTaken = true;
        ScreenshotTour tour = ConsoleTour.of(shell, statusBar, scene, options.screenshots(),
                () -> work.running().isEmpty() && (!(shell.view(ViewId.OVERVIEW) instanceof OverviewView o) || o.hasChecked()),
                () -> connectionsDialog().root(),
                () -> new ai.cascade.ops.config.ThresholdsDialog(settingsStore.snapshot().checkThresholds).root());
        tour.run(files -> {
            log.info("Wrote {} screenshots to {}", files.size(), options.screenshots());
            System.out.println("Wrote " + files.size() + " screenshots to " + options.screenshots());
            tour.problems().forEach(p -> System.out.println("  shown: " + p));
            // Pictures of errors are still pictures, but a script should know: exit 3 when any page showed one.
            exitCode = files.size() < ViewId.values().length ? 1 : tour.problems().isEmpty() ? 0 : 3;
            quit();
        });
    }

    @Override
    public void openConnections() {
        connectionsDialog().showAndChoose(stage).ifPresent(choice -> {
            if (choice.name().equals(ConnectionProfile.DEMO_NAME)) {
                if (demo == null) startDemo(settingsStore.snapshot());
                else connect(demoProfile(), true);
            } else connect(choice, false);
        });
    }

    private ConnectionsDialog connectionsDialog() {
        String stripeBase = options.stripeApiBase() == null ? StripeAccess.LIVE_API_BASE : options.stripeApiBase();
        return new ConnectionsDialog(settingsStore, work, workspace == null ? null : workspace.profile(), p -> {
            try (Workspace trial = new Workspace(p, stripeBase)) {
                return trial.testOnce();
            }
        });
    }

    @Override
    public void editCheckThresholds() {
        ai.cascade.ops.config.ThresholdsDialog.edit(stage, settingsStore.snapshot().checkThresholds).ifPresent(t -> {
            saveSettings(s -> s.checkThresholds = t);
            // the checks, the overview and the activity highlights read them when built: build the pages anew
            Workspace ws = workspace;
            if (ws != null) replaceViews(ws, shell.currentView());
        });
    }

    @Override
    public void resetDemo() {
        if (demo == null || workspace == null) return;
        if (!ChangeConfirmation.confirm(stage, workspace.profile(), "Reset demo data",
                "Delete the demo's users, subscriptions, sessions and caches and generate them anew?")) return;
        Settings s = settingsStore.snapshot();
        DemoEnvironment d = demo;
        Job<Void> job = work.run("Resetting demo data", c -> { d.reset(s.demoUsers, s.tiers, m -> c.progress(-1, m)); return null; },
                v -> shell.refreshCurrent(),
                e -> shell.showFailure("Resetting the demo failed", Problems.describe(e)));
        shell.showStarting(job);
    }

    @Override
    public void setDarkTheme(boolean dark) {
        applyTheme(dark);
        shell.root().getStyleClass().removeAll("dark", "light");
        shell.root().getStyleClass().add(dark ? "dark" : "light");
        saveSettings(s -> s.darkTheme = dark);
    }

    @Override
    public void showShortcuts() {
        HelpDialogs.showShortcuts(stage);
    }

    @Override
    public void showAbout() {
        HelpDialogs.showAbout(stage, work, workspace, dirs.logs());
    }

    /** Opens the log folder in the desktop's file manager (xdg-open), off the FX thread. */
    @Override
    public void openLogFolder() {
        Path folder = dirs.logs();
        work.run("Opening " + folder, c -> {
            java.nio.file.Files.createDirectories(folder);
            new ProcessBuilder("xdg-open", folder.toString()).redirectErrorStream(true).start();
            return null;
        }, v -> { }, e -> shell.setNotices(List.of("Could not open the log folder " + folder + ": " + Problems.describe(e)
                + " The log is " + folder.resolve("cascade-ops.log") + ".")));
    }

    /** The binary form of the theme: it loads several times faster than parsing its CSS text. */
    private static void applyTheme(boolean dark) {
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheetBSS() : new PrimerLight().getUserAgentStylesheetBSS());
    }

    @Override
    public void quit() {
        rememberWindow();
        // Closing pools and stopping servers takes a moment: do it off the FX thread, then exit.
        Thread closer = new Thread(() -> {
            awaitSettingsWritten();
            closeConnections();
            Platform.exit();
        }, "ops-shutdown");
        closer.start();
        if (stage != null) stage.hide();
    }

    /** Saves the window's size and place for the next start (the last page is saved as it changes). */
    public void rememberWindow() {
        if (stage != null && stage.isShowing() && options.screenshots() == null)
            saveSettings(s -> s.window = WindowMemory.capture(stage));
    }

    /** Stops background work, closes the clients and stops the demo servers; blocks, so not on the FX thread. */
    public synchronized void closeConnections() {
        work.close();
        stopHealthWatch();
        Workspace ws = workspace;
        DemoEnvironment d = demo;
        workspace = null;   // a second call (the shutdown hook after Quit) finds nothing left to close
        demo = null;
        if (ws != null) ws.close();
        if (d != null) d.close();
        DemoLock lock = demoLock;
        demoLock = null;
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                log.debug("Releasing the demo lock: {}", e.getMessage());
            }
        }
    }

    /**
     * Applies the change at once (what is read next sees it) and writes the file on the settings thread: a page switch
     * saves the page, and the FX thread must not wait on the disk. Writes run in order, each with the latest settings.
     */
    private void saveSettings(java.util.function.Consumer<Settings> change) {
        settingsStore.apply(change);
        settingsWriter.execute(() -> {
            try {
                settingsStore.persist();
            } catch (IOException e) {
                log.warn("Could not save settings to {}: {}", settingsStore.file(), e.getMessage());
                Platform.runLater(() -> showSettingsProblem(e));
            }
        });
    }

    private void showSettingsProblem(IOException e) {
        if (settingsProblemShown) return;
        settingsProblemShown = true;
        startupNotices.add("Settings cannot be saved to " + settingsStore.file() + " (" + e.getMessage()
                + "): changes last until you quit. Make the folder writable, or set CASCADE_OPS_HOME.");
        shell.setNotices(startupNotices);
    }

    /** Lets the last settings write finish (quitting, or a test reading the file). */
    void awaitSettingsWritten() {
        settingsWriter.shutdown();
        try {
            settingsWriter.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops what samples the workspace in the background: the health checks and the database page's charts. */
    private void stopHealthWatch() {
        HealthWatch w = healthWatch;
        healthWatch = null;
        var trends = databaseTrends;
        databaseTrends = null;
        if (trends != null) trends.close();
        var redisTrends = cacheTrends;
        cacheTrends = null;
        if (redisTrends != null) redisTrends.close();
        // closing cancels a run in flight, which sends a cancel request to the server: never on the FX thread
        if (w != null) {
            Thread t = new Thread(w::close, "ops-stop-checks");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The process exit code the console asks for (the screenshot run's verdict). */
    public static int exitCode() { return exitCode; }

    /** For tests: the pieces a person would look at. */
    public ShellView shell() { return shell; }

    public StatusBar statusBar() { return statusBar; }

    public Workspace workspace() { return workspace; }

    public BackgroundWork work() { return work; }

    private static java.util.concurrent.ThreadPoolExecutor idleEndingWriter() {
        var writer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 5, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "ops-settings-writer");
                    t.setDaemon(true);
                    return t;
                });
        writer.allowCoreThreadTimeOut(true);
        return writer;
    }
}
