package ai.cascade.ops.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import static ai.cascade.ops.demo.StripeJson.number;
import static ai.cascade.ops.demo.StripeJson.text;

/** {@code /v1/subscriptions}: read, change price, cancel at period end, pause collection, cancel now, list. */
final class DemoSubscriptions {
    static final Set<String> STATUSES = Set.of("incomplete", "incomplete_expired", "trialing", "active", "past_due",
            "canceled", "unpaid", "paused");
    static final Set<String> PRORATION = Set.of("create_prorations", "always_invoice", "none");
    private static final Set<String> PAUSE = Set.of("keep_as_draft", "mark_uncollectible", "void");
    private static final Set<String> UPDATE = Set.of("items[0][id]", "items[0][price]", "proration_behavior", "proration_date",
            "cancel_at_period_end", "pause_collection", "pause_collection[behavior]", "pause_collection[resumes_at]",
            "payment_behavior", "expand[]");
    private static final Set<String> ALWAYS_ALLOWED = Set.of("metadata[", "cancellation_details[");
    private static final Set<String> PAYMENT_BEHAVIOR = Set.of("allow_incomplete", "default_incomplete", "error_if_incomplete",
            "pending_if_incomplete");

    /** {@code GET /v1/subscriptions/{id}}; prices are always embedded, so {@code expand[]} changes nothing. */
    StripeAnswer retrieve(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("expand[]"), Set.of());
        return StripeAnswer.ok(existing(store, id));
    }

    static JsonObject existing(DemoStripeStore store, String id) throws SQLException {
        JsonObject sub = store.find(id, "subscription");
        if (sub == null) throw DemoStripeError.noSuch("subscription", id, "id");
        return sub;
    }

    /** {@code POST /v1/subscriptions/{id}}: everything is checked before anything changes. */
    StripeAnswer update(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(UPDATE, ALWAYS_ALLOWED);
        JsonObject sub = existing(store, id);
        if ("canceled".equals(text(sub, "status")) && form.unknownKey(Set.of("expand[]"), ALWAYS_ALLOWED) != null)
            throw DemoStripeError.invalid("A canceled subscription can only update its cancellation_details and metadata.", null);
        String behavior = form.choice("proration_behavior", PRORATION);
        form.choice("payment_behavior", PAYMENT_BEHAVIOR);   // the demo always lets an update through when a payment fails
        Boolean cancelAtPeriodEnd = form.bool("cancel_at_period_end");
        Long prorationDate = form.number("proration_date");
        JsonObject newPrice = newPrice(store, form, sub, "items[0][id]", "items[0][price]");
        JsonObject pause = pauseCollection(form);

        applyDetails(form, sub);
        if (cancelAtPeriodEnd != null) cancelAtPeriodEnd(sub, cancelAtPeriodEnd);
        if (pause != null) sub.add("pause_collection", pause.has("behavior") ? pause : JsonNull.INSTANCE);
        JsonObject state = store.state(id);
        if (newPrice != null) {
            Proration change = Proration.of(sub, newPrice, prorationDate, store.now());
            changePrice(store, sub, state, change, behavior == null ? "create_prorations" : behavior);
        }
        store.update(sub);
        store.updateState(id, state);
        return StripeAnswer.ok(sub);
    }

    /**
     * The new price an item change names, or null when there is none or it is the current one. Shared with the
     * preview, whose parameters have other names ({@code subscription_details[items][0][price]}).
     */
    static JsonObject newPrice(DemoStripeStore store, StripeForm form, JsonObject sub, String itemKey, String priceKey) throws SQLException {
        String itemId = form.get(itemKey);
        String priceId = form.get(priceKey);
        if (itemId == null && priceId == null) return null;
        JsonObject item = StripeJson.item(sub);
        if (itemId == null)
            throw DemoStripeError.invalid("The demo Stripe changes a subscription's one item: give " + itemKey + " with " + priceKey + ".", itemKey);
        if (!itemId.equals(text(item, "id")))
            throw DemoStripeError.invalid("resource_missing", "No such subscription_item: '" + itemId + "'", itemKey);
        if (priceId == null) return null;
        JsonObject price = store.find(priceId, "price");
        if (price == null) throw DemoStripeError.invalid("resource_missing", "No such price: '" + priceId + "'", priceKey);
        return priceId.equals(text(item.getAsJsonObject("price"), "id")) ? null : price;
    }

    /** The new pause (an empty object to clear it), or null when the request does not touch it. */
    private static JsonObject pauseCollection(StripeForm form) {
        if ("".equals(form.get("pause_collection"))) return new JsonObject();
        String behavior = form.choice("pause_collection[behavior]", PAUSE);
        Long resumesAt = form.number("pause_collection[resumes_at]");
        if (behavior == null && resumesAt == null) return null;
        if (behavior == null) throw DemoStripeError.invalid("Missing required param: pause_collection[behavior].", "pause_collection[behavior]");
        JsonObject pause = new JsonObject();
        pause.addProperty("behavior", behavior);
        pause.addProperty("resumes_at", resumesAt);
        return pause;
    }

    /** {@code metadata[k]} (an empty value removes k) and {@code cancellation_details[comment|feedback]}. */
    private static void applyDetails(StripeForm form, JsonObject sub) {
        for (String key : form.keys()) {
            String value = form.get(key);
            if (key.startsWith("metadata[") && key.endsWith("]")) {
                String k = key.substring(9, key.length() - 1);
                if (value.isEmpty()) sub.getAsJsonObject("metadata").remove(k);
                else sub.getAsJsonObject("metadata").addProperty(k, value);
            } else if (key.startsWith("cancellation_details[") && key.endsWith("]")) {
                sub.getAsJsonObject("cancellation_details").addProperty(key.substring(21, key.length() - 1), value.isEmpty() ? null : value);
            }
        }
    }

    private static void cancelAtPeriodEnd(JsonObject sub, boolean cancel) {
        sub.addProperty("cancel_at_period_end", cancel);
        sub.addProperty("cancel_at", cancel ? number(StripeJson.item(sub), "current_period_end") : null);
        sub.getAsJsonObject("cancellation_details").addProperty("reason", cancel ? "cancellation_requested" : null);
    }

    /**
     * Swaps the item's price. Prorations wait for the next invoice (create_prorations), are invoiced and
     * charged at once (always_invoice), or are not made (none).
     */
    private static void changePrice(DemoStripeStore store, JsonObject sub, JsonObject state, Proration change, String behavior)
            throws SQLException {
        List<JsonObject> lines = behavior.equals("none") ? List.of() : change.lines(store, null);
        JsonObject item = change.item();
        item.add("price", change.newPrice());
        sub.addProperty("currency", text(change.newPrice(), "currency"));
        if (change.intervalChanges()) {
            item.addProperty("current_period_start", change.periodStart());
            item.addProperty("current_period_end", change.periodEnd());
            sub.addProperty("billing_cycle_anchor", change.periodStart());
            if (sub.get("cancel_at_period_end").getAsBoolean()) sub.addProperty("cancel_at", change.periodEnd());
        }
        JsonArray pending = pendingLines(state);
        lines.forEach(pending::add);
        if (behavior.equals("always_invoice")) {
            DemoInvoices.bill(store, sub, pending, "subscription_update");
            state.add("pending_lines", new JsonArray());
        } else {
            state.add("pending_lines", pending);
        }
    }

    /** Proration lines made by create_prorations, waiting for the subscription's next invoice. */
    static JsonArray pendingLines(JsonObject state) {
        return state.has("pending_lines") ? state.getAsJsonArray("pending_lines").deepCopy() : new JsonArray();
    }

    /**
     * {@code DELETE /v1/subscriptions/{id}}: canceled now. {@code invoice_now} and {@code prorate} are taken and
     * ignored: the demo neither credits unused time nor bills pending prorations on a cancel.
     * A second cancel is refused with 400 "This subscription is already canceled." (not a 200 with the
     * canceled object): a caller replaying a cancel must read that refusal as success.
     */
    StripeAnswer cancel(DemoStripeStore store, StripeForm form, String id) throws SQLException {
        form.requireKnown(Set.of("invoice_now", "prorate", "expand[]"), Set.of("cancellation_details["));
        JsonObject sub = existing(store, id);
        if ("canceled".equals(text(sub, "status")))
            throw DemoStripeError.invalid("This subscription is already canceled.", null);
        form.bool("invoice_now");
        form.bool("prorate");
        applyDetails(form, sub);
        sub.addProperty("status", "canceled");
        sub.addProperty("canceled_at", store.now());
        sub.addProperty("ended_at", store.now());
        sub.getAsJsonObject("cancellation_details").addProperty("reason", "cancellation_requested");
        store.update(sub);
        JsonObject state = store.state(id);
        state.add("pending_lines", new JsonArray());
        store.updateState(id, state);
        return StripeAnswer.ok(sub);
    }

    /** {@code GET /v1/subscriptions}: newest first; without {@code status}, canceled ones are left out, as Stripe does. */
    StripeAnswer list(DemoStripeStore store, StripeForm form) throws SQLException {
        form.requireKnown(Set.of("status", "customer", "limit", "starting_after", "expand[]"), Set.of());
        String status = form.get("status");
        if (status != null && !status.equals("all") && !status.equals("ended") && !STATUSES.contains(status))
            throw DemoStripeError.invalid("Invalid status: must be one of all, ended, " + String.join(", ", STATUSES.stream().sorted().toList()), "status");
        DemoStripeStore.Filter filter = new DemoStripeStore.Filter(form.get("customer"), null,
                status == null ? Set.of("canceled") : status.equals("all") ? null
                        : status.equals("ended") ? Set.of("canceled", "incomplete_expired") : Set.of(status),
                status == null, null, null);
        int limit = StripeJson.limit(form);
        String after = StripeJson.startingAfter(store, form, "subscription");
        return StripeAnswer.ok(StripeJson.list(store.list("subscription", filter, limit, after), "/v1/subscriptions"));
    }
}
