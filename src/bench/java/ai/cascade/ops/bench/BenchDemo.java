package ai.cascade.ops.bench;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.demo.DemoDataset;
import ai.cascade.ops.demo.DemoEnvironment;
import ai.cascade.ops.demo.DemoLock;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The users benchmarks' data: the demo environment with a million users in a bench folder of its own
 * (generated once, about half a minute, reused by later runs), and the app's Postgres pool on it,
 * built as the console builds it (6 connections).
 */
final class BenchDemo implements AutoCloseable {
    static final int USERS = 1_000_000;

    private final DemoLock lock;
    private final DemoEnvironment demo;
    private final Database database;

    private BenchDemo(DemoLock lock, DemoEnvironment demo, Database database) {
        this.lock = lock;
        this.demo = demo;
        this.database = database;
    }

    /** The folder from BENCH_DIR, else /tmp/cascade-ops-bench-1m. */
    static Path folder() {
        String dir = System.getenv("BENCH_DIR");
        return Path.of(dir == null || dir.isBlank() ? "/tmp/cascade-ops-bench-1m" : dir);
    }

    static BenchDemo start() throws IOException, SQLException, InvalidSettingException {
        Path folder = folder();
        DemoLock lock = DemoLock.acquire(folder);
        long started = System.nanoTime();
        Instant now = Instant.now();
        DemoEnvironment demo = DemoEnvironment.start(folder, USERS, Settings.defaultTiers(), m -> System.err.println("  demo: " + m));
        // Statistics once, after a generation; reruns keep them, so their plans stay comparable (ANALYZE samples at random).
        boolean generated = DemoDataset.marker(demo.dataSource()).map(m -> m.completedAt().isAfter(now)).orElse(false);
        try (Connection c = demo.dataSource().getConnection(); Statement st = c.createStatement()) {
            if (generated) st.execute("ANALYZE cascade_users, subscriptions");
            try (ResultSet rs = st.executeQuery("SELECT greatest(last_analyze, last_autoanalyze) FROM pg_stat_user_tables WHERE relname = 'cascade_users'")) {
                System.err.println("planner statistics of cascade_users from " + (rs.next() ? rs.getString(1) : "?"));
            }
        }
        System.err.printf("demo with %,d users ready in %s in %.1f s%n", USERS, folder, (System.nanoTime() - started) / 1e9);
        Database db = new Database(PostgresAddress.parse(demo.postgresUrl()), "CASCADE Ops bench", 6);
        return new BenchDemo(lock, demo, db);
    }

    String postgresUrl() { return demo.postgresUrl(); }

    Database database() { return database; }

    /** The app's clients as the services see them; this benchmark needs no Redis. */
    Connections connections() {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("the users benchmarks use no Redis"); }
        };
    }

    @Override
    public void close() throws IOException {
        database.close();
        demo.close();
        lock.close();
    }
}
