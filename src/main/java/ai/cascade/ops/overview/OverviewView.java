package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.billing.Money;
import ai.cascade.ops.billing.RevenueSummary;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.CheckList;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.FigureList;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.scene.control.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static ai.cascade.ops.ui.Figures.bytes;
import static ai.cascade.ops.ui.Figures.count;
import static ai.cascade.ops.ui.Figures.duration;
import static ai.cascade.ops.ui.Figures.percent;

/**
 * The first page: every check of every backend, worst first, each leading to the page that explains it (the
 * results come from the {@link HealthWatch}, which keeps checking while other pages are shown); then the business
 * pulse — live sessions, subscriptions and MRR by tier — and the users, Postgres and Redis figures.
 */
public final class OverviewView extends FxmlView implements ConsoleView {
    private static final String MRR_HINT = "Monthly recurring revenue: active, trialing and past-due subscriptions, each "
            + "normalised to a month with its tier's configured interval. Currencies are never added together.";

    @FXML private Label summary;
    @FXML private CheckList checkList;
    @FXML private LoadPane postgresPane;
    @FXML private FigureList postgresList;
    @FXML private LoadPane revenuePane;
    @FXML private FigureList revenueList;
    @FXML private LoadPane usersPane;
    @FXML private FigureList usersList;
    @FXML private LoadPane redisPane;
    @FXML private FigureList redisList;
    @FXML private Label newestSignup;

    private final HealthWatch watch;
    private final OverviewFigures figures;
    private final RevenueSummary revenue;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final Consumer<Check> open;
    private final Locale locale = Locale.getDefault();
    /** The Redis card: both from Redis, so they load (and fail) together. */
    private record RedisFigures(long liveSessions, OverviewFigures.Redis server) {}

    private HealthWatch.Result lastResult;
    private OverviewFigures.Users lastUsers;

    /** {@code open} shows the page that explains a check (the "Open" link of each row that is not OK). */
    public OverviewView(HealthWatch watch, OverviewFigures figures, RevenueSummary revenue, BackgroundWork work, TimeDisplay time,
                        Consumer<Check> open) {
        this.watch = watch;
        this.figures = figures;
        this.revenue = revenue;
        this.work = work;
        this.time = time;
        this.open = open;
    }

    /**
     * Until app/Console builds the watch: checks with default thresholds, revenue with no tiers configured, no links.
     * @deprecated wire {@link #OverviewView(HealthWatch, OverviewFigures, RevenueSummary, BackgroundWork, TimeDisplay, Consumer)}
     */
    @Override
    protected void didLoad() {
        checkList.setOnOpen(open);
        checkList.setFoldPassing(true);
        watch.addListener(r -> Platform.runLater(() -> showChecks(r)));
        watch.latest().ifPresent(this::showChecks);
        time.utcProperty().addListener((o, was, now) -> {
            showNewest();
            if (lastResult != null) showSummary(lastResult);
        });
    }

    /** The checks run again at once (results arrive from the watch); the figures reload. */
    @Override
    public void refresh() {
        root();
        checkNow();
        postgresPane.load(work, "Reading Postgres", figures::postgres, this::showPostgres);
        revenuePane.load(work, "Summing monthly recurring revenue", revenue::summary, this::showRevenue);
        usersPane.load(work, "Counting users", figures::users, this::showUsers);
        redisPane.load(work, "Counting live sessions", c -> new RedisFigures(figures.liveSessions(c), figures.redis()), this::showRedis);
    }

    @FXML
    private void checkNow() {
        watch.checkNow();
        if (lastResult != null) summary.setText(summaryText(lastResult) + " — checking again…");
    }

    /** The checks as shown, worst first (tests). */
    public CheckList checkList() {
        root();
        return checkList;
    }

    /** True once the first results are shown: a screenshot tour waits for it (the checks run outside BackgroundWork). */
    public boolean hasChecked() {
        return lastResult != null;
    }

    public String summaryText() {
        root();
        return summary.getText();
    }

    private void showChecks(HealthWatch.Result r) {
        lastResult = r;
        checkList.show(r.checks());
        showSummary(r);
    }

    private void showSummary(HealthWatch.Result r) {
        summary.setText(summaryText(r));
        Verdict worst = r.checks().stream().map(Check::verdict).reduce(Verdict.OK, Verdict::worse);
        summary.getStyleClass().removeIf(s -> s.startsWith("verdict-"));
        summary.getStyleClass().add("verdict-" + worst.label());
    }

