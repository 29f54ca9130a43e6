package ai.cascade.ops.demo;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.sql.SQLException;
import java.util.Set;

import static ai.cascade.ops.demo.StripeJson.number;
import static ai.cascade.ops.demo.StripeJson.text;

/** Customers, payment intents and refunds: what support reads about money, and gives back. */
final class DemoPayments {
    private static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

    /** {@code GET /v1/customers}: newest first (also the console's health probe). */
    StripeAnswer customers(DemoStripeStore store, StripeForm form) throws SQLException {
        form.requireKnown(Set.of("limit", "starting_after", "email", "expand[]"), Set.of());
        DemoStripeStore.Filter filter = DemoStripeStore.Filter.byField("email", form.get("email"));
        int limit = StripeJson.limit(form);
        String after = StripeJson.startingAfter(store, form, "customer");
        return StripeAnswer.ok(StripeJson.list(store.list("customer", filter, limit, after), "/v1/customers"));
    }

    StripeAnswer customer(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("expand[]"), Set.of());
        JsonObject customer = store.find(id, "customer");
        if (customer == null) throw DemoStripeError.noSuch("customer", id, "id");
        return StripeAnswer.ok(customer);
    }

    StripeAnswer paymentIntent(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("expand[]", "client_secret"), Set.of());
        JsonObject pi = store.find(id, "payment_intent");
        if (pi == null) throw DemoStripeError.noSuch("payment_intent", id, "intent");
        return StripeAnswer.ok(pi);
    }

    /** {@code GET /v1/refunds}: newest first, of one payment when {@code payment_intent} or {@code charge} says which. */
    StripeAnswer refunds(DemoStripeStore store, StripeForm form) throws SQLException {
        form.requireKnown(Set.of("payment_intent", "charge", "limit", "starting_after", "expand[]"), Set.of());
        DemoStripeStore.Filter filter = form.has("payment_intent") ? DemoStripeStore.Filter.byField("payment_intent", form.get("payment_intent"))
                : DemoStripeStore.Filter.byField("charge", form.get("charge"));
        int limit = StripeJson.limit(form);
        String after = StripeJson.startingAfter(store, form, "refund");
        return StripeAnswer.ok(StripeJson.list(store.list("refund", filter, limit, after), "/v1/refunds"));
    }

    StripeAnswer retrieveRefund(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("expand[]"), Set.of());
        JsonObject refund = store.find(id, "refund");
        if (refund == null) throw DemoStripeError.noSuch("refund", id, "id");
        return StripeAnswer.ok(refund);
    }

    /**
     * {@code POST /v1/refunds}: all of what is left of the payment, or {@code amount} of it. Each payment's
     * charge id is its intent's with {@code ch_} for {@code pi_}, so either names the payment.
     */
    StripeAnswer refund(DemoStripeStore store, StripeForm form) throws SQLException {
        form.requireKnown(Set.of("payment_intent", "charge", "amount", "reason", "expand[]"), Set.of("metadata["));
        JsonObject pi = refunded(store, form);
        String reason = form.choice("reason", REASONS);
        Long asked = form.number("amount");
        String piId = text(pi, "id");
        JsonObject state = store.state(piId);
        long left = number(pi, "amount_received") - number(state, "refunded");
        String charge = "ch_" + piId.substring(3);
        if (left <= 0) throw DemoStripeError.invalid("charge_already_refunded", "Charge " + charge + " has already been refunded.", "charge");
        if (asked != null && asked < 1) throw DemoStripeError.invalid("Invalid positive integer", "amount");
        long amount = asked == null ? left : asked;
        String currency = text(pi, "currency");
        if (amount > left)
            throw DemoStripeError.invalid("amount_too_large", "Refund amount (" + StripeJson.money(amount, currency)
                    + ") is greater than unrefunded amount on charge (" + StripeJson.money(left, currency) + ")", "amount");
        JsonObject refund = refundObject(store, pi, charge, amount, reason, form);
        store.insert("refund", text(pi, "customer"), null, refund, null);
        state.addProperty("refunded", number(state, "refunded") + amount);
        store.updateState(piId, state);
        return StripeAnswer.ok(refund);
    }

    private static JsonObject refunded(DemoStripeStore store, StripeForm form) throws SQLException {
        String piId = form.get("payment_intent");
        String charge = form.get("charge");
        if (piId == null && charge == null)
            throw DemoStripeError.invalid("parameter_missing", "One of the following params should be provided for this request: payment_intent or charge.", null);
        String param = piId != null ? "payment_intent" : "charge";
        String id = piId != null ? piId : charge.startsWith("ch_") ? "pi_" + charge.substring(3) : charge;
        JsonObject pi = store.find(id, "payment_intent");
        if (pi == null) throw DemoStripeError.invalid("resource_missing", "No such " + param + ": '" + (piId != null ? piId : charge) + "'", param);
        if (!"succeeded".equals(text(pi, "status")))
            throw DemoStripeError.invalid("This PaymentIntent (" + id + ") does not have a successful charge to refund.", param);
        return pi;
    }

    private static JsonObject refundObject(DemoStripeStore store, JsonObject pi, String charge, long amount, String reason, StripeForm form) {
        JsonObject refund = new JsonObject();
        refund.addProperty("id", DemoStripeStore.newId("re_"));
        refund.addProperty("object", "refund");
        refund.addProperty("amount", amount);
        refund.addProperty("balance_transaction", DemoStripeStore.newId("txn_"));
        refund.addProperty("charge", charge);
        refund.addProperty("created", store.now());
        refund.addProperty("currency", text(pi, "currency"));
        refund.addProperty("payment_intent", text(pi, "id"));
        refund.addProperty("reason", reason);
        refund.addProperty("receipt_number", (String) null);
        refund.addProperty("status", "succeeded");
        JsonObject metadata = new JsonObject();
        for (String key : form.keys())
            if (key.startsWith("metadata[") && key.endsWith("]")) metadata.addProperty(key.substring(9, key.length() - 1), form.get(key));
        refund.add("metadata", metadata);
        return refund;
    }

    /** A payment intent for {@code amount}, succeeded or declined; returns its id. */
    static String charge(DemoStripeStore store, String customer, long amount, String currency, boolean succeeded, String invoice)
            throws SQLException {
        String id = DemoStripeStore.newId("pi_");
        JsonObject pi = store.build("demo_stripe.payment_intent_json(?, ?, ?, ?, ?, ?, ?)", id, customer, amount, currency,
                succeeded, store.now(), "Subscription update");
        JsonObject state = new JsonObject();
        state.addProperty("invoice", invoice);
        state.addProperty("refunded", 0);
        store.insert("payment_intent", customer, null, pi, state);
        return id;
    }

    /** Another declined attempt: the intent's last error is renewed; returns the error a 402 answers with. */
    static JsonObject decline(DemoStripeStore store, String piId) throws SQLException {
        JsonObject pi = store.find(piId, "payment_intent");
        JsonObject error = store.build("demo_stripe.decline_json(?)", "ch_" + piId.substring(3));
        pi.addProperty("status", "requires_payment_method");
        pi.add("last_payment_error", error.deepCopy());
        store.update(pi);
        error.addProperty("request_log_url", (String) null);
        error.add("payment_intent", pi);
        return error;
    }

    static void succeed(DemoStripeStore store, String piId) throws SQLException {
        JsonObject pi = store.find(piId, "payment_intent");
        pi.addProperty("status", "succeeded");
        pi.addProperty("amount_received", number(pi, "amount"));
        pi.add("last_payment_error", JsonNull.INSTANCE);
        store.update(pi);
    }

    /** A credit (a negative invoice total) goes to the customer's balance, as Stripe does with downgrades. */
    static void credit(DemoStripeStore store, String customerId, long total) throws SQLException {
        JsonObject customer = store.find(customerId, "customer");
        if (customer == null) return;
        customer.addProperty("balance", number(customer, "balance") + total);
        store.update(customer);
    }
}
