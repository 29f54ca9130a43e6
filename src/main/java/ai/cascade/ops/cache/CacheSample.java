package ai.cascade.ops.cache;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One reading of INFO on every master, with the console's own lookups tallied at the same moment (no batch in
 * flight), or none when the lookups kept INFO waiting too long ({@code nodes} null). {@code readNanos} is
 * {@link System#nanoTime()} just before INFO was sent, so rates do not follow wall-clock jumps.
 */
record CacheSample(Instant at, long readNanos, boolean cluster, List<NodeCounters> nodes, Map<String, OwnLookups.Tally> own,
                   long uncertain) {

    /** INFO's figures of one master. */
    record NodeCounters(String node, String runId, long uptimeSeconds, long hits, long misses, long commands, long evicted,
                        long expired, long usedMemory, long maxMemory, long clients) {

        static NodeCounters of(String node, Map<String, String> info) {
            return new NodeCounters(node, info.getOrDefault("run_id", ""), CacheChecks.number(info, "uptime_in_seconds"),
                    CacheChecks.number(info, "keyspace_hits"), CacheChecks.number(info, "keyspace_misses"),
                    CacheChecks.number(info, "total_commands_processed"), CacheChecks.number(info, "evicted_keys"),
                    CacheChecks.number(info, "expired_keys"), CacheChecks.number(info, "used_memory"),
                    CacheChecks.number(info, "maxmemory"), CacheChecks.number(info, "connected_clients"));
        }

        /** Counters went backwards while the server kept running: CONFIG RESETSTAT. */
        boolean countersResetSince(NodeCounters earlier) {
            return hits < earlier.hits || misses < earlier.misses || commands < earlier.commands || evicted < earlier.evicted
                    || expired < earlier.expired;
        }

        boolean restartedSince(NodeCounters earlier) {
            return !runId.equals(earlier.runId) || uptimeSeconds < earlier.uptimeSeconds;
        }
    }

    boolean waited() { return nodes == null; }

    long usedMemory() { return nodes.stream().mapToLong(NodeCounters::usedMemory).sum(); }

    /** The limits summed, or 0 when a master has none: the whole is then unbounded. */
    long maxMemory() {
        return nodes.stream().anyMatch(n -> n.maxMemory() <= 0) ? 0 : nodes.stream().mapToLong(NodeCounters::maxMemory).sum();
    }

    long clients() { return nodes.stream().mapToLong(NodeCounters::clients).sum(); }
}
