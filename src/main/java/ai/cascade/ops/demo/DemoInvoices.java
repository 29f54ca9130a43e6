package ai.cascade.ops.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static ai.cascade.ops.demo.StripeJson.number;
import static ai.cascade.ops.demo.StripeJson.object;
import static ai.cascade.ops.demo.StripeJson.text;

/** {@code /v1/invoices}: preview a change, list and read invoices (with their payments), retry paying one. */
final class DemoInvoices {
    private static final Set<String> INVOICE_STATUSES = Set.of("draft", "open", "paid", "uncollectible", "void");
    private static final String ITEM = "subscription_details[items][0][id]";
    private static final String PRICE = "subscription_details[items][0][price]";
    private static final Set<String> PREVIEW = Set.of("customer", "subscription", ITEM, PRICE, "subscription_details[proration_date]",
            "subscription_details[proration_behavior]", "expand[]");
    private static final long RETRY_AFTER = 3 * 86_400;

    /**
     * {@code POST /v1/invoices/create_preview}: the invoice a change would bring, changing nothing. With
     * always_invoice, the prorations billed now; otherwise the next renewal with the pending prorations.
     */
    StripeAnswer preview(DemoStripeStore store, StripeForm form) throws SQLException {
        form.requireKnown(PREVIEW, Set.of());
        JsonObject sub = previewed(store, form);
        String behavior = form.choice("subscription_details[proration_behavior]", DemoSubscriptions.PRORATION);
        JsonObject newPrice = DemoSubscriptions.newPrice(store, form, sub, ITEM, PRICE);
        Long prorationDate = form.number("subscription_details[proration_date]");
        String id = DemoStripeStore.newId("upcoming_in_");
        JsonArray lines = DemoSubscriptions.pendingLines(store.state(text(sub, "id")));
        Proration change = newPrice == null ? null : Proration.of(sub, newPrice, prorationDate, store.now());
        if (change != null && !"none".equals(behavior)) change.lines(store, id).forEach(lines::add);
        JsonObject item = StripeJson.item(sub);
        JsonObject price = newPrice == null ? item.getAsJsonObject("price") : newPrice;
        long start, end, nextAttempt;
        if ("always_invoice".equals(behavior) && change != null) {
            start = end = nextAttempt = change.at();
        } else {
            start = change == null ? number(item, "current_period_end") : change.periodEnd();
            end = SubscriptionRows.plus(start, Proration.interval(price), 1);
            lines.add(Proration.periodLine(store, id, text(sub, "id"), item, price, start, end));
            nextAttempt = start + 3600;   // Stripe finalizes a renewal about an hour after the period ends
        }
        JsonObject invoice = invoice(store, id, sub, text(price, "currency"), lines, "draft", 0, start, end, nextAttempt,
                change == null ? "upcoming" : "subscription_update");
        if (change != null) object(invoice, "parent").getAsJsonObject("subscription_details").addProperty("subscription_proration_date", change.at());
        return StripeAnswer.ok(invoice);
    }

    private static JsonObject previewed(DemoStripeStore store, StripeForm form) throws SQLException {
        String subId = form.get("subscription");
        if (subId == null)
            throw DemoStripeError.invalid("The demo Stripe previews a subscription's invoice: give subscription.", "subscription");
        JsonObject sub = store.find(subId, "subscription");
        if (sub == null) throw DemoStripeError.invalid("resource_missing", "No such subscription: '" + subId + "'", "subscription");
        String customer = form.get("customer");
        if (customer != null && !customer.equals(text(sub, "customer")))
            throw DemoStripeError.invalid("The subscription " + subId + " does not belong to customer " + customer + ".", "customer");
        if ("canceled".equals(text(sub, "status")))
            throw DemoStripeError.invalid("invoice_upcoming_none", "No upcoming invoices for customer: " + text(sub, "customer"), null);
        return sub;
    }

