package ai.cascade.ops.bench;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.FamilyFigures;
import ai.cascade.ops.cache.InventoryDepth;
import ai.cascade.ops.cache.InventoryReport;
import ai.cascade.ops.cache.KeyInventory;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.cache.RedisKeyspace;
import ai.cascade.ops.config.RedisAddress;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BENCH inventory (issue #6, "Performance"): on a Redis filled by {@link KeyFiller} (run.sh starts Debian's
 * redis-server 7 and fills it), in one run and alternating so both share the machine's noise:
 * <ul>
 *   <li>{@code redis-cli --scan > /dev/null} vs the app's {@link KeyInventory} at {@link InventoryDepth#COUNTS}
 *   (goal ≤ 0.6×),</li>
 *   <li>{@code redis-cli --memkeys} vs the app's inventory at {@link InventoryDepth#FULL} (TTL + memory; goal ≤ 1.0×),</li>
 * </ul>
 * each the median of N rounds, the pair's order swapped every round. The app runs in this JVM (run.sh gives it
 * -Xmx300m); its peak heap is sampled per run (goal ≤ 300 MB). The slowlog (threshold 10 ms, reset first) is read
 * at the end: entries from the app's clients (goal: none) apart from redis-cli's.
 * <p>Usage: {@code KeyInventoryBench <port> [rounds] [manifest-file] [out-dir]}; default 3 rounds. The environment
 * variable {@code BENCH_SCAN_COUNT} makes the app scan with another COUNT than its default.
 */
public final class KeyInventoryBench {
    private static final long APP_TIMEOUT_MINUTES = 15;

    private record Run(String name, int round, long keysAtStart, long keysAtEnd, double seconds, String detail) {}

    private final int port;
    private final Path outDir;
    private final Map<String, long[]> manifest;
    private final StatefulRedisConnection<String, String> control;
    private final SlowlogWitness witness;
    private final HeapWatch heap = new HeapWatch();
    private final KeyInventory inventory;
    private final List<Run> runs = new ArrayList<>();
    private final List<HeapWatch.Figures> appHeaps = new ArrayList<>();
    private final ExecutorService appThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-inventory"));
    private String appMissing;

    private KeyInventoryBench(int port, Path outDir, Map<String, long[]> manifest, RedisClient benchClient, KeyInventory inventory) {
        this.port = port;
        this.outDir = outDir;
        this.manifest = manifest;
        this.control = benchClient.connect();
        this.witness = new SlowlogWitness(benchClient);
        this.inventory = inventory;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Map<String, long[]> manifest = args.length > 2 ? readManifest(Path.of(args[2])) : Map.of();
        Path outDir = Path.of(args.length > 3 ? args[3] : ".");
        String url = "redis://127.0.0.1:" + port;
        RedisClient benchClient = RedisClient.create(url);
        try (RedisConnection redis = new RedisConnection(RedisAddress.parse(url))) {
            String count = System.getenv("BENCH_SCAN_COUNT");   // to try another COUNT than the app's own
            RedisKeyspace keyspace = new RedisKeyspace(redis);
            KeyInventory inventory = count == null ? new KeyInventory(keyspace) : new KeyInventory(keyspace, Integer.parseInt(count));
            System.out.printf("inventory: the app scans with COUNT %s%n", count == null ? KeyInventory.DEFAULT_SCAN_COUNT + " (its default)" : count);
            KeyInventoryBench bench = new KeyInventoryBench(port, outDir, manifest, benchClient, inventory);
            try {
                bench.measure(rounds);
            } finally {
                bench.close();
            }
        } finally {
            benchClient.shutdown();
        }
        System.exit(0);   // Lettuce's and the executor's threads must not keep a finished benchmark alive
    }

