package ai.cascade.ops.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Set-up SQL run as the superuser on a test database, for tests that read Postgres' statistics views. */
public final class AdminSql {
    private AdminSql() {}

    /**
     * Runs {@code sql} in one session on the database at {@code url}, then flushes that session's statistics so the
     * pg_stat views count its reads and writes now rather than when the session goes idle.
     */
    public static void execAndFlushStats(String url, String... sql) throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
            st.execute("SELECT pg_stat_force_next_flush()");
        }
    }
}
