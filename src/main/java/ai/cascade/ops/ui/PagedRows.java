package ai.cascade.ops.ui;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * The rows of a virtualized table over a large result, fetched page by page from a keyset as the
 * person scrolls. Only a window of rows is held: past {@link #WINDOW} rows the far end is dropped
 * and fetched again (backwards) when scrolled back to, so a million-row result never sits in memory.
 * Lives on the FX thread; the fetching runs on {@link BackgroundWork}.
 */
public final class PagedRows<R> {
    public static final int PAGE = 200;
    public static final int WINDOW = 10 * PAGE;
    private static final int NEAR = PAGE / 2;

    private final BackgroundWork work;
    private final String title;
    private final ObservableList<R> rows = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper();
    private PageSource<R> source;
    private Job<?> inFlight;
    private boolean moreAfter;
    private boolean moreBefore;
    private long droppedBefore;
    private int generation;
    private IntConsumer onHeadShift = n -> { };

    public PagedRows(BackgroundWork work, String title) {
        this.work = work;
        this.title = title;
    }

    /** The rows held now; a TableView shows this list. */
    public ObservableList<R> rows() { return rows; }

    public ReadOnlyBooleanProperty loadingProperty() { return loading.getReadOnlyProperty(); }

    /** The last fetch's error, or null. */
    public ReadOnlyStringProperty problemProperty() { return problem.getReadOnlyProperty(); }

    /** Rows dropped from the start of the window: the first held row is row {@code droppedBefore()} of the result. */
    public long droppedBefore() { return droppedBefore; }

    public boolean hasMoreAfter() { return moreAfter; }

    /** Called with the number of rows added (positive) or removed (negative) at the head, so the table can keep its place. */
    public void setOnHeadShift(IntConsumer onHeadShift) { this.onHeadShift = onHeadShift; }

    /** Starts over with {@code newSource}, cancelling any fetch of the previous one. */
    public void reload(PageSource<R> newSource) {
        source = newSource;
        generation++;
        cancelInFlight();
        rows.clear();
        droppedBefore = 0;
        moreBefore = false;
        moreAfter = false;
        problem.set(null);
        fetch(true, null);
    }

    /** Tells the rows which index is on screen; near either end of the window the next page is fetched. */
    public void shown(int index) {
        if (source == null || loading.get() || problem.get() != null) return;
        if (moreAfter && index >= rows.size() - NEAR) fetch(true, rows.isEmpty() ? null : rows.get(rows.size() - 1));
        else if (moreBefore && index < NEAR && !rows.isEmpty()) fetch(false, rows.get(0));
    }

    /** Tries the failed fetch again. */
    public void retry() {
        problem.set(null);
        if (rows.isEmpty()) reload(source);
        else fetch(true, rows.get(rows.size() - 1));
    }

    public void cancel() {
        cancelInFlight();
    }

    private void cancelInFlight() {
        if (inFlight != null && !inFlight.isDone()) inFlight.cancel(true);   // queued jobs too
        inFlight = null;
        loading.set(false);
    }

    private void fetch(boolean forward, R anchor) {
        int gen = generation;
        PageSource<R> s = source;
        loading.set(true);
        inFlight = work.run(title, c -> forward ? s.after(anchor, PAGE, c) : s.before(anchor, PAGE, c), page -> {
            if (gen != generation) return;
            loading.set(false);
            if (forward) appended(page, anchor == null);
            else prepended(page);
        }, e -> {
            if (gen != generation) return;
            loading.set(false);
            problem.set(Problems.describe(e));
        });
        inFlight.stateProperty().addListener((o, was, st) -> {
            if (st == javafx.concurrent.Worker.State.CANCELLED && gen == generation) loading.set(false);
        });
    }

    private void appended(List<R> page, boolean first) {
        assert Platform.isFxApplicationThread();
        if (first) rows.setAll(page);
        else rows.addAll(page);
        moreAfter = page.size() == PAGE;
        int excess = rows.size() - WINDOW;
        if (excess > 0) {
            rows.remove(0, excess);
            droppedBefore += excess;
            moreBefore = true;
            onHeadShift.accept(-excess);
        }
    }

    private void prepended(List<R> page) {
        rows.addAll(0, page);
        droppedBefore = Math.max(0, droppedBefore - page.size());
        moreBefore = page.size() == PAGE && droppedBefore > 0;
        if (page.size() < PAGE) droppedBefore = 0;
        onHeadShift.accept(page.size());
        int excess = rows.size() - WINDOW;
        if (excess > 0) {
            rows.remove(rows.size() - excess, rows.size());
            moreAfter = true;
        }
    }
}
