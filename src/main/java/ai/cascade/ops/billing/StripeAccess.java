package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.config.Secrets;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.param.CustomerListParams;

/**
 * The console's one StripeClient: its own API base (tests point it at a local wire fake), short
 * timeouts, and stripe-java's own retries (which reuse the idempotency key).
 */
public final class StripeAccess {
    public static final String LIVE_API_BASE = "https://api.stripe.com";

    private final StripeClient client;
    /**
     * The health check's own client: a read timeout short enough that a black-holed Stripe is reported within
     * seconds even with stripe-java's retries, where the data calls' 10 s would keep the bar green for half a minute.
     */
    private final StripeClient probeClient;
    private final String apiBase;
    private final String maskedKey;
    private final boolean demo;

    public StripeAccess(String secretKey, String apiBase) {
        this.apiBase = apiBase;
        this.maskedKey = Secrets.mask(secretKey);
        this.demo = DEMO_KEY.equals(secretKey);
        this.client = StripeClient.builder()
                .setApiKey(secretKey)
                .setApiBase(apiBase)
                .setConnectTimeout(3_000)
                .setReadTimeout(10_000)
                .setMaxNetworkRetries(2)
                .build();
        this.probeClient = StripeClient.builder()
                .setApiKey(secretKey)
                .setApiBase(apiBase)
                .setConnectTimeout(3_000)
                .setReadTimeout(3_000)
                .setMaxNetworkRetries(2)
                .build();
    }

    public StripeClient client() { return client; }

    /** The key of the demo's local Stripe-compatible server: no real billing behind it. */
    public static final String DEMO_KEY = "sk_test_demo_no_real_billing";

    /** True when this is the demo's local server, which must be labelled "Demo Stripe — no real billing". */
    public boolean isDemo() { return demo; }

    /** The key as it may be shown: its first characters and the rest masked. */
    public String maskedKey() { return maskedKey; }

    /**
     * Health check: lists one customer. A restricted key without that permission still proves Stripe answers.
     * Rate limiting and Stripe's own 5xx (after stripe-java's retries) are degraded, not down: Stripe is
     * reachable and took the key, so the profile is not what needs fixing.
     */
    public String probe() {
        try {
            probeClient.v1().customers().list(CustomerListParams.builder().setLimit(1L).build());
            return null;
        } catch (PermissionException e) {
            return null;
        } catch (RateLimitException e) {
            return "Stripe is rate-limiting this account (429); the console backs off.";
        } catch (ApiException e) {
            if (e.getStatusCode() != null && e.getStatusCode() >= 500)
                return "Stripe answered " + e.getStatusCode() + " after retries: its service is having trouble.";
            throw explain("checking the connection", e);
        } catch (StripeException e) {
            throw explain("checking the connection", e);
        }
    }

    /** A Stripe failure as a sentence; the key appears only masked. */
    public BackendException explain(String what, StripeException e) {
        String msg;
        if (e instanceof AuthenticationException)
            msg = "Stripe rejected the API key " + maskedKey + ". Check the profile's Stripe key.";
        else if (e instanceof ApiConnectionException)
            msg = "Stripe at " + apiBase + " is unreachable while " + what + ".";
        else if (e instanceof RateLimitException)
            msg = "Stripe is rate-limiting this account; try again in a moment.";
        else
            msg = "Stripe refused " + what + ": "
                    + (e.getStripeError() == null ? e.getMessage() : e.getStripeError().getMessage());
        return new BackendException(Backend.STRIPE, msg, e);
    }
}
