package ai.cascade.ops.database;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Ops' own schema ({@code ops}): its migrations, and the check the console makes at start.
 * The backend's tables are migrated here only for the demo and the tests.
 */
public final class OpsSchema {
    /** The version of the newest migration under resources/db/ops. */
    public static final int EXPECTED_VERSION = 4;

    /** What the console may do on this server, and why not when it may not write. */
    public record Status(int foundVersion, boolean backendTablesPresent, boolean canEditSubscriptions,
                         boolean canSignalBackends, String login, String readOnlyReason) {
        public boolean writable() { return readOnlyReason == null; }
    }

    private OpsSchema() {}

    /** Applies Ops' schema; run by an administrator with an owner role, or automatically for demo and tests. */
    public static int migrateOps(DataSource ds) {
        return Flyway.configure().dataSource(ds).schemas("ops").table("flyway_schema_history")
                .locations("classpath:db/ops").load().migrate().migrationsExecuted;
    }

    /** The backend's own schema, for the embedded demo and test databases only. */
    public static void migrateBackendForDemo(DataSource ds) {
        Flyway.configure().dataSource(ds).schemas("public").table("demo_backend_schema_history")
                .locations("classpath:db/backend").baselineOnMigrate(false).load().migrate();
    }

    /** Reads what this login may do; never writes. */
    public static Status check(Database db) {
        return db.run("checking CASCADE Ops' schema", c -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(5);
                String login;
                boolean backend;
                int version = 0;
                try (ResultSet rs = st.executeQuery(
                        "SELECT session_user, to_regclass('public.cascade_users') IS NOT NULL AND to_regclass('public.subscriptions') IS NOT NULL, "
                                + "to_regprocedure('ops.schema_version()') IS NOT NULL")) {
                    rs.next();
                    login = rs.getString(1);
                    backend = rs.getBoolean(2);
                    if (rs.getBoolean(3)) version = -1;
                }
                if (version == -1) {
                    try (ResultSet rs = st.executeQuery("SELECT ops.schema_version()")) {
                        rs.next();
                        version = rs.getInt(1);
                    }
                }
                boolean edit = false, signal = false;
                if (backend && version > 0) {
                    try (ResultSet rs = st.executeQuery(
                            "SELECT has_column_privilege('public.subscriptions', 'status', 'UPDATE') "
                                    + "AND has_table_privilege('ops.audit_log', 'INSERT') "
                                    + "AND has_table_privilege('ops.subscription_edit', 'INSERT'), "
                                    + "pg_has_role(session_user, 'pg_signal_backend', 'MEMBER')")) {
                        rs.next();
                        edit = rs.getBoolean(1);
                        signal = rs.getBoolean(2);
                    }
                }
                String reason = null;
                if (!backend) reason = "This database has no CASCADE tables (cascade_users, subscriptions): is the Postgres URL right?";
                else if (version == 0) reason = "CASCADE Ops' schema is missing on this server. An administrator runs the migration command (README: Connecting to real servers).";
                else if (version < EXPECTED_VERSION) reason = "CASCADE Ops' schema is at version " + version + ", this console needs " + EXPECTED_VERSION + ". An administrator runs the migration command.";
                else if (version > EXPECTED_VERSION) reason = "CASCADE Ops' schema is at version " + version + ", newer than this console knows (" + EXPECTED_VERSION + "): update the console.";
                else if (!edit) reason = "The login \"" + login + "\" is a monitoring login: it may read, not edit.";
                return new Status(version, backend, edit, signal, login, reason);
            }
        });
    }
}
