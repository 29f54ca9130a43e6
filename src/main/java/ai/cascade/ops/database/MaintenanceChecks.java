package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.config.CheckThresholds;

import java.util.List;

/**
 * pghero's maintenance checks of one Postgres database: unused, duplicate and missing indexes, estimated bloat,
 * vacuum and analyze status, and keys near overflow. Each reads only statistics views and catalogs, so a
 * monitoring login (pg_monitor) can run them all.
 */
final class MaintenanceChecks {
    private final CheckThresholds thresholds;

    MaintenanceChecks(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * Each check answered on its own: an error in one (e.g. a missing privilege) makes it UNKNOWN, with the reason.
     * A cancelled run throws {@link java.util.concurrent.CancellationException}; a server lost on the way throws
     * {@link ai.cascade.ops.backend.BackendException}.
     */
    List<Check> run(Database db, CancelSignal cancel) {
        IndexChecks indexes = new IndexChecks(thresholds);
        return List.of(
                IndexChecks.UNUSED.run(cancel, () -> indexes.unused(db, cancel)),
                IndexChecks.DUPLICATE.run(cancel, () -> indexes.duplicates(db, cancel)),
                IndexChecks.MISSING.run(cancel, () -> indexes.missing(db, cancel)),
                MaintenanceBloat.CHECK.run(cancel, () -> new MaintenanceBloat(thresholds).run(db, cancel)),
                MaintenanceVacuum.CHECK.run(cancel, () -> new MaintenanceVacuum(thresholds).run(db, cancel)),
                MaintenanceSequences.CHECK.run(cancel, () -> new MaintenanceSequences(thresholds).run(db, cancel)));
    }
}
