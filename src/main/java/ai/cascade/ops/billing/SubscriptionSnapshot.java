package ai.cascade.ops.billing;

import java.util.List;

/**
 * A subscription as an agent opened it, on both sides: the basis of an edit's conflict check.
 * {@code version} is Postgres' row versions ({@code xmin} of the {@code subscriptions} row and of Ops' own state row);
 * {@code stripe} is null when Stripe has no such subscription. {@code itemId} is the Stripe item a tier change replaces.
 */
public record SubscriptionSnapshot(String stripeId, Integer rowId, Integer userId, String username, String customerId,
                                   String version, PlanState postgres, PlanState stripe, String itemId) {

    /** Postgres' mirror differs from Stripe (a drift, or a webhook not yet arrived). */
    public List<PlanState.Difference> mirrorDifferences() {
        if (postgres == null || stripe == null) return List.of();
        return postgres.differences(stripe);
    }

    public boolean inPostgres() { return postgres != null; }

    public boolean inStripe() { return stripe != null; }

    /** Stripe's state when known, else Postgres': what the edit dialog shows as "now". */
    public PlanState current() { return stripe != null ? stripe : postgres; }
}
