package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.StripeRequest.Form;

import java.util.regex.Pattern;

/** The one Stripe request each edit is (STRIPE-API.md, "Calls"). Pure: no I/O. */
final class StripeRequests {
    /** Stripe ids are letters, digits and underscores; anything else would change the path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{3,255}");

    private StripeRequests() {}

    static StripeRequest of(SubscriptionEdit edit, String subscriptionId, String itemId, String priceId) {
        String path = "/v1/subscriptions/" + id(subscriptionId, "subscription");
        if (edit instanceof SubscriptionEdit.ChangeTier t)
            return StripeRequest.post(path, new Form()
                    .add("items[0][id]", id(itemId, "subscription item"))
                    .add("items[0][price]", id(priceId, "price"))
                    .add("proration_behavior", t.behavior().stripe())
                    .add("proration_date", Long.toString(t.prorationDate())));
        if (edit instanceof SubscriptionEdit.CancelAtPeriodEnd) return StripeRequest.post(path, new Form().add("cancel_at_period_end", "true"));
        if (edit instanceof SubscriptionEdit.UndoCancel) return StripeRequest.post(path, new Form().add("cancel_at_period_end", "false"));
        if (edit instanceof SubscriptionEdit.CancelNow) return StripeRequest.delete(path);
        if (edit instanceof SubscriptionEdit.PauseCollection p)
            return StripeRequest.post(path, new Form().add("pause_collection[behavior]", p.behavior()));
        if (edit instanceof SubscriptionEdit.ResumeCollection) return StripeRequest.post(path, new Form().add("pause_collection", ""));
        throw new IllegalArgumentException("No Stripe request for " + edit);
    }

    static StripeRequest payInvoice(String invoiceId) {
        return StripeRequest.post("/v1/invoices/" + id(invoiceId, "invoice") + "/pay", new Form());
    }

    /** {@code amount} null refunds what remains of the payment. */
    static StripeRequest refund(String paymentIntentId, Long amount, String reason) {
        Form f = new Form().add("payment_intent", id(paymentIntentId, "payment"));
        if (amount != null) f.add("amount", Long.toString(amount));
        if (reason != null) f.add("reason", reason);
        return StripeRequest.post("/v1/refunds", f);
    }

    static StripeRequest readSubscription(String subscriptionId) {
        return StripeRequest.get("/v1/subscriptions/" + id(subscriptionId, "subscription"));
    }

    static StripeRequest preview(String customerId, String subscriptionId, String itemId, String priceId,
                                 SubscriptionEdit.ProrationBehavior behavior, long prorationDate) {
        return StripeRequest.post("/v1/invoices/create_preview", new Form()
                .add("customer", id(customerId, "customer"))
                .add("subscription", id(subscriptionId, "subscription"))
                .add("subscription_details[items][0][id]", id(itemId, "subscription item"))
                .add("subscription_details[items][0][price]", id(priceId, "price"))
                .add("subscription_details[proration_behavior]", behavior.stripe())
                .add("subscription_details[proration_date]", Long.toString(prorationDate)));
    }

    static String id(String value, String what) {
        if (value == null || value.isBlank()) throw new Refused("There is no Stripe " + what + " id: nothing was sent to Stripe.");
        if (!ID.matcher(value).matches())
            throw new Refused("\"" + value + "\" is not a Stripe " + what + " id (letters, digits and _ only): nothing was sent to Stripe.");
        return value;
    }
}
