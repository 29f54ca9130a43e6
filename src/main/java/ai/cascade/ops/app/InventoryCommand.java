package ai.cascade.ops.app;

import ai.cascade.ops.backend.CancelSwitch;
import ai.cascade.ops.cache.Buckets;
import ai.cascade.ops.cache.FamilyFigures;
import ai.cascade.ops.cache.InventoryDepth;
import ai.cascade.ops.cache.InventoryReport;
import ai.cascade.ops.cache.KeyFamilies;
import ai.cascade.ops.cache.KeyInventory;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.cache.RedisKeyspace;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.Problems;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * {@code cascade-ops inventory [--profile NAME] [--json] [--counts] [--timeout SECONDS]}: the cache page's key
 * inventory from the command line (issue #6, item 8), for scripts and cron. No window, no demo; the run ends
 * within the timeout, and a run cut short prints what it counted so far.
 * Exit codes: 0 finished with no leak, 1 a leak (a family the contract writes with a TTL holds keys without one)
 * or a partial run (timeout, failure mid-scan), 3 Redis unreachable or not configured, 64 bad arguments.
 */
final class InventoryCommand {
    static final int CLEAN = 0;
    static final int LEAK_OR_PARTIAL = 1;
    static final int COULD_NOT_RUN = 3;
    static final int DEFAULT_TIMEOUT_SECONDS = 300;
    /** After the timeout's cancel, how long the scan may take to hand back its partial report. */
    private static final long STOPPING_MILLIS = 5_000;
    private static final int EXAMPLES_PRINTED = 5;
    static final String USAGE = """
            Usage: cascade-ops inventory [--profile NAME] [--json] [--counts] [--timeout SECONDS]
              Counts every Redis key by family (SCAN on every master, never KEYS) with memory, TTL distribution,
              keys without TTL and, where the eviction policy keeps it, idle time.
              --profile NAME       a saved profile (default: REDIS_URL etc. when set, else the active profile)
              --json               one JSON document on stdout instead of the tables
              --counts             keys per family only (SCAN alone: faster, reads nothing per key)
              --timeout SECONDS    bound on the whole run (default 300); then the partial inventory is printed
            Exit code: 0 finished and no leak, 1 a family that must expire holds keys without TTL, or the run was
            cut short, 3 Redis unreachable or not configured, 64 bad arguments.
            Logs go to the log file, never to stdout.""";
    private static final String COUNTS_ONLY = "--counts";
    private static final CommandLine.Syntax SYNTAX = new CommandLine.Syntax("inventory", USAGE, DEFAULT_TIMEOUT_SECONDS, 86_400, Set.of(COUNTS_ONLY));

    private InventoryCommand() {}

    /** The launcher's entry: the user's settings and environment, stdout and stderr; progress when stderr is a terminal. */
    static int run(String[] args) {
        CommandLine.logToTheFileOnly();
        SettingsStore store = new SettingsStore(AppDirectories.forUser().settingsFile());
        return run(args, System.getenv(), store, System.out, System.err, System.console() != null);
    }

    /** The command itself, with everything it reads and writes passed in (tests run it in-process). */
    static int run(String[] args, Map<String, String> env, SettingsStore store, PrintStream out, PrintStream err, boolean showProgress) {
        return CommandLine.run(args, SYNTAX, out, err, a -> takeStock(a, env, store, out, err, showProgress));
    }

    /** The inventory of the chosen profile's Redis, printed; exit 0 when it finished without a leak. */
    private static int takeStock(CommandLine.Options a, Map<String, String> env, SettingsStore store, PrintStream out, PrintStream err,
                                 boolean showProgress) {
        long deadline = System.nanoTime() + a.timeoutSeconds() * 1_000_000_000L;
        Settings settings = store.load();
        store.loadProblem().ifPresent(err::println);
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CommandLine.Choice choice = choose(a.profile(), settings, env, store);
        if (choice.problem() != null) return notRun(a, choice.profile() == null ? a.profile() : choice.profile().name(), startedAt, choice.problem(), out, err);
        ConnectionProfile profile = choice.profile();
        UnaryOperator<String> safe = CommandLine.redaction(profile);
        RedisAddress address;
        try {
            address = RedisAddress.parse(profile.redisUrl());
        } catch (InvalidSettingException e) {
            return notRun(a, profile.name(), startedAt, safe.apply("The Redis URL of profile \"" + profile.name() + "\" is not usable: " + e.getMessage()), out, err);
        }
        RedisConnection redis = new RedisConnection(address);
        try {
            try {
                redis.run("connecting", c -> c.ping());
            } catch (RuntimeException e) {
                return notRun(a, profile.name(), startedAt, safe.apply(Problems.describe(e)), out, err);
            }
            Outcome o = inventory(redis, depth(a), deadline, showProgress ? err : null);
            if (o.report() == null)
                return notRun(a, profile.name(), startedAt, safe.apply("The inventory could not start: " + o.problem()), out, err);
            InventoryReport r = redacted(o.report(), safe);
            int exit = exitCode(r);
            out.print(a.json() ? Printout.json(profile.name(), address.describe(), r, exit) : Printout.table(profile.name(), address.describe(), r, exit));
            out.flush();
            if (r.state() != InventoryReport.State.FINISHED) err.println("The inventory is partial (" + r.state().name().toLowerCase(Locale.ROOT) + "): "
                    + (r.notes().isEmpty() ? "see above." : r.notes().get(r.notes().size() - 1)));
            return exit;
        } finally {
            CommandLine.within(2_000, "ops-inventory-close", redis::close);
        }
    }

    /** 0 only for a finished run without leaks; anything partial or leaking is 1. */
    static int exitCode(InventoryReport r) {
        if (r.state() != InventoryReport.State.FINISHED) return LEAK_OR_PARTIAL;
        return r.families().stream().anyMatch(FamilyFigures::leaks) ? LEAK_OR_PARTIAL : CLEAN;
    }

    /** A report, or why none could be made. */
    private record Outcome(InventoryReport report, String problem) {}

    /**
     * Runs the inventory on a thread of its own, cancels it at the deadline and waits a little for its partial
     * report; a scan that does not stop even then is represented by its last progress snapshot.
     */
    private static Outcome inventory(RedisConnection redis, InventoryDepth depth, long deadline, PrintStream progressTo) {
        CancelSwitch cancel = new CancelSwitch();
        AtomicReference<InventoryReport> last = new AtomicReference<>();
        AtomicReference<InventoryReport> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread scan = new Thread(() -> {
            try {
                result.set(new KeyInventory(new RedisKeyspace(redis)).run(depth, cancel, r -> {
                    last.set(r);
                    if (progressTo != null) progressTo.print("\r" + progressLine(r));
                }));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "ops-inventory");
        scan.setDaemon(true);
        scan.start();
        boolean timedOut = !CommandLine.join(scan, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
        if (timedOut) {
            cancel.fire();
            CommandLine.join(scan, STOPPING_MILLIS);
        }
        if (progressTo != null && last.get() != null) progressTo.print("\r" + " ".repeat(72) + "\r");
        if (result.get() != null) return new Outcome(result.get(), null);
        String why = failure.get() != null ? Problems.describe(failure.get())
                : "it did not stop within " + STOPPING_MILLIS / 1000 + " s of the timeout";
        InventoryReport partial = last.get();
        if (partial == null) return new Outcome(null, why);
        List<String> notes = new ArrayList<>(partial.notes());
        notes.add("The scan ended early: " + why + ". The figures are what it had counted by then.");
        InventoryReport.State state = failure.get() != null ? InventoryReport.State.FAILED : InventoryReport.State.CANCELLED;
        return new Outcome(new InventoryReport(partial.depth(), state, partial.startedAt(), partial.elapsed(), partial.cluster(),
                partial.nodes(), partial.families(), partial.keys(), partial.duplicates(), partial.vanished(), partial.ttlKnown(),
                partial.memoryKnown(), partial.idleKnown(), notes), null);
    }

    static String progressLine(InventoryReport r) {
        long mastersDone = r.nodes().stream().filter(InventoryReport.NodeScan::done).count();
        return String.format(Locale.ROOT, "inventory: %3.0f %% · %s keys · %d of %d master%s scanned", r.progress() * 100,
                Figures.count(r.keys()), mastersDone, r.nodes().size(), r.nodes().size() == 1 ? "" : "s");
    }

    /** {@code --counts}: SCAN alone; else every key's TTL, memory and idle time too. */
    private static InventoryDepth depth(CommandLine.Options a) {
        return a.has(COUNTS_ONLY) ? InventoryDepth.COUNTS : InventoryDepth.FULL;
    }

    /** The profile whose Redis to take stock of, or why there is none. */
    private static CommandLine.Choice choose(String name, Settings settings, Map<String, String> env, SettingsStore store) {
        String howToConfigure = "Open CASCADE Ops, add a profile with a Redis URL under File → Connections and make it active, then run inventory again "
                + "(or pass --profile NAME, or set REDIS_URL). The demo runs only inside the app. Settings file: " + store.file();
        CommandLine.Choice choice = CommandLine.choose(name, settings, env, howToConfigure,
                "Nothing to take stock of: no profile is active and REDIS_URL is not set.",
                "The demo's Redis cannot be inventoried from the command line: it runs only inside the app.");
        ConnectionProfile p = choice.profile();
        if (p != null && !p.hasRedis())
            return new CommandLine.Choice(p, "Profile \"" + p.name() + "\" has no Redis URL: nothing to take stock of. Add one under File → Connections"
                    + (p.name().equals(ConnectionProfile.ENVIRONMENT_NAME) ? " or set REDIS_URL." : "."));
        return choice;
    }

    /** Nothing was counted: the reason on stderr and, with --json, a document that says so; exit 3. */
    private static int notRun(CommandLine.Options a, String profile, Instant startedAt, String problem, PrintStream out, PrintStream err) {
        err.println(problem);
        if (a.json()) {
            JsonObject doc = new JsonObject();
            doc.addProperty("profile", profile);
            doc.addProperty("startedAt", startedAt.toString());
            doc.add("state", JsonNull.INSTANCE);
            doc.addProperty("depth", depth(a).name().toLowerCase(Locale.ROOT));
            doc.add("families", new JsonArray());
            doc.addProperty("problem", problem);
            doc.addProperty("exitCode", COULD_NOT_RUN);
            out.print(CommandLine.json(doc));
            out.flush();
        }
        return COULD_NOT_RUN;
    }

    private static InventoryReport redacted(InventoryReport r, UnaryOperator<String> safe) {
        return new InventoryReport(r.depth(), r.state(), r.startedAt(), r.elapsed(), r.cluster(), r.nodes(), r.families(), r.keys(),
                r.duplicates(), r.vanished(), r.ttlKnown(), r.memoryKnown(), r.idleKnown(), r.notes().stream().map(safe).toList());
    }

    /** The report as tables for people and as one JSON document for scripts. */
    static final class Printout {
        private Printout() {}

        static String json(String profile, String redis, InventoryReport r, int exitCode) {
            JsonObject doc = new JsonObject();
            doc.addProperty("profile", profile);
            doc.addProperty("redis", redis);
            doc.addProperty("startedAt", r.startedAt().truncatedTo(ChronoUnit.MILLIS).toString());
            doc.addProperty("elapsedSeconds", r.elapsed().toMillis() / 1000.0);
            doc.addProperty("state", r.state().name().toLowerCase(Locale.ROOT));
            doc.addProperty("cluster", r.cluster());
            doc.addProperty("depth", r.depth().name().toLowerCase(Locale.ROOT));
            JsonObject known = new JsonObject();
            known.addProperty("ttl", r.ttlKnown());
            known.addProperty("memory", r.memoryKnown());
            known.addProperty("idle", r.idleKnown());
            doc.add("known", known);
            JsonArray nodes = new JsonArray();
            for (InventoryReport.NodeScan n : r.nodes()) {
                JsonObject o = new JsonObject();
                o.addProperty("node", n.node());
                o.addProperty("returned", n.returned());
                o.addProperty("dbsizeAtStart", n.dbsizeAtStart());
                o.addProperty("done", n.done());
                nodes.add(o);
            }
            doc.add("nodes", nodes);
            JsonArray families = new JsonArray();
            for (FamilyFigures f : r.families()) families.add(family(f, r));
            doc.add("families", families);
            JsonObject totals = new JsonObject();
            totals.addProperty("keys", r.keys());
            number(totals, "bytes", r.totalBytes(), r.memoryKnown());
            number(totals, "withoutTtl", r.withoutTtl(), r.ttlKnown());
            totals.addProperty("duplicates", r.duplicates());
            totals.addProperty("vanished", r.vanished());
            doc.add("totals", totals);
            JsonArray leaking = new JsonArray();
            r.families().stream().filter(FamilyFigures::leaks).forEach(f -> leaking.add(f.family()));
            doc.add("leakingFamilies", leaking);
            JsonArray notes = new JsonArray();
            r.notes().forEach(notes::add);
            doc.add("notes", notes);
            doc.addProperty("exitCode", exitCode);
            return CommandLine.json(doc);
        }

        private static JsonObject family(FamilyFigures f, InventoryReport r) {
            JsonObject o = new JsonObject();
            o.addProperty("family", f.family());
            o.addProperty("keys", f.keys());
            number(o, "bytes", f.bytes(), r.memoryKnown());
            o.add("ttl", r.ttlKnown() ? buckets(f.ttlBuckets()) : JsonNull.INSTANCE);
            number(o, "withoutTtl", f.withoutTtl(), r.ttlKnown());
            JsonArray examples = new JsonArray();
            f.withoutTtlExamples().forEach(examples::add);
            o.add("withoutTtlExamples", examples);
            o.addProperty("leaks", f.leaks());
            o.add("idle", r.idleKnown() ? buckets(f.idleBuckets()) : JsonNull.INSTANCE);
            JsonObject types = new JsonObject();
            f.types().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> types.addProperty(e.getKey(), e.getValue()));
            o.add("types", types);
            JsonArray largest = new JsonArray();
            for (FamilyFigures.SizedKey k : f.largest()) {
                JsonObject s = new JsonObject();
                s.addProperty("key", k.shown());
                s.addProperty("bytes", k.bytes());
                s.addProperty("type", k.type());
                largest.add(s);
            }
            o.add("largest", largest);
            return o;
        }

        /** Keys per {@link Buckets#LABELS} label, in order. */
        private static JsonObject buckets(List<Long> counts) {
            JsonObject o = new JsonObject();
            for (int i = 0; i < Buckets.count(); i++) o.addProperty(Buckets.LABELS.get(i), i < counts.size() ? counts.get(i) : 0);
            return o;
        }

        private static void number(JsonObject o, String name, long value, boolean known) {
            if (known) o.addProperty(name, value);
            else o.add(name, JsonNull.INSTANCE);
        }

        static String table(String profile, String redis, InventoryReport r, int exitCode) {
            StringBuilder s = new StringBuilder();
            String verdict = r.state() != InventoryReport.State.FINISHED ? "PARTIAL" : exitCode == CLEAN ? "OK" : "LEAK";
            s.append("CASCADE Ops inventory of profile \"").append(profile).append("\" (Redis ").append(redis)
                    .append(r.cluster() ? ", a cluster of " + r.nodes().size() + " masters" : "").append(") started ")
                    .append(r.startedAt().truncatedTo(ChronoUnit.SECONDS)).append(", ").append(r.state().name().toLowerCase(Locale.ROOT))
                    .append(" after ").append(String.format(Locale.ROOT, "%.1f s", r.elapsed().toMillis() / 1000.0)).append(", ")
                    .append(r.depth() == InventoryDepth.COUNTS ? "counts only" : "full").append(": ").append(verdict)
                    .append(" (exit ").append(exitCode).append(")\n\n");
            int w = Math.max("FAMILY".length(), r.families().stream().mapToInt(f -> f.family().length()).max().orElse(0));
            String row = "%-" + w + "s %12s %11s %10s%s%n";
            s.append(String.format(row, "FAMILY", "KEYS", "MEMORY", "NO TTL", ""));
            for (FamilyFigures f : r.families())
                s.append(String.format(row, f.family(), Figures.count(f.keys()), r.memoryKnown() ? Figures.bytes(f.bytes()) : "?",
                        r.ttlKnown() ? Figures.count(f.withoutTtl()) : "?", f.leaks() ? "  ← leak: this family must expire" : ""));
            s.append(String.format(row, "TOTAL", Figures.count(r.keys()), r.memoryKnown() ? Figures.bytes(r.totalBytes()) : "?",
                    r.ttlKnown() ? Figures.count(r.withoutTtl()) : "?", ""));
            if (r.depth() == InventoryDepth.COUNTS)
                s.append("\nCounts only: no TTL or memory was read, so keys without TTL (leaks) were not looked for.\n");
            if (r.ttlKnown()) histogram(s, "TTL left (keys with a TTL)", r.families(), FamilyFigures::ttlBuckets, w);
            if (r.idleKnown()) histogram(s, "Idle time (since last read or write)", r.families(), FamilyFigures::idleBuckets, w);
            withoutTtl(s, r);
            s.append("\nScan: ").append(r.nodes().size()).append(r.nodes().size() == 1 ? " server" : " masters").append("; ")
                    .append(Figures.count(r.duplicates())).append(" key(s) returned again by SCAN (counted once); ")
                    .append(Figures.count(r.vanished())).append(" gone before inspection (not counted).\n");
            for (InventoryReport.NodeScan n : r.nodes())
                s.append("  ").append(n.node()).append(": ").append(Figures.count(n.returned())).append(" returned, DBSIZE at start ")
                        .append(Figures.count(n.dbsizeAtStart())).append(n.done() ? "" : " (not finished)").append('\n');
            if (!r.notes().isEmpty()) {
                s.append("\nNotes:\n");
                r.notes().forEach(n -> s.append("  · ").append(n).append('\n'));
            }
            return s.toString();
        }

        private static void histogram(StringBuilder s, String title, List<FamilyFigures> families,
                                      java.util.function.Function<FamilyFigures, List<Long>> buckets, int w) {
            s.append('\n').append(title).append('\n');
            StringBuilder header = new StringBuilder(String.format("%-" + w + "s", "FAMILY"));
            for (String label : Buckets.LABELS) header.append(String.format(" %11s", label));
            s.append(header).append('\n');
            for (FamilyFigures f : families) {
                StringBuilder line = new StringBuilder(String.format("%-" + w + "s", f.family()));
                List<Long> counts = buckets.apply(f);
                for (int i = 0; i < Buckets.count(); i++) line.append(String.format(" %11s", Figures.count(i < counts.size() ? counts.get(i) : 0)));
                s.append(line).append('\n');
            }
        }

        private static void withoutTtl(StringBuilder s, InventoryReport r) {
            List<FamilyFigures> without = r.families().stream().filter(f -> f.withoutTtl() > 0).toList();
            if (!r.ttlKnown() || without.isEmpty()) return;
            s.append("\nKeys without TTL\n");
            for (FamilyFigures f : without) {
                s.append("  ").append(f.family()).append("  ").append(Figures.count(f.withoutTtl())).append(f.withoutTtl() == 1 ? " key" : " keys")
                        .append(KeyFamilies.expires(f.family()) ? " — a leak: the contract writes every key of this family with a TTL" : "")
                        .append('\n');
                f.withoutTtlExamples().stream().limit(EXAMPLES_PRINTED).forEach(k -> s.append("    · ").append(k).append('\n'));
                if (f.withoutTtl() > Math.min(EXAMPLES_PRINTED, f.withoutTtlExamples().size()))
                    s.append("    … and ").append(Figures.count(f.withoutTtl() - Math.min(EXAMPLES_PRINTED, f.withoutTtlExamples().size()))).append(" more\n");
            }
        }
    }
}