    private void measure(int rounds) throws Exception {
        System.out.printf("inventory: Redis %s on port %d, %,d keys, max heap %d MB, %d rounds; load average %s%n",
                info("server", "redis_version"), port, control.sync().dbsize(), Runtime.getRuntime().maxMemory() >> 20, rounds, loadAverage());
        control.sync().configSet("slowlog-log-slower-than", "10000");
        control.sync().configSet("slowlog-max-len", "100000");   // the default 128 could drop the app's entries
        control.sync().configSet("latency-tracking-info-percentiles", "50 99 99.9 100");
        control.sync().slowlogReset();
        for (int r = 1; r <= rounds; r++) {
            int round = r;
            boolean appFirst = round % 2 == 0;
            pair(appFirst, () -> referenceScan(round), () -> app(InventoryDepth.COUNTS, round));
            pair(appFirst, () -> referenceMemkeys(round), () -> app(InventoryDepth.FULL, round));
        }
        List<SlowlogWitness.Entry> slow = witness.entries(control);
        summary(slow);
    }

    private interface Step { void run() throws Exception; }

    private static void pair(boolean appFirst, Step reference, Step app) throws Exception {
        if (appFirst) {
            app.run();
            reference.run();
        } else {
            reference.run();
            app.run();
        }
    }

    private void referenceScan(int round) throws Exception {
        long keys = control.sync().dbsize();
        double s = redisCli(SlowlogWitness.Phase.REFERENCE, null, "--scan");
        record(new Run("redis-cli --scan", round, keys, control.sync().dbsize(), s, serverTimes()));
    }

    private void referenceMemkeys(int round) throws Exception {
        long keys = control.sync().dbsize();
        File out = outDir.resolve("memkeys-round" + round + ".txt").toFile();
        double s = redisCli(SlowlogWitness.Phase.REFERENCE, out, "--memkeys");
        record(new Run("redis-cli --memkeys", round, keys, control.sync().dbsize(), s, memkeysSummary(out.toPath()) + "; " + serverTimes()));
    }

