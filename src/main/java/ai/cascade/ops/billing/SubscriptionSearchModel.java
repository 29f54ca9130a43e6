package ai.cascade.ops.billing;

import ai.cascade.ops.config.Tier;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ResultSearch;
import ai.cascade.ops.ui.Work;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The state of the subscriptions page: a {@link ResultSearch} over subscriptions with their own
 * filters, and the revenue summary.
 */
public final class SubscriptionSearchModel extends ResultSearch<SubscriptionQuery, SubscriptionRow> {
    private final RevenueSummary revenue;
    private final List<String> configuredTiers;
    private final ObservableList<String> tiersInUse = FXCollections.observableArrayList();

    public SubscriptionSearchModel(SubscriptionDirectory directory, RevenueSummary revenue, List<Tier> tiers, BackgroundWork work) {
        super(directory, work, SubscriptionQuery.all(), "subscription", SubscriptionQuery::withText);
        this.revenue = revenue;
        this.configuredTiers = tiers.stream().filter(t -> !t.isFree()).map(Tier::name).toList();
        tiersInUse.setAll(configuredTiers);
    }

    /** The paid tiers configured, then any other tier found in the table, for the tier filter. */
    public ObservableList<String> tiersInUse() { return tiersInUse; }

    /** The revenue summary's work, for a LoadPane; hand its result to {@link #revenueShown}. */
    public Work<RevenueSummary.Revenue> revenueWork() { return revenue::summary; }

    /** Tiers the summary found in the table join the tier filter's choices. */
    public void revenueShown(RevenueSummary.Revenue r) {
        Set<String> all = new LinkedHashSet<>(configuredTiers);
        r.tiersInUse().stream().sorted().forEach(all::add);
        if (!all.equals(new LinkedHashSet<>(tiersInUse))) tiersInUse.setAll(all);
    }

    public void filterTiers(Set<String> tiers) { update(q -> q.withTiers(tiers)); }

    public void filterStatuses(Set<String> statuses) { update(q -> q.withStatuses(statuses)); }

    /** Subscriptions whose current period ends within {@code days} from now; null for any. */
    public void filterEndingWithin(Integer days) { update(q -> q.withEndingWithinDays(days)); }

    public void sort(SubscriptionSort sort, boolean ascending) { update(q -> q.withSort(sort, ascending)); }
}
