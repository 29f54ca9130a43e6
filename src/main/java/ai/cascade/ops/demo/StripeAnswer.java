package ai.cascade.ops.demo;

import com.google.gson.JsonObject;

/** What the local Stripe answers: an HTTP status and a JSON body, an object or {@code {"error": …}}. */
record StripeAnswer(int status, JsonObject body) {

    static StripeAnswer ok(JsonObject body) {
        return new StripeAnswer(200, body);
    }

    static StripeAnswer of(DemoStripeError e) {
        return new StripeAnswer(e.status(), e.body());
    }
}
