package ai.cascade.ops.testing;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.OpsSchema;
import ai.cascade.ops.demo.EmbeddedServers;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL and one real Redis for the whole test run, started on first use and stopped
 * when the JVM exits. Each test class asks for its own fresh database and a flushed Redis.
 */
public final class TestServers {
    private static EmbeddedServers servers;
    private static final AtomicInteger databases = new AtomicInteger();

    private TestServers() {}

    public static synchronized EmbeddedServers servers() {
        if (servers == null) {
            try {
                Path binaries = Path.of(System.getProperty("java.io.tmpdir"), "cascade-ops-test-pg-binaries");
                servers = EmbeddedServers.start(null, binaries);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded test servers", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "test-servers-stop"));
        }
        return servers;
    }

    /** A new, empty database with the backend's and Ops' schemas applied; its URL as a libpq URI. */
    public static String freshDatabaseUrl(String hint) {
        return freshDatabaseUrl(hint, "");
    }

    /** Like {@link #freshDatabaseUrl(String)}, created with {@code options} (e.g. another collation). */
    public static String freshDatabaseUrl(String hint, String options) {
        String name = ("t_" + hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + databases.incrementAndGet()).toLowerCase();
        if (name.length() > 60) name = name.substring(name.length() - 60);
        try (Connection c = servers().admin("postgres").getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + (options.isEmpty() ? "" : " " + options));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        DataSource ds = servers().admin(name);
        OpsSchema.migrateBackendForDemo(ds);
        OpsSchema.migrateOps(ds);
        return servers().postgresUrl(name);
    }

    /** A pool on a fresh database, the way the app builds one. */
    public static Database freshDatabase(String hint) {
        return open(freshDatabaseUrl(hint));
    }

    public static Database open(String url) {
        try {
            return new Database(PostgresAddress.parse(url), "cascade-ops-test", 4);
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String redisUrl() {
        return servers().redisUrl();
    }

    /** A client on the test Redis, emptied first. */
    public static RedisConnection freshRedis() {
        try {
            RedisConnection r = new RedisConnection(RedisAddress.parse(redisUrl()));
            r.run("flushing the test Redis", c -> c.flushall());
            return r;
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Superuser access for set-up and for checking what the app wrote. */
    public static DataSource admin(String url) {
        String db = url.substring(url.lastIndexOf('/') + 1);
        return servers().admin(db);
    }
}
