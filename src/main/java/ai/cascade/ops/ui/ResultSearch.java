package ai.cascade.ops.ui;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.KeysetSearch;
import ai.cascade.ops.database.RowCount;
import javafx.animation.PauseTransition;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The state of a page that searches a large table: the query as it is typed and filtered, its rows
 * (paged by keyset), its count and the index advice. Typing is debounced; every change of the query
 * cancels the previous one's work. Lives on the FX thread.
 */
public class ResultSearch<Q, R> {
    public static final Duration DEBOUNCE = Duration.millis(250);

    private final KeysetSearch<Q, R> search;
    private final BiFunction<Q, String, Q> withText;
    private final String noun;
    protected final BackgroundWork work;
    private final PagedRows<R> rows;
    private final ReadOnlyObjectWrapper<Q> query;
    private final ReadOnlyStringWrapper count = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper exportResult = new ReadOnlyStringWrapper("");
    private final ObservableList<String> advice = FXCollections.observableArrayList();
    private final PauseTransition typing = new PauseTransition(DEBOUNCE);
    private RowCount lastCount;
    private Job<?> countJob;
    private Job<?> adviceJob;
    private String pendingText = "";

    /** {@code noun} names one row ("user"); {@code withText} puts typed text into a query. */
    public ResultSearch(KeysetSearch<Q, R> search, BackgroundWork work, Q initial, String noun, BiFunction<Q, String, Q> withText) {
        this.search = search;
        this.work = work;
        this.noun = noun;
        this.withText = withText;
        this.query = new ReadOnlyObjectWrapper<>(initial);
        this.rows = new PagedRows<>(work, "Fetching " + noun + "s");
        typing.setOnFinished(e -> apply(withText.apply(query.get(), pendingText)));
    }

    public PagedRows<R> rows() { return rows; }

    public ReadOnlyObjectProperty<Q> queryProperty() { return query.getReadOnlyProperty(); }

    /** "1,234 users" or "≈ 1,000,000 users (planner's estimate)", or why the count failed. */
    public ReadOnlyStringProperty countProperty() { return count.getReadOnlyProperty(); }

    /** The last export's outcome, in a sentence. */
    public ReadOnlyStringProperty exportResultProperty() { return exportResult.getReadOnlyProperty(); }

    /** CREATE INDEX CONCURRENTLY statements that would let the current query use an index. */
    public ObservableList<String> advice() { return advice; }

    /** Runs the current query anew. */
    public void refresh() { apply(query.get()); }

    /** The search text as typed: the query runs once typing pauses. */
    public void type(String text) {
        pendingText = text == null ? "" : text;
        typing.playFromStart();
    }

    /** Runs the typed text now (Enter), without waiting for the pause. */
    public void searchNow(String text) {
        pendingText = text == null ? "" : text;
        apply(withText.apply(query.get(), pendingText));
    }

    /** Changes the query (a filter, the order) and runs it; an unchanged query runs nothing. */
    public void update(UnaryOperator<Q> change) {
        Q next = change.apply(query.get());
        if (!next.equals(query.get())) apply(next);
    }

    /** Streams the whole current result to {@code target} in the background, with progress and cancel. */
    public Job<Long> export(Path target) {
        Q q = query.get();
        exportResult.set("Exporting…");
        long expected = lastCount == null ? 0 : lastCount.value();
        return CsvExportAction.run(work, target, expected, (t, c, progress) -> search.export(q, t, c, progress), exportResult::set);
    }

    public String describe(RowCount n) {
        return n.describe() + " " + noun + (n.value() == 1 ? "" : "s") + (n.exact() ? "" : " (planner's estimate)");
    }

    private void apply(Q q) {
        typing.stop();
        query.set(q);
        rows.reload(new PageSource<>() {
            @Override public List<R> after(R anchor, int limit, CancelSignal cancel) { return search.page(q, anchor, true, limit, cancel); }

            @Override public List<R> before(R anchor, int limit, CancelSignal cancel) { return search.page(q, anchor, false, limit, cancel); }
        });
        if (countJob != null) countJob.cancel(true);
        if (adviceJob != null) adviceJob.cancel(true);
        count.set("Counting…");
        lastCount = null;
        countJob = work.run("Counting " + noun + "s", c -> search.count(q, c), n -> {
            lastCount = n;
            count.set(describe(n));
        }, e -> count.set("Count unavailable: " + Problems.describe(e)));
        adviceJob = work.run("Checking indexes", c -> search.indexAdvice(q, c), advice::setAll, e -> advice.clear());
    }
}
