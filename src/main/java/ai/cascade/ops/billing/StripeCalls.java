package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import com.stripe.net.ApiMode;
import com.stripe.net.ApiResource;
import com.stripe.net.RawRequestOptions;
import com.stripe.net.StripeResponse;

/**
 * Sends journaled requests as they are (stripe-java's raw request, so the bytes replayed are the bytes journaled)
 * and sorts Stripe's failures into the two kinds the saga must tell apart: refused (nothing changed) and unknown
 * (it may have been applied; replay with the same key).
 */
final class StripeCalls {
    /** Stripe refused the request: nothing changed, the message is for a person. */
    static final class Refusal extends Exception {
        Refusal(String message, Throwable cause) { super(message, cause); }
    }

    /** Stripe's answer is unknown: the request may have been applied. */
    static final class Unknown extends Exception {
        Unknown(String message, Throwable cause) { super(message, cause); }
    }

    private final StripeAccess stripe;

    StripeCalls(StripeAccess stripe) {
        this.stripe = stripe;
    }

    StripeAccess access() { return stripe; }

    /** Sends {@code request} with {@code idempotencyKey} (null for reads) and returns Stripe's object. */
    StripeObject send(StripeRequest request, String idempotencyKey, String what) throws Refusal, Unknown {
        String body = body(request, idempotencyKey, what);
        try {
            return stripe.client().deserialize(body, ApiMode.V1);
        } catch (StripeException e) {
            raise(what, e);
            throw new IllegalStateException("unreachable");
        }
    }

    /** Every mutation carries its key (DELETE too: Stripe ignores it there, but its request log shows which edit it was). */
    private String body(StripeRequest request, String idempotencyKey, String what) throws Refusal, Unknown {
        RawRequestOptions.RawRequestOptionsBuilder options = RawRequestOptions.builder();
        if (idempotencyKey != null && request.mutates()) options.setIdempotencyKey(idempotencyKey);
        String path = request.path();
        String content = request.form().isEmpty() ? null : request.form();
        if (!"POST".equals(request.method()) && content != null) path += "?" + content;
        try {
            StripeResponse response = stripe.client().rawRequest(ApiResource.RequestMethod.valueOf(request.method()), path,
                    "POST".equals(request.method()) ? (content == null ? "" : content) : null, (RawRequestOptions) options.build());
            return response.body();
        } catch (StripeException e) {
            raise(what, e);
            throw new IllegalStateException("unreachable");
        }
    }

    /**
     * A list read, typed ({@code InvoiceCollection}, {@code RefundCollection}): stripe-java's untyped deserialize turns
     * {@code object: "list"} into a raw JSON object, not a collection.
     */
    <T extends StripeCollection<?>> T readList(StripeRequest request, String what, Class<T> type) {
        try {
            return ApiResource.GSON.fromJson(body(request, null, what), type);
        } catch (Refusal | Unknown e) {
            throw new BackendException(Backend.STRIPE, e.getMessage(), e.getCause());
        } catch (com.google.gson.JsonParseException e) {
            throw new BackendException(Backend.STRIPE, "Stripe's answer while " + what + " is not a list: " + e.getMessage(), e);
        }
    }

    /** A read: any failure is a {@link BackendException} (nothing was changed by it). */
    StripeObject read(StripeRequest request, String what) {
        return readIfExists(request, what).orElseThrow(() ->
                new BackendException(Backend.STRIPE, "Stripe has no such object while " + what + "."));
    }

    /** A read where Stripe's 404 is an answer (empty), not a failure; any other failure is a {@link BackendException}. */
    java.util.Optional<StripeObject> readIfExists(StripeRequest request, String what) {
        try {
            return java.util.Optional.of(send(request, null, what));
        } catch (Refusal | Unknown e) {
            if (e.getCause() instanceof InvalidRequestException ire && Integer.valueOf(404).equals(ire.getStatusCode()))
                return java.util.Optional.empty();
            throw new BackendException(Backend.STRIPE, e.getMessage(), e.getCause());
        }
    }

    private void raise(String what, StripeException e) throws Refusal, Unknown {
        String message = stripe.explain(what, e).getMessage();
        if (e instanceof ApiConnectionException)
            throw new Unknown("Stripe did not answer while " + what + " (" + message + ").", e);
        if (e instanceof RateLimitException)
            throw new Refusal("Stripe is rate-limiting this account (429): nothing changed; try again in a moment.", e);
        if (e instanceof PermissionException)
            throw new Refusal("The Stripe key " + stripe.maskedKey() + " may not do this (a restricted key without write permission): "
                    + "nothing changed. Use a key with write access to subscriptions, invoices and refunds.", e);
        if (e instanceof AuthenticationException || e instanceof CardException || e instanceof IdempotencyException)
            throw new Refusal(message, e);
        if (e instanceof InvalidRequestException)
            throw new Refusal(message, e);
        Integer code = e.getStatusCode();
        if (e instanceof ApiException && (code == null || code >= 500 || code == 409))
            throw new Unknown("Stripe answered " + (code == null ? "with an error" : code) + " while " + what
                    + ": it may or may not have applied the change.", e);
        throw new Refusal(message, e);
    }
}
