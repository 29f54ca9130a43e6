package ai.cascade.ops.billing;

import com.google.gson.JsonObject;

import java.time.LocalDateTime;
import java.util.List;

/**
 * One of a customer's invoices as support sees it. Amounts in minor units; {@code refunded} is what was already
 * refunded of its payment (null until asked); {@code lastFailure} is why the last payment attempt failed.
 */
public record InvoiceSummary(String id, String number, String status, long amountDue, long amountPaid, long amountRemaining,
                             Long refunded, String currency, LocalDateTime created, LocalDateTime dueDate, long attempts,
                             String lastFailure, String subscriptionId, String paymentIntentId) {
    /** Stripe's refund reasons. */
    public static final List<String> REFUND_REASONS = List.of("requested_by_customer", "duplicate", "fraudulent");

    /** What can still be refunded of the payment. */
    public long refundable() {
        return Math.max(0, amountPaid - (refunded == null ? 0 : refunded));
    }

    public InvoiceSummary withRefunded(long total) {
        return new InvoiceSummary(id, number, status, amountDue, amountPaid, amountRemaining, total, currency, created, dueDate,
                attempts, lastFailure, subscriptionId, paymentIntentId);
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("invoice", id);
        o.addProperty("status", status);
        o.addProperty("amount_due", amountDue);
        o.addProperty("amount_paid", amountPaid);
        o.addProperty("amount_remaining", amountRemaining);
        o.addProperty("refunded", refunded);
        o.addProperty("currency", currency);
        o.addProperty("subscription", subscriptionId);
        o.addProperty("payment_intent", paymentIntentId);
        return o;
    }
}
