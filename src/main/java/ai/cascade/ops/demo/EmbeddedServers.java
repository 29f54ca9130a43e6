package ai.cascade.ops.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL 18 and a real Redis, started from binaries shipped in jars, on loopback ports.
 * With a data folder the Postgres data survives restarts (fsync on, as a database that keeps data should).
 */
public final class EmbeddedServers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);

    private final EmbeddedPostgres postgres;
    private final RedisServer redis;
    private final int redisPort;

    private EmbeddedServers(EmbeddedPostgres postgres, RedisServer redis, int redisPort) {
        this.postgres = postgres;
        this.redis = redis;
        this.redisPort = redisPort;
    }

    /**
     * Starts both servers. {@code pgData} null means a throw-away data directory (tests);
     * {@code binaries} is where the Postgres binaries unpack on first use.
     */
    public static EmbeddedServers start(Path pgData, Path binaries) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("track_io_timing", "on")
                .setServerConfig("max_connections", "100");
        if (binaries != null) {
            Files.createDirectories(binaries);
            b.setOverrideWorkingDirectory(binaries.toFile());
        }
        if (pgData != null) {
            Files.createDirectories(pgData.getParent());
            b.setDataDirectory(pgData).setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        EmbeddedPostgres pg = b.start();
        int port = freePort();
        RedisServer redis;
        try {
            redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no")
                    .setting("maxmemory 512mb").setting("maxmemory-policy volatile-lru")
                    .build();
            redis.start();
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
        log.info("Embedded PostgreSQL on port {} and Redis on port {} started", pg.getPort(), port);
        return new EmbeddedServers(pg, redis, port);
    }

    /** Trust authentication on loopback: the URL carries no password. */
    public String postgresUrl(String database) {
        return "postgresql://postgres@localhost:" + postgres.getPort() + "/" + database;
    }

    public String redisUrl() {
        return "redis://localhost:" + redisPort;
    }

    public int postgresPort() { return postgres.getPort(); }

    public int redisPort() { return redisPort; }

    /** The superuser's connection to a database, for set-up only. */
    public DataSource admin(String database) {
        return postgres.getDatabase("postgres", database);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            redis.stop();
        } catch (IOException | RuntimeException e) {
            log.warn("Stopping the embedded Redis failed: {}", e.getMessage());
        }
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }
}
