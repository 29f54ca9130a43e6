package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A search over a large table that pages with a keyset: what the users and subscriptions pages share,
 * so one view model and one table binding serve both.
 */
public interface KeysetSearch<Q, R> {
    /** Up to {@code limit} rows after (or before) {@code anchor} in the query's order, in display order. */
    List<R> page(Q query, R anchor, boolean forward, int limit, CancelSignal cancel);

    /** Exact when small, the planner's estimate when large. */
    RowCount count(Q query, CancelSignal cancel);

    /** CREATE INDEX CONCURRENTLY statements that would let the query use an index; empty when one serves it. */
    List<String> indexAdvice(Q query, CancelSignal cancel);

    /** Streams every matching row to a CSV file; returns the row count. */
    long export(Q query, Path target, CancelSignal cancel, LongConsumer progress);
}
