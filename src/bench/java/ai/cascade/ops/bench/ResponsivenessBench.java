package ai.cascade.ops.bench;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.app.ViewId;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.demo.DemoEnvironment;
import ai.cascade.ops.demo.DemoLock;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TcpProxy;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * BENCH fx-delay-* (issue 9, item 1): the whole console (headless JavaFX, Monocle) on the demo environment, its
 * Postgres and Redis reached through the tests' {@link TcpProxy}, while the tests' {@link FxWatchdog} posts a
 * {@code Platform.runLater} round trip every 50 ms. Scenarios, each {@code seconds} long: switching pages, the cache
 * page refreshed (its inventory), both backends answering 5 s late while pages are switched, and the backends back.
 * <p>
 * Per scenario: p50/p95/p99/max and the count over 100 ms of the console's own delays (the wall-clock delay less the
 * time the FX thread stood ready without a CPU) and of the raw wall-clock delays, the load average at start and end,
 * whether the CPU-wait correction was available, and {@code BENCH fx-delay-<scenario> app=<own p99 ms> reference=100
 * ratio=<r>}. A {@link FxStackSampler} names where the FX thread spent its long busy stretches.
 *
 * <pre>src/bench/responsiveness/run.sh [seconds per scenario]</pre>
 */
public final class ResponsivenessBench {
    private static final double REFERENCE_MS = 100;
    private static final Duration SLOW = Duration.ofSeconds(5);

