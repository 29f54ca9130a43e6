package ai.cascade.ops.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An inventory so far or in full. Exact: every key that existed for the whole scan is counted once (SCAN may
 * return a key twice; duplicates are dropped); keys created or expired meanwhile may or may not be.
 *
 * @param families   by the contract's order, then Venice endpoints, then "other"
 * @param duplicates keys SCAN returned again, not counted twice
 * @param vanished   keys SCAN returned that were gone when inspected (expired or deleted meanwhile); not counted
 * @param notes      what the run could not learn and why ("MEMORY USAGE is not allowed for this user: ..."),
 *                   and what happened (a node restarted mid-scan)
 */
public record InventoryReport(InventoryDepth depth, State state, Instant startedAt, Duration elapsed, boolean cluster,
                              List<NodeScan> nodes, List<FamilyFigures> families, long keys, long duplicates,
                              long vanished, boolean ttlKnown, boolean memoryKnown, boolean idleKnown,
                              List<String> notes) {
    public enum State { RUNNING, FINISHED, CANCELLED, FAILED }

    /** One master's part: keys SCAN has returned there so far (duplicates included) against its DBSIZE at the start. */
    public record NodeScan(String node, long returned, long dbsizeAtStart, boolean done) {}

    public InventoryReport {
        nodes = List.copyOf(nodes);
        families = List.copyOf(families);
        notes = List.copyOf(notes);
    }

    /** Progress from 0 to 1, estimated from DBSIZE (the keyspace may change while the scan runs). */
    public double progress() {
        if (state != State.RUNNING) return 1;
        long total = nodes.stream().mapToLong(NodeScan::dbsizeAtStart).sum();
        long seen = nodes.stream().mapToLong(n -> n.done() ? n.dbsizeAtStart() : Math.min(n.returned(), n.dbsizeAtStart())).sum();
        return total == 0 ? 0 : Math.min(0.99, (double) seen / total);
    }

    public long totalBytes() { return families.stream().mapToLong(FamilyFigures::bytes).sum(); }

    public long withoutTtl() { return families.stream().mapToLong(FamilyFigures::withoutTtl).sum(); }
}