    /** "2 critical, 3 warnings — checked 2026-11-25 12:04:31", or "All 23 checks pass — checked …". */
    private String summaryText(HealthWatch.Result r) {
        List<String> parts = new ArrayList<>();
        for (Verdict v : List.of(Verdict.UNREACHABLE, Verdict.CRITICAL, Verdict.WARNING, Verdict.UNKNOWN)) {
            long n = r.checks().stream().filter(c -> c.verdict() == v).count();
            if (n > 0) parts.add(n + " " + switch (v) {
                case UNKNOWN -> "could not be checked";
                case WARNING -> n == 1 ? "warning" : "warnings";
                default -> v.label();
            });
        }
        String checked = " — checked " + time.format(r.checkedAt());
        return parts.isEmpty() ? "All " + r.checks().size() + " checks pass" + checked : String.join(", ", parts) + checked;
    }

    private void showRevenue(RevenueSummary.Revenue r) {
        revenueList.clear();
        for (RevenueSummary.CurrencyTotal t : r.totals()) {
            String in = r.totals().size() > 1 ? " (" + t.currency() + ")" : "";
            revenueList.add("Active subscriptions" + in, count(t.active()), "Subscriptions with Stripe's status \"active\".")
                    .add("Trialing" + in, count(t.trialing()), "In a free trial; counted in MRR at their price.")
                    .add("Past due" + in, count(t.pastDue()), "The latest payment failed and Stripe retries it: follow up before it "
                            + "becomes unpaid or canceled.")
                    .add("MRR" + in, Money.format(t.mrr(), t.currency(), locale), MRR_HINT);
        }
        for (RevenueSummary.TierRevenue t : r.tiers())
            revenueList.add("  MRR · " + t.tier() + " · " + t.currency(), Money.format(t.mrr(), t.currency(), locale),
                    count(t.active()) + " active, " + count(t.trialing()) + " trialing, " + count(t.pastDue())
                            + " past due; billed per " + t.interval() + ". " + MRR_HINT);
        for (RevenueSummary.NotCounted n : r.notCounted())
            revenueList.add("  " + n.tier(), count(n.subscriptions()) + " not counted", n.reason());
        if (r.totals().isEmpty() && r.notCounted().isEmpty())
            revenueList.add("Subscriptions that bill", "none", "No active, trialing or past-due subscriptions.");
    }

    private void showUsers(OverviewFigures.Users u) {
        lastUsers = u;
        usersList.clear().add("All users", count(u.total()), "Rows in cascade_users, counted exactly.");
        for (Map.Entry<String, Long> e : u.byTier().entrySet())
            usersList.add("  " + e.getKey(), count(e.getValue()), u.total() == 0 ? 0.0 : (double) e.getValue() / u.total(),
                    percent(e.getValue(), u.total()) + " of users are on the tier \"" + e.getKey() + "\" (cascade_users.subscription_tier).");
        usersList.add("Logged in, last 24 h", count(u.loggedInLast24h()), "Users whose last_login is within the last 24 hours.")
                .add("Joined, last 7 days", count(u.joinedLast7d()), "Users created in the last 7 days.");
        showNewest();
    }

    private void showNewest() {
        if (lastUsers != null) newestSignup.setText("Newest sign-up: " + time.formatUtc(lastUsers.newestSignup()));
    }

    private void showPostgres(OverviewFigures.Postgres p) {
        postgresList.clear()
                .add("Live collaboration sessions", count(p.liveCollaborations()), "collaboration_sessions rows with ended_at still empty.")
                .add("Postgres connections", count(p.connections()) + " of " + count(p.maxConnections()),
                        p.maxConnections() == 0 ? 0.0 : (double) p.connections() / p.maxConnections(),
                        "Client connections (pg_stat_activity) against max_connections. Above half, find who holds them before new logins are refused.")
                .add("Database size", bytes(p.databaseBytes()), "PostgreSQL " + p.version()
                        + ": pg_database_size of this database, tables, indexes and TOAST.");
    }

    private void showRedis(RedisFigures f) {
        OverviewFigures.Redis r = f.server();
        redisList.clear()
                .add("Live login sessions", count(f.liveSessions()), "cascade:session:* keys, counted with SCAN.")
                .add("Server", "Redis " + r.version() + ", up " + duration(r.uptimeSeconds()), "redis_version and uptime_in_seconds from INFO.")
                .add("Keys", count(r.keyCount()), "DBSIZE of the selected database.")
                .add("Memory used", bytes(r.usedMemory()) + (r.maxMemory() > 0 ? " of " + bytes(r.maxMemory()) : " (no limit)"),
                        r.maxMemory() > 0 ? (double) r.usedMemory() / r.maxMemory() : null,
                        "used_memory against maxmemory. Near the limit Redis evicts keys (or refuses writes under noeviction).")
                .add("Clients", count(r.clients()), "connected_clients from INFO.");
    }
}
