package ai.cascade.ops.users;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ResultSearch;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.LocalDateTime;
import java.util.Set;

/** The state of the users page: a {@link ResultSearch} over users, with the users' own filters. */
public final class UserSearchModel extends ResultSearch<UserQuery, UserRow> {
    private final UserDirectory directory;
    private final ObservableList<String> tiersInUse = FXCollections.observableArrayList();

    public UserSearchModel(UserDirectory directory, BackgroundWork work) {
        super(directory, work, UserQuery.of(""), "user", UserQuery::withText);
        this.directory = directory;
    }

    /** Tiers found in the table (configured or not), for the tier filter. */
    public ObservableList<String> tiersInUse() { return tiersInUse; }

    @Override
    public void refresh() {
        super.refresh();
        work.run("Reading tiers in use", directory::tiersInUse, tiersInUse::setAll, e -> { });
    }

    public void filterTiers(Set<String> tiers) { update(q -> q.withTiers(tiers)); }

    public void filterStatuses(Set<String> statuses) { update(q -> q.withStatuses(statuses)); }

    /** Last login between the two UTC instants (either may be null). */
    public void filterLastLogin(LocalDateTime fromUtc, LocalDateTime toUtc) { update(q -> q.withLastLogin(fromUtc, toUtc)); }

    public void sort(UserSort sort, boolean ascending) { update(q -> q.withSort(sort, ascending)); }
}
