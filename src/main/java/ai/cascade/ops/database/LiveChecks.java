package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.config.CheckThresholds;

import java.util.List;

/** Skeleton: being built. */
final class LiveChecks {
    private final CheckThresholds thresholds;

    LiveChecks(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** Each check answered on its own: an error in one (e.g. a missing privilege) makes it UNKNOWN, with the reason. */
    List<Check> run(Database db, CancelSignal cancel) {
        return List.of();
    }
}
