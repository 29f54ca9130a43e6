package ai.cascade.ops.demo;

import com.google.gson.JsonObject;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static ai.cascade.ops.demo.StripeJson.number;
import static ai.cascade.ops.demo.StripeJson.text;

/**
 * A price change on a subscription item at a moment, and the invoice lines Stripe makes of it: a credit
 * for the unused time on the old price and a charge for the remaining time on the new one, each
 * {@code unit_amount × remaining / period length} in whole minor units. A change of billing interval
 * restarts the period at the change, and the new period is charged in full.
 */
record Proration(String subscription, JsonObject item, JsonObject oldPrice, JsonObject newPrice, long at) {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The change at {@code at}, moved into the item's current period (Stripe prorates within it). */
    static Proration of(JsonObject subscription, JsonObject newPrice, Long at, long now) {
        JsonObject item = StripeJson.item(subscription);
        long start = number(item, "current_period_start");
        long end = number(item, "current_period_end");
        long moment = Math.max(start, Math.min(end, at == null ? now : at));
        return new Proration(text(subscription, "id"), item, item.getAsJsonObject("price"), newPrice, moment);
    }

    boolean intervalChanges() {
        return !interval(oldPrice).equals(interval(newPrice));
    }

    long periodStart() { return intervalChanges() ? at : number(item, "current_period_start"); }

    long periodEnd() {
        return intervalChanges() ? SubscriptionRows.plus(at, interval(newPrice), 1) : number(item, "current_period_end");
    }

    /** The credit and the charge, for the invoice {@code invoice} (null while they wait for the next one). */
    List<JsonObject> lines(DemoStripeStore store, String invoice) throws SQLException {
        long start = number(item, "current_period_start");
        long end = number(item, "current_period_end");
        double unused = (end - at) / (double) Math.max(1, end - start);
        long credit = -Math.round(number(oldPrice, "unit_amount") * unused);
        long charge = intervalChanges() ? number(newPrice, "unit_amount") : Math.round(number(newPrice, "unit_amount") * unused);
        List<JsonObject> lines = new ArrayList<>();
        lines.add(line(store, invoice, oldPrice, credit, at, end, true, "Unused time on " + name(oldPrice) + " after " + DAY.format(Instant.ofEpochSecond(at))));
        lines.add(line(store, invoice, newPrice, charge, at, periodEnd(), true, "Remaining time on " + name(newPrice) + " after " + DAY.format(Instant.ofEpochSecond(at))));
        return lines;
    }

    /** The line of a whole period at the item's price, as a renewal bills it. */
    static JsonObject periodLine(DemoStripeStore store, String invoice, String subscription, JsonObject item, JsonObject price,
                                 long start, long end) throws SQLException {
        return new Proration(subscription, item, price, price, start)
                .line(store, invoice, price, number(price, "unit_amount"), start, end, false,
                        "1 × " + name(price) + " (at " + StripeJson.money(number(price, "unit_amount"), text(price, "currency"))
                                + " / " + interval(price) + ")");
    }

    private JsonObject line(DemoStripeStore store, String invoice, JsonObject price, long amount, long start, long end,
                            boolean proration, String description) throws SQLException {
        return store.build("demo_stripe.line_json(?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)", invoice, subscription, text(item, "id"),
                price.toString(), amount, start, end, proration, description);
    }

    static String interval(JsonObject price) {
        String interval = text(StripeJson.object(price, "recurring"), "interval");
        return interval == null ? "month" : interval;
    }

    private static String name(JsonObject price) {
        String nickname = text(price, "nickname");
        return nickname == null ? text(price, "id") : nickname;
    }
}
