package ai.cascade.ops.ui;

import ai.cascade.ops.backend.CancelSignal;

import java.util.List;

/** Rows fetched a page at a time from a keyset: those after (or before) an anchor row, in display order. */
public interface PageSource<R> {
    /** Up to {@code limit} rows after {@code anchor} (null: from the first row). */
    List<R> after(R anchor, int limit, CancelSignal cancel) throws Exception;

    /** Up to {@code limit} rows before {@code anchor}, in display order. */
    List<R> before(R anchor, int limit, CancelSignal cancel) throws Exception;
}
