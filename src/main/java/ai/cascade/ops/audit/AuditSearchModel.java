package ai.cascade.ops.audit;

import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ResultSearch;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.LocalDateTime;

/** The state of the audit page: a {@link ResultSearch} over the log, with its who/action/date filters and their choices. */
public final class AuditSearchModel extends ResultSearch<AuditQuery, AuditEntry> {
    private final AuditTrail trail;
    private final ObservableList<String> actors = FXCollections.observableArrayList();
    private final ObservableList<String> actions = FXCollections.observableArrayList();

    public AuditSearchModel(AuditTrail trail, BackgroundWork work) {
        // ResultSearch names its jobs noun + "s": this stem makes them read "Fetching audit entries"
        super(trail, work, AuditQuery.all(), "audit entrie", AuditQuery::withText);
        this.trail = trail;
    }

    /** The logins found in the log, for the "who" filter. */
    public ObservableList<String> actors() { return actors; }

    /** The actions found in the log and their families ({@code subscription.}), for the action filter. */
    public ObservableList<String> actions() { return actions; }

    /** Runs the query anew and reads the filters' choices again: new people and actions appear as the log grows. */
    @Override
    public void refresh() {
        super.refresh();
        work.run("Reading who wrote the audit log", trail::actors, actors::setAll, e -> { });
        work.run("Reading the audit log's actions", c -> AuditQuery.actionChoices(trail.actions(c)), actions::setAll, e -> { });
    }

    @Override
    public String describe(RowCount n) {
        return n.describe() + (n.value() == 1 ? " audit entry" : " audit entries") + (n.exact() ? "" : " (planner's estimate)");
    }

    /** One login; null for anyone. */
    public void filterActor(String actor) { update(q -> q.withActor(actor)); }

    /** One action, a family ending in a dot, or null for any. */
    public void filterAction(String action) { update(q -> q.withAction(action)); }

    /** Written between the two UTC instants (from inclusive, to exclusive; either may be null). */
    public void filterTime(LocalDateTime fromUtc, LocalDateTime toUtc) { update(q -> q.withRange(fromUtc, toUtc)); }

    public void newestFirst(boolean newest) { update(q -> q.withNewestFirst(newest)); }
}
