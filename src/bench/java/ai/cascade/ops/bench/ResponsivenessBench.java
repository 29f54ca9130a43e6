package ai.cascade.ops.bench;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.app.ViewId;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.demo.DemoEnvironment;
import ai.cascade.ops.demo.DemoLock;
import ai.cascade.ops.demo.DemoStripe;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * BENCH fx-delay-* (issue 9, item 1): the whole console (headless JavaFX, Monocle) on the demo environment, its
 * Postgres and Redis reached through local TCP proxies that can delay every chunk of traffic, while a probe posts a
 * {@code Platform.runLater} round trip every 50 ms (as the tests' FxWatchdog) and records each answer's delay.
 * Scenarios, each {@code seconds} long: switching pages, the cache page refreshed (its inventory), both backends
 * answering 5 s late while pages are switched, and the backends back to normal. Per scenario: the delay
 * distribution and {@code BENCH fx-delay-<scenario> app=<p99 ms> reference=100 ratio=<r>}.
 *
 * <pre>src/bench/responsiveness/run.sh [seconds per scenario]</pre>
 */
public final class ResponsivenessBench {
    private static final double REFERENCE_MS = 100;
    private static final long SLOW_MS = 5_000;
    private static final long STALL_MS = 1_000;

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
             DelayProxy postgres = new DelayProxy(portOf(demo.postgresUrl()));
             DelayProxy redis = new DelayProxy(portOf(demo.redisUrl()))) {
            String pgUrl = demo.postgresUrl().replace(":" + portOf(demo.postgresUrl()) + "/", ":" + postgres.port() + "/");
            String redisUrl = "redis://localhost:" + redis.port();
            ConnectionProfile profile = new ConnectionProfile("bench", false, false, pgUrl, redisUrl, "", DemoStripe.KEY);
            CountDownLatch started = new CountDownLatch(1);
            Platform.startup(started::countDown);
            started.await();
            Platform.setImplicitExit(false);
            Path home = Files.createTempDirectory("cascade-ops-bench-responsiveness");
            AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
            Console console = BenchFx.onFx(() -> {
                Console c = new Console(dirs, new Console.Options(null, demo.stripeUrl(), profile));
                c.start(new Stage());
                return c;
            });
            BenchFx.waitFor("the console connected", () -> console.workspace() != null
                    && console.shell().content().lookup("#starting-panel") == null, 180, 50);
            Thread.sleep(2_000);   // the first page's loads

            results.add(scenario("pages", seconds, console, false));
            results.add(scenario("cache", seconds, console, true));
            postgres.delayMillis = SLOW_MS;
            redis.delayMillis = SLOW_MS;
            System.err.println("backends now answer " + SLOW_MS + " ms late");
            results.add(scenario("slow-backend", seconds, console, false));
            postgres.delayMillis = 0;
            redis.delayMillis = 0;
            System.err.println("backends back to normal");
            results.add(scenario("recovered", seconds, console, false));
            BenchFx.onFx(() -> { console.closeConnections(); return null; });
        }
        results.forEach(System.out::println);
        Platform.exit();
    }

    /** One scenario: pages switched (or the cache page refreshed) every 700 ms for {@code seconds}, the probe running. */
    private static String scenario(String name, int seconds, Console console, boolean cacheOnly) throws Exception {
        List<Long> delays = new CopyOnWriteArrayList<>();
        ScheduledExecutorService probe = probe(delays);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int step = 0;
        try {
            if (cacheOnly) BenchFx.onFx(() -> { console.shell().select(ViewId.CACHE); return null; });
            while (System.nanoTime() < end) {
                ViewId next = ViewId.values()[step++ % ViewId.values().length];
                // posted, not awaited: a stuck FX thread must show in the probe, not stall this loop
                Platform.runLater(() -> {
                    if (cacheOnly) console.shell().refreshCurrent();
                    else console.shell().select(next);
                });
                Thread.sleep(cacheOnly ? 2_000 : 700);
            }
        } finally {
            probe.shutdownNow();
        }
        Thread.sleep(200);
        List<Long> d = new ArrayList<>(delays);
        Collections.sort(d);
        if (d.isEmpty()) return "BENCH fx-delay-" + name + " app=NaN reference=100 ratio=NaN   (no answers: the FX thread never answered)";
        long p99 = pct(d, 99);
        System.err.printf(Locale.ROOT, "%s: %d steps; FX answers %,d (of ~%d posted); delay p50 %d ms, p95 %d ms, p99 %d ms, max %d ms; over 100 ms: %d%n",
                name, step, d.size(), seconds * 20, pct(d, 50), pct(d, 95), p99, d.get(d.size() - 1), d.stream().filter(x -> x > 100).count());
        return String.format(Locale.ROOT, "BENCH fx-delay-%s app=%d reference=%.0f ratio=%.2f", name, p99, REFERENCE_MS, p99 / REFERENCE_MS);
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * Like the tests' FxWatchdog: a runLater round trip every 50 ms, each answer's delay recorded. Besides, when no
     * answer has come for {@link #STALL_MS}, it prints what the FX thread is doing (at most three times a scenario),
     * so a late answer names its cause.
     */
    private static ScheduledExecutorService probe(List<Long> delays) {
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "fx-probe");
            t.setDaemon(true);
            return t;
        });
        AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
        AtomicInteger dumps = new AtomicInteger();
        ticker.scheduleAtFixedRate(() -> {
            long sent = System.nanoTime();
            Platform.runLater(() -> {
                long now = System.nanoTime();
                lastAnswer.set(now);
                delays.add((now - sent) / 1_000_000);
            });
        }, 0, 50, TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(() -> {
            long silent = (System.nanoTime() - lastAnswer.get()) / 1_000_000;
            if (silent < STALL_MS || dumps.get() >= 3) return;
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                if (!thread.getName().equals("JavaFX Application Thread")) return;
                dumps.incrementAndGet();
                lastAnswer.set(System.nanoTime());   // one dump per stall
                StringBuilder b = new StringBuilder("  FX thread silent for " + silent + " ms, at:\n");
                for (int i = 0; i < Math.min(stack.length, 40); i++) b.append("      ").append(stack[i]).append('\n');
                System.err.print(b);
            });
        }, 100, 100, TimeUnit.MILLISECONDS);
        return ticker;
    }

    private static int portOf(String url) {
        String rest = url.substring(url.lastIndexOf(':') + 1);
        int slash = rest.indexOf('/');
        return Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
    }

    /** A local TCP proxy that holds every chunk of traffic, both ways, for {@link #delayMillis} before passing it on. */
    private static final class DelayProxy implements AutoCloseable {
        volatile long delayMillis;
        private final ServerSocket server;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        DelayProxy(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "delay-proxy-" + target);
            t.setDaemon(true);
            t.start();
        }

        int port() { return server.getLocalPort(); }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream;
                    try {
                        upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    } catch (IOException e) {
                        client.close();
                        continue;
                    }
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                }
            } catch (IOException closed) {
                // the proxy was closed
            }
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    byte[] buf = new byte[65536];
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        long delay = delayMillis;
                        if (delay > 0) Thread.sleep(delay);
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException ignored) {
                    // one side closed
                } finally {
                    try { from.close(); } catch (IOException ignored) { }
                    try { to.close(); } catch (IOException ignored) { }
                }
            }, "delay-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) s.close();
        }
    }
}