    /** An invoice of {@code sub} with these lines (each line told its invoice), shaped by the schema's invoice_json. */
    private static JsonObject invoice(DemoStripeStore store, String id, JsonObject sub, String currency, JsonArray lines, String status,
                                      int attempts, long start, long end, Long nextAttempt, String reason) throws SQLException {
        for (JsonElement line : lines) line.getAsJsonObject().addProperty("invoice", id);
        JsonObject customer = store.find(text(sub, "customer"), "customer");
        if (customer == null) customer = new JsonObject();
        customer.addProperty("id", text(sub, "customer"));
        return store.build("demo_stripe.invoice_json(?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)", id, customer.toString(),
                text(sub, "id"), currency, lines.toString(), total(lines), status, attempts, store.now(), start, end, nextAttempt, reason);
    }

    private static long total(JsonArray lines) {
        long total = 0;
        for (JsonElement line : lines) total += number(line.getAsJsonObject(), "amount");
        return total;
    }

    /**
     * Bills {@code lines} now (always_invoice) and charges the customer's card: paid, or open with a declined
     * payment for a customer whose card declines (the subscription then goes past_due, as Stripe's default
     * allow_incomplete does). A credit (negative total) goes to the customer's balance.
     */
    static JsonObject bill(DemoStripeStore store, JsonObject sub, JsonArray lines, String reason) throws SQLException {
        String id = DemoStripeStore.newId("in_");
        String customerId = text(sub, "customer");
        long total = total(lines);
        boolean declines = total > 0 && store.state(customerId).has("declines");
        String currency = text(sub, "currency");
        JsonObject invoice = invoice(store, id, sub, currency, lines, declines ? "open" : "paid", total > 0 ? 1 : 0,
                store.now(), store.now(), declines ? store.now() + RETRY_AFTER : null, reason);
        JsonObject state = new JsonObject();
        if (total > 0) state.addProperty("payment_intent", DemoPayments.charge(store, customerId, total, currency, !declines, id));
        if (total < 0) DemoPayments.credit(store, customerId, total);
        store.insert("invoice", customerId, text(sub, "id"), invoice, state);
        sub.addProperty("latest_invoice", id);
        if (declines) sub.addProperty("status", "past_due");
        return invoice;
    }

    /** {@code GET /v1/invoices}: newest first; {@code expand[]=data.payments} adds each invoice's payments. */
    StripeAnswer list(DemoStripeStore store, StripeForm form) throws SQLException {
        form.requireKnown(Set.of("customer", "subscription", "status", "limit", "starting_after", "expand[]"), Set.of());
        String status = form.choice("status", INVOICE_STATUSES);
        DemoStripeStore.Filter filter = new DemoStripeStore.Filter(form.get("customer"), form.get("subscription"),
                status == null ? null : Set.of(status), false, null, null);
        int limit = StripeJson.limit(form);
        String after = StripeJson.startingAfter(store, form, "invoice");
        DemoStripeStore.Page page = store.list("invoice", filter, limit, after);
        if (form.expands("data.payments")) for (JsonObject invoice : page.data()) invoice.add("payments", payments(store, invoice));
        return StripeAnswer.ok(StripeJson.list(page, "/v1/invoices"));
    }

