package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.CsvExportAction;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.PageSource;
import ai.cascade.ops.ui.PagedRows;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.Work;
import javafx.animation.PauseTransition;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The state of the subscriptions page: the query as it is typed and filtered, its rows (paged), its
 * count, the index advice and the revenue summary. Typing is debounced; every change of the query
 * cancels the previous one's work. Lives on the FX thread.
 */
public final class SubscriptionSearchModel {
    static final Duration DEBOUNCE = Duration.millis(250);

    private final SubscriptionDirectory directory;
    private final RevenueSummary revenue;
    private final List<String> configuredTiers;
    private final BackgroundWork work;
    private final PagedRows<SubscriptionRow> rows;
    private final ReadOnlyObjectWrapper<SubscriptionQuery> query = new ReadOnlyObjectWrapper<>(SubscriptionQuery.all());
    private final ReadOnlyStringWrapper count = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper exportResult = new ReadOnlyStringWrapper("");
    private final ObservableList<String> advice = FXCollections.observableArrayList();
    private final ObservableList<String> tiersInUse = FXCollections.observableArrayList();
    private final PauseTransition typing = new PauseTransition(DEBOUNCE);
    private RowCount lastCount;
    private Job<?> countJob;
    private Job<?> adviceJob;
    private String pendingText = "";

    public SubscriptionSearchModel(SubscriptionDirectory directory, RevenueSummary revenue, List<Tier> tiers, BackgroundWork work) {
        this.directory = directory;
        this.revenue = revenue;
        this.configuredTiers = tiers.stream().filter(t -> !t.isFree()).map(Tier::name).toList();
        this.work = work;
        this.rows = new PagedRows<>(work, "Fetching subscriptions");
        tiersInUse.setAll(configuredTiers);
        typing.setOnFinished(e -> apply(query.get().withText(pendingText)));
    }

    public PagedRows<SubscriptionRow> rows() { return rows; }

    public ReadOnlyObjectProperty<SubscriptionQuery> queryProperty() { return query.getReadOnlyProperty(); }

    /** "1,234 subscriptions" or "≈ 1,000,000 subscriptions (estimate)", or why the count failed. */
    public ReadOnlyStringProperty countProperty() { return count.getReadOnlyProperty(); }

    /** The last export's outcome, in a sentence. */
    public ReadOnlyStringProperty exportResultProperty() { return exportResult.getReadOnlyProperty(); }

    /** CREATE INDEX CONCURRENTLY statements that would let the current query use an index. */
    public ObservableList<String> advice() { return advice; }

    /** The paid tiers configured, then any other tier found in the table, for the tier filter. */
    public ObservableList<String> tiersInUse() { return tiersInUse; }

    /** Runs the current query anew (the page was shown again). */
    public void refresh() { apply(query.get()); }

    /** The revenue summary's work, for a LoadPane; hand its result to {@link #revenueShown}. */
    public Work<RevenueSummary.Revenue> revenueWork() { return revenue::summary; }

    /** Tiers the summary found in the table join the tier filter's choices. */
    public void revenueShown(RevenueSummary.Revenue r) {
        Set<String> all = new LinkedHashSet<>(configuredTiers);
        r.tiersInUse().stream().sorted().forEach(all::add);
        if (!all.equals(new LinkedHashSet<>(tiersInUse))) tiersInUse.setAll(all);
    }

    /** The search text as typed: the query runs once typing pauses. */
    public void type(String text) {
        pendingText = text == null ? "" : text;
        typing.playFromStart();
    }

    /** Runs the typed text now (Enter), without waiting for the pause. */
    public void searchNow(String text) {
        pendingText = text == null ? "" : text;
        apply(query.get().withText(pendingText));
    }

    public void filterTiers(Set<String> tiers) { apply(query.get().withTiers(tiers)); }

    public void filterStatuses(Set<String> statuses) { apply(query.get().withStatuses(statuses)); }

    /** Subscriptions whose current period ends within {@code days} from now; null for any. */
    public void filterEndingWithin(Integer days) { apply(query.get().withEndingWithinDays(days)); }

    public void sort(SubscriptionSort sort, boolean ascending) {
        if (sort != query.get().sort() || ascending != query.get().ascending()) apply(query.get().withSort(sort, ascending));
    }

    /** Streams the whole current result to {@code target} in the background, with progress and cancel. */
    public Job<Long> export(Path target) {
        SubscriptionQuery q = query.get();
        exportResult.set("Exporting…");
        long expected = lastCount == null ? 0 : lastCount.value();
        return CsvExportAction.run(work, target, expected, (t, c, progress) -> directory.export(q, t, c, progress), exportResult::set);
    }

    private void apply(SubscriptionQuery q) {
        typing.stop();
        query.set(q);
        rows.reload(source(q));
        if (countJob != null) countJob.cancel(true);
        if (adviceJob != null) adviceJob.cancel(true);
        count.set("Counting…");
        lastCount = null;
        countJob = work.run("Counting subscriptions", c -> directory.count(q, c), n -> {
            lastCount = n;
            count.set(describe(n));
        }, e -> count.set("Count unavailable: " + Problems.describe(e)));
        adviceJob = work.run("Checking indexes", c -> directory.indexAdvice(q, c), advice::setAll, e -> advice.clear());
    }

    static String describe(RowCount n) {
        String noun = n.value() == 1 ? " subscription" : " subscriptions";
        return n.exact() ? String.format("%,d", n.value()) + noun : String.format("≈ %,d", n.value()) + noun + " (estimate)";
    }

    private PageSource<SubscriptionRow> source(SubscriptionQuery q) {
        return new PageSource<>() {
            @Override public List<SubscriptionRow> after(SubscriptionRow anchor, int limit, CancelSignal cancel) {
                return directory.page(q, anchor, true, limit, cancel);
            }

            @Override public List<SubscriptionRow> before(SubscriptionRow anchor, int limit, CancelSignal cancel) {
                return directory.page(q, anchor, false, limit, cancel);
            }
        };
    }
}
