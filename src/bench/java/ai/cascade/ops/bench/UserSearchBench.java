package ai.cascade.ops.bench;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.users.UserDirectory;
import ai.cascade.ops.users.UserRow;

import java.io.IOException;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BENCH users (issue 4): on the demo with a million users, the app's users query for each kind of
 * search and for the next page (id order, username order) — {@code UserDirectory.page} through the
 * app's HikariCP pool, wall time in process — beside the same statement, its values written in as
 * literals ({@link UserDirectory#sqlFor}), timed by {@code \timing} in one long-lived psql session on
 * the same database. Each run looks for a different existing target; app and psql take turns going
 * first, since the second one finds the row's pages warmer.
 *
 * <pre>src/bench/users/run.sh [runs]</pre>
 */
public final class UserSearchBench {
    private static final int WARM_UP = 10;
    private static final int LIMIT = 200;
    private static final double GOAL_P95_MS = 50;
    private static final double GOAL_RATIO = 1.2;

    private record Result(SearchTargets.Figure figure, double[] app, double[] reference, double rowsPerCall, String example, String mode,
                          String failure) {
        static Result failed(SearchTargets.Figure figure, Exception e) {
            return new Result(figure, null, null, 0, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private UserSearchBench() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Returns the exit status: 1 when some figure could not be measured. */
    private static int run(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        long seed = Long.parseLong(System.getenv().getOrDefault("BENCH_SEED", "4"));
        List<Result> results = new ArrayList<>();
        double[][] floor;
        try (BenchDemo demo = BenchDemo.start(); PsqlSession psql = new PsqlSession(demo.postgresUrl())) {
            UserDirectory users = new UserDirectory(demo.connections());
            floor = roundTripFloor(demo.database(), psql, runs);
            for (SearchTargets.Figure f : SearchTargets.sample(demo.database(), seed, WARM_UP + runs)) {
                System.err.println("measuring " + f.label() + "…");
                try {
                    results.add(measure(f, users, psql, demo.database(), runs));
                } catch (RuntimeException e) {   // one broken kind of search must not hide the others' figures
                    e.printStackTrace();
                    results.add(Result.failed(f, e));
                }
            }
        }
        report(results, floor, runs, seed);
        return results.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
    }

    /**
     * {@code SELECT 1} by the app's path for one statement (Database.prepared: pool, prepared statement, query
     * time limit) beside psql: the fixed cost per call that no query plan changes, for reading the ratios of
     * sub-millisecond lookups.
     */
    private static double[][] roundTripFloor(Database db, PsqlSession psql, int runs) throws IOException {
        double[] app = new double[runs], reference = new double[runs];
        for (int i = 0; i < WARM_UP + runs; i++) {
            long started = System.nanoTime();
            db.prepared("a round trip", 10, CancelSignal.NONE, "SELECT 1", st -> {
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            double took = (System.nanoTime() - started) / 1e6;
            double ref = psql.time("SELECT 1");
            if (i >= WARM_UP) {
                app[i - WARM_UP] = took;
                reference[i - WARM_UP] = ref;
            }
        }
        return new double[][] {app, reference};
    }

    private static Result measure(SearchTargets.Figure f, UserDirectory users, PsqlSession psql, Database db, int runs) throws IOException {
        List<SearchTargets.Call> calls = f.calls();
        List<String> sql = calls.stream().map(c -> users.sqlFor(c.query(), c.anchor(), true, LIMIT)).toList();
        Map<String, long[]> plansBefore = serverPlans(db);
        double[] app = new double[runs], reference = new double[runs];
        long rows = 0;
        for (int i = 0; i < calls.size(); i++) {
            SearchTargets.Call c = calls.get(i);
            boolean appFirst = i % 2 == 0;
            double ref = appFirst ? 0 : psql.time(sql.get(i));
            long started = System.nanoTime();
            List<UserRow> page = users.page(c.query(), c.anchor(), true, LIMIT, CancelSignal.NONE);
            double took = (System.nanoTime() - started) / 1e6;
            if (appFirst) ref = psql.time(sql.get(i));
            if (i >= WARM_UP) {
                app[i - WARM_UP] = took;
                reference[i - WARM_UP] = ref;
                rows += page.size();
            }
        }
        return new Result(f, app, reference, rows / (double) runs, sql.get(WARM_UP), planMode(plansBefore, serverPlans(db)), null);
    }

    /**
     * pgjdbc sends a statement unnamed (planned with its values each time) until its 5th execution on a
     * connection, then as a named server-side statement, for which Postgres may switch to a generic plan
     * after 5 more. The named statements' plan counters before and after tell which mode was measured.
     */
    private static Map<String, long[]> serverPlans(Database db) {
        return db.run("reading the prepared statements", c -> {
            Map<String, long[]> plans = new HashMap<>();
            try (var st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE NOT from_sql")) {
                while (rs.next()) plans.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
            return plans;
        });
    }

    private static String planMode(Map<String, long[]> before, Map<String, long[]> after) {
        List<String> used = new ArrayList<>();
        after.forEach((statement, n) -> {
            if (!statement.contains("FROM cascade_users")) return;
            long[] was = before.getOrDefault(statement, new long[2]);
            long generic = n[0] - was[0], custom = n[1] - was[1];
            if (generic + custom > 0)
                used.add(String.format(Locale.ROOT, "server-side prepared (pgjdbc prepareThreshold=5): %d generic and %d custom plans this figure", generic, custom));
        });
        if (used.isEmpty()) return "no named statement on the pool's connection: unnamed, planned with its values each time";
        String modes = String.join("; ", used);
        return modes.matches(".*: [1-9][0-9]* generic.*")
                ? modes + "\n  note: psql's text with literals is always planned for its values (a custom plan): the two plans may differ"
                : modes;
    }

    private static void report(List<Result> results, double[][] floor, int runs, long seed) {
        System.out.println();
        System.out.printf("BENCH users: %,d users, %d runs per figure after %d warm-up runs, %d-row pages, seed %d; reference: %s%n",
                BenchDemo.USERS, runs, WARM_UP, LIMIT, seed, PsqlSession.version());
        System.out.println("app = UserDirectory.page(query, anchor, true, 200) through the app's HikariCP pool, in-process wall time;");
        System.out.println("reference = the same statement with its values as literals, psql \\timing in one session (results to /dev/null)");
        System.out.printf(Locale.ROOT, "round-trip floor, SELECT 1 (app: Database.prepared, the pool and driver path every page takes): "
                        + "app p50 %.3f p95 %.3f ms, psql p50 %.3f p95 %.3f ms%n",
                percentile(floor[0], 50), percentile(floor[0], 95), percentile(floor[1], 50), percentile(floor[1], 95));
        boolean goalsMet = true;
        for (Result r : results) {
            System.out.println();
            if (r.failure() != null) {
                System.out.println(r.figure().label() + ": FAILED, no figure: " + r.failure());
                goalsMet = false;
                continue;
            }
            System.out.printf("%s  (%.1f rows per call)%n", r.figure().label(), r.rowsPerCall());
            System.out.println("  e.g. " + r.example());
            System.out.println("  app statement: " + r.mode());
            System.out.println("             p50 ms    p95 ms    min ms    max ms");
            row("app", r.app());
            row("psql", r.reference());
            double p95 = percentile(r.app(), 95), ratio = p95 / percentile(r.reference(), 95);
            boolean fast = !r.figure().goal50ms() || p95 <= GOAL_P95_MS, close = ratio <= GOAL_RATIO;
            goalsMet &= fast && close;
            System.out.printf(Locale.ROOT, "  app/psql   %7.2f   %7.2f      goal: %sratio ≤ %.1f %s%n",
                    percentile(r.app(), 50) / percentile(r.reference(), 50), ratio,
                    r.figure().goal50ms() ? "p95 ≤ 50 ms " + (fast ? "met" : "MISSED") + ", " : "", GOAL_RATIO, close ? "met" : "MISSED");
        }
        System.out.println();
        System.out.println(goalsMet ? "all goals met" : "some goals missed (see above); figures on a busy 2-core machine are noisy");
        for (Result r : results) bench(r, 50);
        for (Result r : results) bench(r, 95);
    }

    private static void row(String name, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "  %-8s %9.3f %9.3f %9.3f %9.3f%n", name, percentile(ms, 50), percentile(ms, 95), s[0], s[s.length - 1]);
    }

    private static void bench(Result r, int p) {
        if (r.failure() != null) return;
        double app = percentile(r.app(), p), ref = percentile(r.reference(), p);
        System.out.printf(Locale.ROOT, "BENCH users.%s.p%d app=%.3f reference=%.3f ratio=%.2f%n", r.figure().key(), p, app, ref, app / ref);
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, rank - 1)];
    }
}