    private ResponsivenessBench() {}

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? Integer.parseInt(args[0]) : 20);
        } catch (Exception | Error e) {   // the FX thread would keep a failed benchmark's JVM alive
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(int seconds) throws Exception {
        for (String[] d : new String[][] {{"glass.platform", "Monocle"}, {"monocle.platform", "Headless"}, {"prism.order", "sw"},
                {"prism.text", "t2k"}, {"headless.geometry", "1920x1200-32"}, {"java.awt.headless", "true"}})
            if (System.getProperty(d[0]) == null) System.setProperty(d[0], d[1]);
        String dir = System.getenv("BENCH_DIR");
        Path folder = Path.of(dir == null || dir.isBlank() ? "/tmp/cascade-ops-bench-responsiveness" : dir);
        int users = Integer.parseInt(System.getenv().getOrDefault("BENCH_USERS", "100000"));
        List<String> results = new ArrayList<>();
        try (DemoLock lock = DemoLock.acquire(folder);
             DemoEnvironment demo = DemoEnvironment.start(folder, users, Settings.defaultTiers(), m -> System.err.println("  demo: " + m));
             TcpProxy postgres = TcpProxy.start("127.0.0.1", portOf(demo.postgresUrl()));
             TcpProxy redis = TcpProxy.start("127.0.0.1", portOf(demo.redisUrl()))) {
            String pgUrl = demo.postgresUrl().replace(":" + portOf(demo.postgresUrl()) + "/", ":" + postgres.port() + "/");
            String redisUrl = "redis://localhost:" + redis.port();
            ConnectionProfile profile = new ConnectionProfile("bench", false, false, pgUrl, redisUrl, "", DemoStripe.KEY);
            CountDownLatch started = new CountDownLatch(1);
            Platform.startup(started::countDown);
            started.await();
            Platform.setImplicitExit(false);
            boolean corrected = FxWatchdog.corrected();
            System.err.println("CPU-wait correction (the FX thread's schedstat): " + (corrected ? "available" : "NOT available, own = raw"));
            Thread fxThread = BenchFx.onFx(Thread::currentThread);
            Path home = Files.createTempDirectory("cascade-ops-bench-responsiveness");
            AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
            long t0 = System.nanoTime();
            String loadAtStart = loadAverage();
            FxStackSampler startSampler = FxStackSampler.start(fxThread);
            try (FxWatchdog startWatch = FxWatchdog.start()) {
                Console console = BenchFx.onFx(() -> {
                    Console c = new Console(dirs, new Console.Options(null, demo.stripeUrl(), profile));
                    c.start(new Stage());
                    return c;
                });
                BenchFx.waitFor("the console connected", () -> console.workspace() != null
                        && console.shell().content().lookup("#starting-panel") == null, 180, 50);
                Thread.sleep(2_000);   // the first page's loads
                startWatch.close();
                startSampler.close();
                System.err.printf(Locale.ROOT, "start-up: connected and first page shown in %,d ms%n", (System.nanoTime() - t0) / 1_000_000);
                results.add(report("startup", startWatch, startSampler, corrected, loadAtStart, -1));

                results.add(scenario("pages", seconds, console, false, corrected, fxThread));
                results.add(scenario("cache", seconds, console, true, corrected, fxThread));
                postgres.delay(SLOW);
                redis.delay(SLOW);
                System.err.println("backends now answer " + SLOW.toMillis() + " ms late");
                results.add(scenario("slow-backend", seconds, console, false, corrected, fxThread));
                postgres.pass();
                redis.pass();
                System.err.println("backends back to normal");
                results.add(scenario("recovered", seconds, console, false, corrected, fxThread));
                restyleCost(console);
                BenchFx.onFx(() -> { console.closeConnections(); return null; });
            }
        }
        results.forEach(System.out::println);
        Platform.exit();
    }

    /** One scenario: pages switched (or the cache page refreshed) every 700 ms for {@code seconds}, the watchdog running. */
    private static String scenario(String name, int seconds, Console console, boolean cacheOnly, boolean corrected,
                                   Thread fxThread) throws Exception {
        String loadAtStart = loadAverage();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int step = 0;
        FxStackSampler sampler = FxStackSampler.start(fxThread);
        Map<ViewId, List<long[]>> switches = new ConcurrentHashMap<>();
        try (FxWatchdog watch = FxWatchdog.start()) {
            try {
                if (cacheOnly) BenchFx.onFx(() -> { console.shell().select(ViewId.CACHE); return null; });
                while (System.nanoTime() < end) {
                    ViewId next = ViewId.values()[step++ % ViewId.values().length];
                    // posted, not awaited: a stuck FX thread must show in the watchdog, not stall this loop
                    Platform.runLater(() -> {
                        if (cacheOnly) console.shell().refreshCurrent();
                        else switchTimed(console, next, switches);
                    });
                    Thread.sleep(cacheOnly ? 2_000 : 700);
                }
            } finally {
                watch.close();   // stops posting; answers in flight still arrive
                sampler.close();
            }
            Thread.sleep(300);
            switches.forEach((page, costs) -> System.err.printf(Locale.ROOT, "  switch to %-13s %s%n", page,
                    costs.stream().map(c -> c[0] + "+" + c[1] + "+" + c[2]).toList()));
            if (!switches.isEmpty()) System.err.println("  (each switch, wall clock: ms building the page's nodes + ms in select() + ms until the next pulse's CSS and layout were done)");
            return report(name, watch, sampler, corrected, loadAtStart, step);
        }
    }

    /**
     * What adding one stylesheet to the live main scene costs the FX thread: the call, then the next pulse's CSS and
     * layout, in which every node of the window is styled anew. The alarm notifier used to do exactly this at the first
     * alarm (its stylesheet, added then); now it is added at start-up. Measured with a copy of that stylesheet under
     * another name, added and removed three times on the current page.
     */
    private static void restyleCost(Console console) throws Exception {
        Path copy = Files.createTempFile("alarm-style-probe", ".css");
        try (var in = ai.cascade.ops.overview.AlarmNotifier.class.getResourceAsStream("AlarmNotifier.css")) {
            Files.write(copy, in.readAllBytes());
        }
        String url = copy.toUri().toString();
        List<String> costs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (boolean add : new boolean[] {true, false}) {
                CountDownLatch done = new CountDownLatch(1);
                long[] ms = new long[2];
                Platform.runLater(() -> {
                    javafx.scene.Scene scene = console.shell().root().getScene();
                    long t0 = System.nanoTime();
                    if (add) scene.getStylesheets().add(url);
                    else scene.getStylesheets().remove(url);
                    long changed = System.nanoTime();
                    scene.addPostLayoutPulseListener(new Runnable() {
                        @Override public void run() {
                            scene.removePostLayoutPulseListener(this);
                            ms[0] = (changed - t0) / 1_000_000;
                            ms[1] = (System.nanoTime() - changed) / 1_000_000;
                            done.countDown();
                        }
                    });
                    Platform.requestNextPulse();
                });
                if (!done.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no pulse after changing the stylesheets");
                if (add) costs.add(ms[0] + "+" + ms[1]);
                Thread.sleep(500);
            }
        }
        Files.deleteIfExists(copy);
        System.err.println("restyle: adding one stylesheet to the main scene on " + BenchFx.onFx(() -> console.shell().currentView())
                + " costs (ms in add() + ms until the next pulse's CSS and layout were done) " + costs);
    }

    /**
     * On the FX thread: selects a page, and records the time its nodes took to build (the first visit's FXML), the
     * time select() took (attaching, refresh) and then until the next pulse's CSS and layout were done.
     */
    private static void switchTimed(Console console, ViewId page, Map<ViewId, List<long[]>> switches) {
        long t0 = System.nanoTime();
        var view = console.shell().view(page);
        if (view != null) view.root();   // built (FXML and all) on the first visit only
        long built = System.nanoTime();
        console.shell().select(page);
        long selected = System.nanoTime();
        javafx.scene.Scene scene = console.shell().root().getScene();
        Runnable once = new Runnable() {
            @Override public void run() {
                scene.removePostLayoutPulseListener(this);
                switches.computeIfAbsent(page, p -> new CopyOnWriteArrayList<>())
                        .add(new long[] {(built - t0) / 1_000_000, (selected - built) / 1_000_000, (System.nanoTime() - selected) / 1_000_000});
            }
        };
        scene.addPostLayoutPulseListener(once);
        Platform.requestNextPulse();
    }

    private static String report(String name, FxWatchdog watch, FxStackSampler sampler, boolean corrected, String loadAtStart, int steps) {
        List<Long> own = sorted(watch.delaysMs());
        List<Long> raw = sorted(watch.rawDelaysMs());
        String loadAtEnd = loadAverage();
        if (own.isEmpty()) return "BENCH fx-delay-" + name + " app=NaN reference=100 ratio=NaN   (no answers: the FX thread never answered)";
        long p99 = pct(own, 99);
        System.err.printf(Locale.ROOT, "%s: %s%,d FX answers; load average %s at start, %s at end; CPU-wait correction %s%n",
                name, steps < 0 ? "" : steps + " steps; ", own.size(), loadAtStart, loadAtEnd, corrected ? "available" : "NOT available");
        System.err.println("  " + distribution("own", own) + (watch.worstDelayMs() > own.get(own.size() - 1) ? "; still unanswered at the end: " + watch.worstDelayMs() + " ms" : ""));
        System.err.println("  " + distribution("raw", raw));
        sampler.print(System.err, 12);
        return String.format(Locale.ROOT, "BENCH fx-delay-%s app=%d reference=%.0f ratio=%.2f   (own p99; raw p99 %d ms, load %s -> %s)",
                name, p99, REFERENCE_MS, p99 / REFERENCE_MS, pct(raw, 99), loadAtStart.split(" ")[0], loadAtEnd.split(" ")[0]);
    }

    private static String distribution(String what, List<Long> d) {
        return String.format(Locale.ROOT, "%s delay: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms; over 100 ms: %d of %d",
                what, pct(d, 50), pct(d, 95), pct(d, 99), d.get(d.size() - 1), d.stream().filter(x -> x > 100).count(), d.size());
    }

    private static List<Long> sorted(List<Long> d) {
        List<Long> s = new ArrayList<>(d);
        Collections.sort(s);
        return s;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them ("?" elsewhere). */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    /**
     * Whether the kernel says how long the calling (FX) thread waited for a CPU, i.e. whether FxWatchdog's own delays
     * are corrected (its FxThreadClock is package-private, so the same test is made here).
     */
    private static int portOf(String url) {
        String rest = url.substring(url.lastIndexOf(':') + 1);
        int slash = rest.indexOf('/');
        return Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
    }
}
