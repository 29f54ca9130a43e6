package ai.cascade.ops.users;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.CsvExportAction;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.PageSource;
import ai.cascade.ops.ui.PagedRows;
import ai.cascade.ops.ui.Problems;
import javafx.animation.PauseTransition;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;

/**
 * The state of the users page: the query as it is typed and filtered, its rows (paged), its count
 * and the index advice. Typing is debounced; every change cancels the previous query's work.
 */
public final class UserSearchModel {
    static final Duration DEBOUNCE = Duration.millis(250);

    private final UserDirectory directory;
    private final BackgroundWork work;
    private final PagedRows<UserRow> rows;
    private final ReadOnlyObjectWrapper<UserQuery> query = new ReadOnlyObjectWrapper<>(UserQuery.of(""));
    private final ReadOnlyStringWrapper count = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper exportResult = new ReadOnlyStringWrapper("");
    private final ObservableList<String> advice = FXCollections.observableArrayList();
    private final ObservableList<String> tiersInUse = FXCollections.observableArrayList();
    private final PauseTransition typing = new PauseTransition(DEBOUNCE);
    private RowCount lastCount;
    private Job<?> countJob;
    private Job<?> adviceJob;
    private String pendingText = "";

    public UserSearchModel(UserDirectory directory, BackgroundWork work) {
        this.directory = directory;
        this.work = work;
        this.rows = new PagedRows<>(work, "Fetching users");
        typing.setOnFinished(e -> apply(query.get().withText(pendingText)));
    }

    public PagedRows<UserRow> rows() { return rows; }

    public ReadOnlyObjectProperty<UserQuery> queryProperty() { return query.getReadOnlyProperty(); }

    /** "1,234 users" or "≈ 1,000,000 users (estimate)", or why the count failed. */
    public ReadOnlyStringProperty countProperty() { return count.getReadOnlyProperty(); }

    public ReadOnlyStringProperty exportResultProperty() { return exportResult.getReadOnlyProperty(); }

    /** CREATE INDEX CONCURRENTLY statements that would make the current query use an index. */
    public ObservableList<String> advice() { return advice; }

    /** Tiers found in the table (configured or not), for the tier filter. */
    public ObservableList<String> tiersInUse() { return tiersInUse; }

    /** Runs the current query anew (the page was shown again). */
    public void refresh() {
        apply(query.get());
        work.run("Reading tiers in use", directory::tiersInUse, tiersInUse::setAll, e -> { });
    }

    /** The search text as typed: the query runs once typing pauses. */
    public void type(String text) {
        pendingText = text == null ? "" : text;
        typing.playFromStart();
    }

    public void filterTiers(Set<String> tiers) { apply(query.get().withTiers(tiers)); }

    public void filterStatuses(Set<String> statuses) { apply(query.get().withStatuses(statuses)); }

    /** Last login between the two UTC instants (either may be null). */
    public void filterLastLogin(LocalDateTime fromUtc, LocalDateTime toUtc) { apply(query.get().withLastLogin(fromUtc, toUtc)); }

    public void sort(UserSort sort, boolean ascending) {
        if (sort != query.get().sort() || ascending != query.get().ascending()) apply(query.get().withSort(sort, ascending));
    }

    /** Streams the whole current result to {@code target} in the background. */
    public Job<Long> export(Path target) {
        UserQuery q = query.get();
        exportResult.set("Exporting…");
        long expected = lastCount == null ? 0 : lastCount.value();
        return CsvExportAction.run(work, target, expected, (t, c, progress) -> directory.export(q, t, c, progress), exportResult::set);
    }

    private void apply(UserQuery q) {
        typing.stop();
        query.set(q);
        rows.reload(source(q));
        if (countJob != null) countJob.cancel(true);
        if (adviceJob != null) adviceJob.cancel(true);
        count.set("Counting…");
        lastCount = null;
        countJob = work.run("Counting users", c -> directory.count(q, c), n -> {
            lastCount = n;
            count.set(n.describe() + (n.value() == 1 ? " user" : " users") + (n.exact() ? "" : " (planner's estimate)"));
        }, e -> count.set("Count unavailable: " + Problems.describe(e)));
        adviceJob = work.run("Checking indexes", c -> directory.indexAdvice(q, c), advice::setAll, e -> advice.clear());
    }

    private PageSource<UserRow> source(UserQuery q) {
        return new PageSource<>() {
            @Override public List<UserRow> after(UserRow anchor, int limit, CancelSignal cancel) {
                return directory.page(q, anchor, true, limit, cancel);
            }

            @Override public List<UserRow> before(UserRow anchor, int limit, CancelSignal cancel) {
                return directory.page(q, anchor, false, limit, cancel);
            }
        };
    }
}
