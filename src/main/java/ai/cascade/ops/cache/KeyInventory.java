package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;

import java.util.function.Consumer;

/**
 * The whole keyspace by family, exactly (issue #6, item 4). SCAN (never KEYS) on every master with a COUNT whose
 * server-side time stays under a millisecond; per-key metadata pipelined on a dedicated connection; lookups tallied
 * in {@link OwnLookups} so hit rates leave them out.
 */
public final class KeyInventory {
    private final RedisKeyspace keyspace;

    public KeyInventory(RedisKeyspace keyspace) {
        this.keyspace = keyspace;
    }

    /**
     * Runs the inventory; {@code progress} hears a snapshot every few hundred milliseconds on this thread. Returns
     * the final report (FINISHED, CANCELLED with what was counted so far, or FAILED with the reason in its notes).
     */
    public InventoryReport run(InventoryDepth depth, CancelSignal cancel, Consumer<InventoryReport> progress) {
        throw new UnsupportedOperationException("being built");
    }
}
