package ai.cascade.ops.billing;

import java.time.LocalDateTime;

/** One row of {@code ops.subscription_edit}: an edit's intent, its exact Stripe request and how it ended. */
public record JournalEntry(long id, LocalDateTime createdAt, String actor, String profile, String kind,
                           String stripeSubscriptionId, String target, String reason, String beforeJson,
                           StripeRequest request, String idempotencyKey, String state, String outcome, int attempts,
                           LocalDateTime finishedAt, String finishedBy) {
    public boolean pending() { return "pending".equals(state); }
}
