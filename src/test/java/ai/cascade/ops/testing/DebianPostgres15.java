package ai.cascade.ops.testing;

import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.database.OpsSchema;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL 15 (an older major version than the embedded 18), started once per JVM on a free loopback
 * port with trust authentication, stopped when the JVM exits. Its initdb and postgres refuse to run as root, so
 * they run as the {@code postgres} user through {@code runuser}: that needs root, the binaries and the user.
 */
public final class DebianPostgres15 {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Path RUNUSER = Path.of("/usr/sbin/runuser");
    private static final AtomicInteger databases = new AtomicInteger();
    private static Path base;
    private static int port;
    private static int replicaPort;
    private static RuntimeException startFailure;

    private DebianPostgres15() {}

    /** True when this machine can run it: the binaries, root (for runuser) and a postgres user. */
    public static boolean available() {
        return whyUnavailable() == null;
    }

    /** Why it cannot run here, for a skipped test's message; null when it can. */
    public static String whyUnavailable() {
        if (!Files.isExecutable(BIN.resolve("pg_ctl")) || !Files.isExecutable(BIN.resolve("initdb")))
            return "Debian's PostgreSQL 15 is not installed (no " + BIN + "/pg_ctl; apt-get install postgresql-15)";
        if (!"root".equals(System.getProperty("user.name")))
            return "Debian's PostgreSQL 15 must run as the postgres user, which needs root for runuser; this JVM runs as "
                    + System.getProperty("user.name");
        if (!Files.isExecutable(RUNUSER)) return "runuser is missing (" + RUNUSER + ")";
        if (postgresUser() == null) return "there is no postgres user to run PostgreSQL 15 as";
        return null;
    }

    /** The server's port, starting it on first use. */
    public static synchronized int port() {
        if (startFailure != null) throw startFailure;   // once: every later test says why, none retries initdb
        if (port == 0) {
            try {
                start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return port;
    }

    /**
     * The port of a streaming replica of this server (pg_basebackup, then started read-only), made on first use:
     * it holds the databases made before, and follows what the primary writes after.
     */
    public static synchronized int replicaPort() {
        if (replicaPort == 0) {
            int primary = port();
            try {
                Path data = base.resolve("replica");
                run(List.of(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(primary), "-U", "postgres",
                        "-D", data.toString(), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"), base, 120);
                int p = freePort();
                startServer(data, p, base.resolve("replica.log"));
                replicaPort = p;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start a replica of PostgreSQL 15", e);
            }
        }
        return replicaPort;
    }

    /** A new database with the backend's and Ops' schemas applied (as {@link TestServers#freshDatabaseUrl}); its URL. */
    public static String freshDatabaseUrl(String hint) {
        String name = ("pg15_" + hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + databases.incrementAndGet()).toLowerCase();
        if (name.length() > 60) name = name.substring(name.length() - 60);
        try (Connection c = admin("postgres").getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a database on PostgreSQL 15: " + e.getMessage(), e);
        }
        DataSource ds = admin(name);
        OpsSchema.migrateBackendForDemo(ds);
        OpsSchema.migrateOps(ds);
        return "postgresql://postgres@127.0.0.1:" + port() + "/" + name;
    }

    /** Superuser access to {@code database} on the primary, for set-up. */
    public static DataSource admin(String database) {
        return admin(port(), database);
    }

    /** Superuser access to the server and database of {@code url} (the primary's or the replica's). */
    public static DataSource adminOf(String url) {
        try {
            PostgresAddress a = PostgresAddress.parse(url);
            return admin(a.port(), a.database());
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static DataSource admin(int serverPort, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {serverPort});
        ds.setDatabaseName(database);
        ds.setUser("postgres");
        ds.setConnectTimeout(5);
        return ds;
    }

    private static void start() {
        String why = whyUnavailable();
        if (why != null) throw new IllegalStateException(why);
        try {
            Path dir = Files.createTempDirectory("cascade-ops-pg15-");
            Files.setOwner(dir, postgresUser());
            Path socket = dir.resolve("socket");
            Files.createDirectories(socket);
            Files.setOwner(socket, postgresUser());
            Path data = dir.resolve("data");
            run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync"), dir, 120);
            base = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(DebianPostgres15::stop, "pg15-stop"));
            int p = freePort();
            startServer(data, p, dir.resolve("server.log"));
            port = p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Debian's PostgreSQL 15", e);
        }
    }

    private static void startServer(Path data, int p, Path log) throws IOException {
        List<String> options = new ArrayList<>(List.of("-p " + p, "-k " + base.resolve("socket"), "-c listen_addresses=127.0.0.1",
                "-c fsync=off", "-c synchronous_commit=off", "-c max_connections=100"));
        if (Files.exists(Path.of("/usr/share/postgresql/15/extension/pg_stat_statements.control")))
            options.add("-c shared_preload_libraries=pg_stat_statements");
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", String.join(" ", options),
                "-l", log.toString(), "-w", "-t", "60", "start"), base, 90);
    }

    private static void stop() {
        for (String data : List.of("replica", "data")) {
            if (!Files.exists(base.resolve(data).resolve("postmaster.pid"))) continue;
            try {
                run(List.of(BIN.resolve("pg_ctl").toString(), "-D", base.resolve(data).toString(), "-m", "immediate", "-w", "stop"), base, 30);
            } catch (RuntimeException | IOException e) {
                System.err.println("Stopping PostgreSQL 15 (" + data + ") failed: " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("Removing " + base + " failed: " + e.getMessage());
        }
    }

    /** Runs a PostgreSQL program as the postgres user; its output goes to a file beside the data, shown when it fails. */
    private static void run(List<String> command, Path dir, int timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>(List.of(RUNUSER.toString(), "-u", "postgres", "--"));
        full.addAll(command);
        Path out = Files.createTempFile("pg15-", ".out");
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0)
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + Files.readString(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static UserPrincipal postgresUser() {
        try {
            return Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
