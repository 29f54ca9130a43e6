package ai.cascade.ops.billing;

import com.stripe.model.Subscription;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Whether a journaled subscription request's effect shows in Stripe's state (for rows past their key's lifetime). */
final class JournaledIntent {
    private JournaledIntent() {}

    static boolean visibleIn(StripeRequest request, Subscription now) {
        Map<String, String> form = parse(request.form());
        String price = form.get("items[0][price]");
        if (price != null) {
            String current = now.getItems() == null || now.getItems().getData().isEmpty() || now.getItems().getData().get(0).getPrice() == null
                    ? null : now.getItems().getData().get(0).getPrice().getId();
            return price.equals(current);
        }
        String cancel = form.get("cancel_at_period_end");
        if (cancel != null) return Boolean.parseBoolean(cancel) == Boolean.TRUE.equals(now.getCancelAtPeriodEnd());
        String pause = form.get("pause_collection[behavior]");
        if (pause != null) return now.getPauseCollection() != null && pause.equals(now.getPauseCollection().getBehavior());
        if (form.containsKey("pause_collection")) return now.getPauseCollection() == null;
        return false;
    }

    static Map<String, String> parse(String form) {
        Map<String, String> out = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) return out;
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
