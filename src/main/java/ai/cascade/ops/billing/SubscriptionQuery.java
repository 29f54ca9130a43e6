package ai.cascade.ops.billing;

import ai.cascade.ops.users.SearchText;

import java.util.List;
import java.util.Set;

/**
 * A subscriptions search: the typed text (a {@code sub_…} id, a {@code cus_…} customer, a user id, an
 * email or the start of a Venice username), the tiers and Stripe statuses to show (empty: any; "(none)"
 * stands for a missing value), subscriptions whose current period ends within N days from now (UTC;
 * null: any), and the order.
 */
public record SubscriptionQuery(String text, Set<String> tiers, Set<String> statuses, Integer endingWithinDays,
                                SubscriptionSort sort, boolean ascending) {
    /** Stands for a NULL tier or status in a filter. */
    public static final String NONE = "(none)";
    /** Every status Stripe gives a subscription (DATA-MODEL.md), in the order of a subscription's life. */
    public static final List<String> STATUSES = List.of("incomplete", "incomplete_expired", "trialing", "active", "past_due",
            "canceled", "unpaid", "paused");
    /** A longer window is "any" in practice; the bound keeps the date arithmetic in range. */
    public static final int MAX_DAYS = 36_500;

    public SubscriptionQuery {
        text = text == null ? "" : text;
        tiers = tiers == null ? Set.of() : Set.copyOf(tiers);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (endingWithinDays != null && (endingWithinDays < 0 || endingWithinDays > MAX_DAYS))
            throw new IllegalArgumentException("a period can end within 0 to " + MAX_DAYS + " days, not " + endingWithinDays);
        sort = sort == null ? SubscriptionSort.ID : sort;
    }

    /** Every subscription, by id. */
    public static SubscriptionQuery all() {
        return new SubscriptionQuery("", Set.of(), Set.of(), null, SubscriptionSort.ID, true);
    }

    public SubscriptionQuery withText(String t) { return new SubscriptionQuery(t, tiers, statuses, endingWithinDays, sort, ascending); }

    public SubscriptionQuery withTiers(Set<String> t) { return new SubscriptionQuery(text, t, statuses, endingWithinDays, sort, ascending); }

    public SubscriptionQuery withStatuses(Set<String> s) { return new SubscriptionQuery(text, tiers, s, endingWithinDays, sort, ascending); }

    public SubscriptionQuery withEndingWithinDays(Integer days) { return new SubscriptionQuery(text, tiers, statuses, days, sort, ascending); }

    public SubscriptionQuery withSort(SubscriptionSort s, boolean asc) { return new SubscriptionQuery(text, tiers, statuses, endingWithinDays, s, asc); }

    /** The typed text, understood the way the users search understands it. */
    public SearchText search() { return SearchText.parse(text); }
}
