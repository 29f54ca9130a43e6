package ai.cascade.ops.demo;

import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.config.Settings;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Generates the demo data in a process of its own, printing {@code ROWS n} as rows are sent:
 * the crash test kills it mid-way to prove that a killed generation leaves nothing half-made.
 * Arguments: a Postgres URL (libpq URI), the number of users, optionally the seed.
 */
public final class DemoGeneratorProcess {
    private DemoGeneratorProcess() {}

    public static void main(String[] args) throws SQLException, InvalidSettingException {
        if (args.length < 2) {
            System.err.println("usage: DemoGeneratorProcess postgresql://user@host:port/db users [seed]");
            System.exit(2);
        }
        PGSimpleDataSource ds = dataSource(args[0]);
        int users = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DemoEnvironment.SEED;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long started = System.nanoTime();
        DemoDataset.generate(ds, users, Settings.defaultTiers(), seed, sentence -> { },
                rows -> out.println("ROWS " + rows), () -> false);
        out.println("DONE " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    /** The database at a libpq URI, as a child process reaches it (no pool: it is killed, not closed). */
    static PGSimpleDataSource dataSource(String url) throws InvalidSettingException {
        PostgresAddress address = PostgresAddress.parse(url);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(address.jdbcUrl());
        if (!address.user().isEmpty()) ds.setUser(address.user());
        if (!address.password().isEmpty()) ds.setPassword(address.password());
        return ds;
    }
}
