package ai.cascade.ops.database;

/**
 * Whether pg_stat_statements can be read in this database, and if not, how to enable it.
 * {@code seesAllTexts} is false for a login without pg_read_all_stats: other logins' statement texts are hidden.
 */
public record StatementAvailability(boolean available, String problem, String howTo, boolean seesAllTexts, int serverVersion) {
    static final String ENABLE_STEPS = """
            1. In postgresql.conf add (or extend) the line:
                   shared_preload_libraries = 'pg_stat_statements'
            2. Restart PostgreSQL (a reload is not enough for this setting).
            3. As a superuser, connected to this database, run:
                   CREATE EXTENSION pg_stat_statements;""";

    static StatementAvailability notInstalled(int serverVersion) {
        return new StatementAvailability(false, "pg_stat_statements is not installed in this database, so the slowest statements cannot be shown.",
                ENABLE_STEPS, false, serverVersion);
    }

    static StatementAvailability notPreloaded(int serverVersion) {
        return new StatementAvailability(false, "pg_stat_statements is installed in this database, but the server did not load it at start "
                + "(it must be listed in shared_preload_libraries).", ENABLE_STEPS, false, serverVersion);
    }

    /** EXPLAIN (GENERIC_PLAN) exists from PostgreSQL 16: only then can a statement with $1 parameters be explained. */
    public boolean explainsParameterisedStatements() {
        return serverVersion >= 160000;
    }
}
