package ai.cascade.ops.app;

import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.OpsSchema;
import ai.cascade.ops.ui.Problems;

/** The administrator's command that creates or upgrades Ops' own schema, run with an owner role. */
final class OpsMigrationCommand {
    private OpsMigrationCommand() {}

    static int run(String url) {
        if (url == null || url.isBlank()) {
            System.err.println("Give the Postgres URL of an owner role: --migrate-ops postgresql://owner@host:5432/cascade (or set DATABASE_URL).");
            return 2;
        }
        try (Database db = new Database(PostgresAddress.parse(url), "CASCADE Ops migration", 1)) {
            int applied = OpsSchema.migrateOps(db.dataSource());
            OpsSchema.Status status = OpsSchema.check(db);
            System.out.println("CASCADE Ops' schema on " + db.address().describe() + " is at version " + status.foundVersion()
                    + " (" + applied + " migration(s) applied now).");
            System.out.println("Grant each operator's own login one of the group roles, e.g.:");
            System.out.println("  GRANT cascade_ops_support TO alice;     -- may edit subscriptions");
            System.out.println("  GRANT cascade_ops_monitoring TO bob;    -- may read");
            return 0;
        } catch (InvalidSettingException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("The migration failed: " + Problems.describe(e) + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return 1;
        }
    }
}
