package ai.cascade.ops.billing;

/**
 * What a support agent can do to a subscription. Each is one Stripe request (see {@link StripeRequests}),
 * journaled before it is sent and mirrored after.
 */
public sealed interface SubscriptionEdit {
    /** The journal's and audit's name of the edit (the audit action is {@code subscription.<kind>}). */
    String kind();

    /** A sentence for the confirmation and the result. */
    String describe();

    /**
     * Moves the subscription's item to the tier's price. {@code prorationDate} (Unix seconds) comes from the preview
     * the agent saw, so the journaled request, its replay and the preview agree.
     */
    record ChangeTier(String tier, ProrationBehavior behavior, long prorationDate) implements SubscriptionEdit {
        public String kind() { return "change_tier"; }
        public String describe() { return "Change the tier to " + tier + " (" + behavior.describe() + ")"; }
    }

    record CancelAtPeriodEnd() implements SubscriptionEdit {
        public String kind() { return "cancel_at_period_end"; }
        public String describe() { return "Cancel at the end of the current period"; }
    }

    record UndoCancel() implements SubscriptionEdit {
        public String kind() { return "undo_cancel"; }
        public String describe() { return "Resume: undo the pending cancellation"; }
    }

    record CancelNow() implements SubscriptionEdit {
        public String kind() { return "cancel_now"; }
        public String describe() { return "Cancel now (ends the subscription immediately)"; }
    }

    /** {@code behavior}: keep_as_draft, mark_uncollectible or void (Stripe's words). */
    record PauseCollection(String behavior) implements SubscriptionEdit {
        public String kind() { return "pause_collection"; }
        public String describe() { return "Pause payment collection (" + behavior + ")"; }
    }

    record ResumeCollection() implements SubscriptionEdit {
        public String kind() { return "resume_collection"; }
        public String describe() { return "Resume payment collection"; }
    }

    /** How Stripe bills a tier change made mid-period. */
    enum ProrationBehavior {
        CREATE_PRORATIONS("create_prorations", "prorations go on the next invoice"),
        ALWAYS_INVOICE("always_invoice", "prorations are invoiced and charged now"),
        NONE("none", "no proration");

        private final String stripe;
        private final String description;

        ProrationBehavior(String stripe, String description) {
            this.stripe = stripe;
            this.description = description;
        }

        public String stripe() { return stripe; }

        public String describe() { return description; }
    }

    /** The pause behaviours Stripe accepts. */
    java.util.List<String> PAUSE_BEHAVIORS = java.util.List.of("keep_as_draft", "mark_uncollectible", "void");
}
