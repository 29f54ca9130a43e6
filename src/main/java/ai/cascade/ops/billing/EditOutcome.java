package ai.cascade.ops.billing;

/**
 * How an edit ended. {@code DONE}: Stripe applied it and Postgres mirrors it (audited). {@code CONFLICT}: the
 * subscription changed since it was opened; nothing was sent, {@code fresh} is the current state. {@code FAILED}:
 * Stripe refused it (e.g. a declined card); nothing changed. {@code IN_FLIGHT}: Stripe's answer is unknown (timeout,
 * outage); the journal keeps the request and recovery finishes it with the same idempotency key.
 */
public record EditOutcome(Result result, String message, long journalId, Long auditId, SubscriptionSnapshot fresh) {
    public enum Result { DONE, CONFLICT, FAILED, IN_FLIGHT }

    public boolean done() { return result == Result.DONE; }
}
