package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;

import java.util.List;

/** Redis' health checks (skeleton: being built). */
public final class CacheChecks {
    private final Connections connections;
    private final CheckThresholds thresholds;

    public CacheChecks(Connections connections, CheckThresholds thresholds) {
        this.connections = connections;
        this.thresholds = thresholds;
    }

    /** Throws {@link ai.cascade.ops.backend.BackendException} only when Redis cannot be reached at all. */
    public List<Check> run(CancelSignal cancel) {
        connections.redis().run("PING", c -> c.ping());
        return List.of(Check.of(Backend.REDIS, "redis.reachable", "Redis reachable", Verdict.OK, "answers", "", ""));
    }
}
