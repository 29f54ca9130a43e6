package ai.cascade.ops.billing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Stripe request exactly as journaled and replayed: method, path and the form body
 * ({@code application/x-www-form-urlencoded}, keys in Stripe's bracket notation). Replaying a key with other
 * parameters fails with {@code idempotency_error}, so the text sent is the text stored.
 */
public record StripeRequest(String method, String path, String form) {

    /** Builds a form body in a fixed order. */
    public static final class Form {
        private final List<String> pairs = new ArrayList<>();

        public Form add(String key, String value) {
            pairs.add(key + "=" + URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8));
            return this;
        }

        public String text() { return String.join("&", pairs); }
    }

    public static StripeRequest post(String path, Form form) {
        return new StripeRequest("POST", path, form.text());
    }

    public static StripeRequest delete(String path) {
        return new StripeRequest("DELETE", path, "");
    }

    /** A read, journaled for an edit that adopts Stripe's state (nothing is sent that changes anything). */
    public static StripeRequest get(String path) {
        return new StripeRequest("GET", path, "");
    }

    public boolean mutates() { return !"GET".equals(method); }
}