    /** {@code GET /v1/invoices/{id}}, with {@code expand[]=payments}. */
    StripeAnswer retrieve(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("expand[]"), Set.of());
        JsonObject invoice = existing(store, id);
        if (form.expands("payments")) invoice.add("payments", payments(store, invoice));
        return StripeAnswer.ok(invoice);
    }

    private static JsonObject existing(DemoStripeStore store, String id) throws SQLException {
        JsonObject invoice = store.find(id, "invoice");
        if (invoice == null) throw DemoStripeError.noSuch("invoice", id, "id");
        return invoice;
    }

    /** The invoice's payments list (invoice_payment objects) as {@code expand} shows it. */
    static JsonObject payments(DemoStripeStore store, JsonObject invoice) throws SQLException {
        String pi = text(store.state(text(invoice, "id")), "payment_intent");
        boolean paid = "paid".equals(text(invoice, "status"));
        List<JsonObject> data = new ArrayList<>();
        if (pi != null) {
            JsonObject p = new JsonObject();
            p.addProperty("id", "inpay_" + pi.substring(3));
            p.addProperty("object", "invoice_payment");
            p.addProperty("amount_paid", paid ? number(invoice, "amount_paid") : null);
            p.addProperty("amount_requested", number(invoice, "amount_due"));
            p.addProperty("created", number(invoice, "created"));
            p.addProperty("currency", text(invoice, "currency"));
            p.addProperty("invoice", text(invoice, "id"));
            p.addProperty("is_default", true);
            p.addProperty("livemode", false);
            JsonObject payment = new JsonObject();
            payment.addProperty("type", "payment_intent");
            payment.addProperty("payment_intent", pi);
            p.add("payment", payment);
            p.addProperty("status", paid ? "paid" : "open");
            JsonObject transitions = new JsonObject();
            transitions.add("canceled_at", JsonNull.INSTANCE);
            transitions.add("paid_at", object(invoice, "status_transitions").get("paid_at"));
            p.add("status_transitions", transitions);
            data.add(p);
        }
        return StripeJson.list(new DemoStripeStore.Page(data, false), "/v1/invoices/" + text(invoice, "id") + "/payments");
    }

    /**
     * {@code POST /v1/invoices/{id}/pay}: retries the payment of an open invoice. A declining card answers
     * 402 card_error and still counts the attempt (so the answer is returned, not thrown: the attempt is kept).
     */
    StripeAnswer pay(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("expand[]", "off_session", "payment_method"), Set.of());
        JsonObject invoice = existing(store, id);
        switch (text(invoice, "status")) {
            case "paid" -> throw DemoStripeError.invalid("invoice_already_paid", "Invoice is already paid.", null);
            case "void" -> throw DemoStripeError.invalid("This invoice is void: a void invoice cannot be paid.", null);
            case "draft" -> throw DemoStripeError.invalid("This invoice is a draft: finalize it before paying it.", null);
            default -> { }
        }
        JsonObject state = store.state(id);
        String customer = text(invoice, "customer");
        if (!state.has("payment_intent")) {
            state.addProperty("payment_intent", DemoPayments.charge(store, customer, number(invoice, "amount_due"),
                    text(invoice, "currency"), false, id));
            store.updateState(id, state);
        }
        String pi = text(state, "payment_intent");
        invoice.addProperty("attempt_count", number(invoice, "attempt_count") + 1);
        invoice.addProperty("attempted", true);
        if (store.state(customer).has("declines")) {
            store.update(invoice);
            JsonObject error = DemoPayments.decline(store, pi);
            JsonObject body = new JsonObject();
            body.add("error", error);
            return new StripeAnswer(402, body);
        }
        markPaid(store, invoice, pi);
        if (form.expands("payments")) invoice.add("payments", payments(store, invoice));
        return StripeAnswer.ok(invoice);
    }

    /** Paid now: the payment succeeded, and a subscription behind on payment is active again. */
    private static void markPaid(DemoStripeStore store, JsonObject invoice, String pi) throws SQLException {
        invoice.addProperty("status", "paid");
        invoice.addProperty("amount_paid", number(invoice, "amount_due"));
        invoice.addProperty("amount_remaining", 0);
        invoice.addProperty("auto_advance", false);
        invoice.add("next_payment_attempt", JsonNull.INSTANCE);
        object(invoice, "status_transitions").addProperty("paid_at", store.now());
        store.update(invoice);
        DemoPayments.succeed(store, pi);
        JsonObject sub = store.find(StripeJson.invoiceSubscription(invoice), "subscription");
        if (sub != null && Set.of("past_due", "unpaid").contains(text(sub, "status"))) {
            sub.addProperty("status", "active");
            store.update(sub);
        }
        JsonObject customer = store.find(text(invoice, "customer"), "customer");
        if (customer != null && customer.get("delinquent").getAsBoolean()) {
            customer.addProperty("delinquent", false);
            store.update(customer);
        }
    }
}