    /** Times redis-cli from its start to its exit; {@code out} null sends its output to /dev/null. */
    private double redisCli(SlowlogWitness.Phase phase, File out, String option) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), option)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(out == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(out));
        control.sync().configResetstat();
        witness.begin(phase);
        long start = System.nanoTime();
        Process p = pb.start();
        int status = p.waitFor();
        double s = (System.nanoTime() - start) / 1e9;
        witness.end();
        if (status != 0) throw new IllegalStateException("redis-cli " + option + " exited with " + status);
        return s;
    }

    private void app(InventoryDepth depth, int round) throws Exception {
        String name = "app " + depth;
        if (appMissing != null) {
            record(new Run(name, round, control.sync().dbsize(), control.sync().dbsize(), Double.NaN, appMissing));
            return;
        }
        long keys = control.sync().dbsize();
        AtomicInteger progressCalls = new AtomicInteger();
        heap.start();
        control.sync().configResetstat();
        witness.begin(SlowlogWitness.Phase.APP);
        long start = System.nanoTime();
        Future<InventoryReport> f = appThread.submit(() -> inventory.run(depth, CancelSignal.NONE, r -> progressCalls.incrementAndGet()));
        InventoryReport report;
        try {
            report = f.get(APP_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            witness.end();
            if (!(e.getCause() instanceof UnsupportedOperationException)) throw e;
            appMissing = "KeyInventory is not built yet (" + e.getCause().getMessage() + ")";
            record(new Run(name, round, keys, control.sync().dbsize(), Double.NaN, appMissing));
            return;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the app's " + depth + " inventory did not finish within " + APP_TIMEOUT_MINUTES + " minutes");
        }
        double s = (System.nanoTime() - start) / 1e9;
        witness.end();
        HeapWatch.Figures h = heap.stop();
        appHeaps.add(h);
        String detail = String.format("state %s, %,d keys counted, %,d duplicates, %,d vanished, %,d progress reports;"
                        + " heap peak %.0f MB (pool peaks %.0f MB), %d GCs %d ms%s%s", report.state(), report.keys(),
                report.duplicates(), report.vanished(), progressCalls.get(), h.sampledPeakMb(), h.poolPeaksMb(),
                h.collections(), h.collectionMillis(),
                depth == InventoryDepth.FULL ? String.format("; %,d bytes, %,d without TTL (ttl %s, memory %s, idle %s)",
                        report.totalBytes(), report.withoutTtl(), report.ttlKnown(), report.memoryKnown(), report.idleKnown()) : "",
                report.notes().isEmpty() ? "" : "; notes: " + report.notes()) + "; " + serverTimes();
        record(new Run(name, round, keys, control.sync().dbsize(), s, detail));
        if (round == 1) families(report, keys);
    }

    /** The app's figures per family beside the filler's manifest: an oracle that does not come from Redis. */
    private void families(InventoryReport report, long keysAtStart) {
        System.out.printf("  %-44s %12s   %-25s %12s %12s%n", "family (" + report.depth() + ")", "app keys", "filler: outliving..written",
                "app no TTL", "filler");
        Map<String, long[]> left = new LinkedHashMap<>(manifest);
        for (FamilyFigures f : report.families()) {
            long[] m = left.remove(f.family());
            String expected = m == null ? "(not filled)" : String.format("%,d..%,d", m[1], m[0]);
            String check = m == null ? "" : f.keys() >= m[1] && f.keys() <= m[0] ? "ok" : "OUT OF RANGE";
            String noTtl = report.ttlKnown() ? String.format("%,d", f.withoutTtl()) : "-";
            String noTtlCheck = !report.ttlKnown() || m == null ? "" : f.withoutTtl() == m[2] ? "ok" : "DIFFERS (" + m[2] + ")";
            System.out.printf("  %-44s %,12d   %-25s %12s %12s %s %s%n", f.family(), f.keys(), expected, noTtl,
                    m == null ? "" : String.format("%,d", m[2]), check, noTtlCheck);
        }
        left.forEach((family, m) -> System.out.printf("  %-44s %12s   %,d..%,d  MISSING from the app's report%n", family, "-", m[1], m[0]));
        System.out.printf("  total: app %,d keys; DBSIZE at start %,d%n", report.keys(), keysAtStart);
    }

    private void record(Run r) {
        runs.add(r);
        System.out.printf("%-20s round %d: %,9d keys at start (%,d at end), %s%s%n", r.name, r.round, r.keysAtStart, r.keysAtEnd,
                Double.isNaN(r.seconds) ? "not run" : String.format("%.2f s", r.seconds), r.detail.isEmpty() ? "" : "; " + r.detail);
    }

    private void summary(List<SlowlogWitness.Entry> slow) {
        Map<String, Integer> byWhose = new LinkedHashMap<>();
        for (SlowlogWitness.Entry e : slow) byWhose.merge(e.whose(), 1, Integer::sum);
        System.out.printf("slowlog (threshold 10 ms, reset before the first run): %d entries %s%n", slow.size(), byWhose);
        Map<String, Integer> appByCommand = new LinkedHashMap<>();
        slow.stream().filter(e -> e.whose().startsWith("app")).forEach(e -> appByCommand.merge(e.command(), 1, Integer::sum));
        if (!appByCommand.isEmpty()) System.out.printf("  the app's entries by command: %s%n", appByCommand);
        slow.stream().filter(e -> !e.whose().startsWith("redis-cli")).limit(20).forEach(e -> System.out.printf(
                "  slow: %s %d args %.1f ms client %s name '%s' -> %s%n", e.command(), e.args(), e.micros() / 1000.0, e.client(), e.name(), e.whose()));
        System.out.println();
        System.out.println("runs (keys at the start of each):");
        runs.forEach(r -> System.out.printf("  %-20s round %d  %,9d keys  %s%n", r.name, r.round, r.keysAtStart,
                Double.isNaN(r.seconds) ? "not run" : String.format("%.2f s", r.seconds)));
        pairs("app COUNTS", "redis-cli --scan");
        pairs("app FULL", "redis-cli --memkeys");
        System.out.println("load average at the end (1, 5, 15 min): " + loadAverage());
        System.out.println();
        line("inventory-counts", median("app COUNTS"), median("redis-cli --scan"), "%.2f");
        line("inventory-full", median("app FULL"), median("redis-cli --memkeys"), "%.2f");
        double peak = appHeaps.stream().mapToDouble(HeapWatch.Figures::sampledPeakMb).max().orElse(Double.NaN);
        line("inventory-heap", peak, 300, "%.0f");
        long app = slow.stream().filter(e -> e.whose().startsWith("app")).count();
        long cli = slow.stream().filter(e -> e.whose().startsWith("redis-cli")).count();
        long other = slow.size() - app - cli;
        System.out.printf("BENCH inventory-slowlog app=%s reference=0 redis-cli=%d other=%d%n",
                appHeaps.isEmpty() ? "n/a" : Long.toString(app), cli, other);
    }

    private static void line(String name, double app, double reference, String format) {
        String a = Double.isNaN(app) ? "n/a" : String.format(format, app);
        String ratio = Double.isNaN(app) ? "n/a" : String.format("%.2f", app / reference);
        System.out.printf("BENCH %s app=%s reference=%s ratio=%s%n", name, a, String.format(format, reference), ratio);
    }

    /** Each round's ratio alone: on a busy machine the rounds differ more than the two sides of a round. */
    private void pairs(String app, String reference) {
        List<Double> ratios = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Run a : runs) {
            if (!a.name.equals(app) || Double.isNaN(a.seconds)) continue;
            runs.stream().filter(r -> r.name.equals(reference) && r.round == a.round).findFirst().ifPresent(r -> {
                ratios.add(a.seconds / r.seconds);
                text.append(String.format("  round %d %.2f", a.round, a.seconds / r.seconds));
            });
        }
        if (ratios.isEmpty()) return;
        Collections.sort(ratios);
        System.out.printf("%s / %s by round:%s; median of the rounds' ratios %.2f%n", app, reference, text, ratios.get(ratios.size() / 2));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private double median(String name) {
        List<Double> s = new ArrayList<>(runs.stream().filter(r -> r.name.equals(name) && !Double.isNaN(r.seconds)).map(Run::seconds).toList());
        if (s.isEmpty()) return Double.NaN;
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** redis-cli --memkeys' own totals: keys sampled and bytes by type, to set beside the app's FULL figures. */
    static String memkeysSummary(Path file) throws IOException {
        String text = Files.readString(file);
        Matcher sampled = Pattern.compile("Sampled (\\d+) keys").matcher(text);
        Matcher types = Pattern.compile("(?m)^(\\d+) (\\w+) with (\\d+) bytes").matcher(text);
        long bytes = 0;
        StringBuilder byType = new StringBuilder();
        while (types.find()) {
            bytes += Long.parseLong(types.group(3));
            byType.append(byType.isEmpty() ? "" : ", ").append(types.group(1)).append(' ').append(types.group(2));
        }
        return String.format("sampled %s keys (%s), %,d bytes", sampled.find() ? sampled.group(1) : "?", byType, bytes);
    }

    /**
     * The server-side time of the run's key commands (what SLOWLOG measures), from INFO latencystats since the
     * CONFIG RESETSTAT before the run: whether a command is slow itself, or was merely descheduled now and then.
     */
    private String serverTimes() {
        Map<String, String> calls = new LinkedHashMap<>();
        Map<String, String> latency = new LinkedHashMap<>();
        for (String l : control.sync().info("commandstats").split("\r?\n")) {
            Matcher m = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)").matcher(l);
            if (m.find()) calls.put(m.group(1), m.group(2));
        }
        for (String l : control.sync().info("latencystats").split("\r?\n")) {
            Matcher m = Pattern.compile("^latency_percentiles_usec_([^:]+):p50=([\\d.]+),p99=([\\d.]+),p99.9=([\\d.]+),p100=([\\d.]+)").matcher(l);
            if (m.find()) latency.put(m.group(1), String.format("p50 %s p99 %s p99.9 %s max %s µs", m.group(2), m.group(3), m.group(4), m.group(5)));
        }
        StringBuilder out = new StringBuilder("server time");
        for (String c : List.of("scan", "type", "pttl", "memory|usage", "object|idletime"))
            if (calls.containsKey(c)) out.append(String.format("; %s %,d calls %s", c, Long.parseLong(calls.get(c)), latency.getOrDefault(c, "")));
        return out.toString();
    }

    private String info(String section, String field) {
        for (String l : control.sync().info(section).split("\r?\n"))
            if (l.startsWith(field + ":")) return l.substring(field.length() + 1);
        return "?";
    }

    private static Map<String, long[]> readManifest(Path file) throws IOException {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String l : Files.readAllLines(file)) {
            if (l.startsWith("#") || l.isBlank()) continue;
            String[] f = l.split("\t");
            out.put(f[0], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
        }
        return out;
    }

    private void close() {
        appThread.shutdownNow();
        witness.close();
        heap.close();
        control.close();
    }
}
