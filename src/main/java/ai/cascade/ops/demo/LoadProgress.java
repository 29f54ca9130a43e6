package ai.cascade.ops.demo;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** What a running generation tells its caller (sentences, rows so far) and asks it (cancelled?). */
final class LoadProgress {
    private final Consumer<String> sentences;
    private final LongConsumer rowsSoFar;
    private final BooleanSupplier cancelled;
    private long rows;

    LoadProgress(Consumer<String> sentences, LongConsumer rowsSoFar, BooleanSupplier cancelled) {
        this.sentences = sentences;
        this.rowsSoFar = rowsSoFar;
        this.cancelled = cancelled;
    }

    void say(String sentence) {
        sentences.accept(sentence);
    }

    void rowsWritten(long count) {
        if (count == 0) return;
        rows += count;
        rowsSoFar.accept(rows);
    }

    long rows() { return rows; }

    /** Throws {@link CancellationException}; the caller's transaction then rolls back. */
    void checkCancelled() {
        if (cancelled.getAsBoolean()) throw new CancellationException("Generating the demo data was cancelled.");
    }
}
