package ai.cascade.ops.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.sql.SQLException;
import java.util.Locale;

/** Reading and shaping the JSON of Stripe objects: null-safe fields, lists, amounts as Stripe words them. */
final class StripeJson {
    private StripeJson() {}

    static String text(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    static long number(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e == null || e.isJsonNull() ? 0 : e.getAsLong();
    }

    static JsonObject object(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e == null || !e.isJsonObject() ? null : e.getAsJsonObject();
    }

    /** A subscription's one item (the demo's subscriptions have exactly one). */
    static JsonObject item(JsonObject subscription) {
        return subscription.getAsJsonObject("items").getAsJsonArray("data").get(0).getAsJsonObject();
    }

    /** The subscription an invoice bills ({@code parent.subscription_details.subscription} since API 2025). */
    static String invoiceSubscription(JsonObject invoice) {
        return text(object(object(invoice, "parent"), "subscription_details"), "subscription");
    }

    /** {@code limit}: 1 to 100, 10 when absent, as Stripe's lists take it. */
    static int limit(StripeForm form) {
        Long limit = form.number("limit");
        if (limit == null) return 10;
        if (limit < 1 || limit > 100) throw DemoStripeError.invalid("Invalid limit: must be between 1 and 100", "limit");
        return limit.intValue();
    }

    /** The object {@code starting_after} names must exist, or Stripe refuses the page. */
    static String startingAfter(DemoStripeStore store, StripeForm form, String object) throws SQLException {
        String after = form.get("starting_after");
        if (after != null && store.find(after, object) == null)
            throw DemoStripeError.invalid("resource_missing", "No such " + object + ": '" + after + "'", "starting_after");
        return after;
    }

    static JsonObject list(DemoStripeStore.Page page, String url) {
        JsonObject list = new JsonObject();
        list.addProperty("object", "list");
        JsonArray data = new JsonArray();
        page.data().forEach(data::add);
        list.add("data", data);
        list.addProperty("has_more", page.hasMore());
        list.addProperty("url", url);
        return list;
    }

    /** "€5.00": an amount in minor units as Stripe's messages write it. */
    static String money(long minor, String currency) {
        String symbol = switch (currency == null ? "" : currency.toLowerCase(Locale.ROOT)) {
            case "eur" -> "€";
            case "usd" -> "$";
            case "gbp" -> "£";
            default -> currency == null ? "" : currency.toUpperCase(Locale.ROOT) + " ";
        };
        return String.format(Locale.ROOT, "%s%d.%02d", symbol, minor / 100, Math.abs(minor % 100));
    }
}
