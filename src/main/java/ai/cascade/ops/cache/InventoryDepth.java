package ai.cascade.ops.cache;

/** How much an inventory learns of each key. */
public enum InventoryDepth {
    /** SCAN only: keys per family, nothing read per key (the fast census). */
    COUNTS,
    /** Also type, TTL, memory (MEMORY USAGE) and, where the eviction policy keeps it, idle time, pipelined per key. */
    FULL
}
