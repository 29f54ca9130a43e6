package ai.cascade.ops.demo;

import com.google.gson.JsonObject;

/**
 * A refusal in Stripe's error shape ({@code {"error": {type, code, message, param, doc_url, ...}}}).
 * Thrown by the endpoints before they change anything; the server answers it as is.
 */
final class DemoStripeError extends RuntimeException {
    private final int status;
    private final JsonObject error;

    DemoStripeError(int status, String type, String code, String message, String param) {
        super(message, null, false, false);   // an answer, not a fault: no stack trace needed
        this.status = status;
        this.error = new JsonObject();
        error.addProperty("type", type);
        error.addProperty("code", code);
        error.addProperty("message", message);
        error.addProperty("param", param);
        error.addProperty("doc_url", code == null ? null : "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        error.add("request_log_url", com.google.gson.JsonNull.INSTANCE);
    }

    static DemoStripeError invalid(String message, String param) {
        return new DemoStripeError(400, "invalid_request_error", null, message, param);
    }

    static DemoStripeError invalid(String code, String message, String param) {
        return new DemoStripeError(400, "invalid_request_error", code, message, param);
    }

    /** Stripe answers an unknown id with 404 resource_missing, "No such customer: 'cus_x'". */
    static DemoStripeError noSuch(String what, String id, String param) {
        return new DemoStripeError(404, "invalid_request_error", "resource_missing", "No such " + what + ": '" + id + "'", param);
    }

    int status() { return status; }

    /** The whole answer body, a new object each time. */
    JsonObject body() {
        JsonObject body = new JsonObject();
        body.add("error", error.deepCopy());
        return body;
    }
}
