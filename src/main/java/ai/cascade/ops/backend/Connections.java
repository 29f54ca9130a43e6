package ai.cascade.ops.backend;

import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.venice.VeniceClient;
import ai.cascade.ops.venice.VeniceHttp;

import java.util.Optional;

/**
 * The clients of the active profile. A backend that is not configured, or whose address is invalid,
 * answers with a {@link BackendException} saying so, so services need no null checks.
 * Stripe and Venice are optional in a profile: empty when not configured (the default, so a
 * test double that needs only Postgres and Redis implements two methods).
 */
public interface Connections {
    Database database();

    RedisConnection redis();

    default Optional<StripeAccess> stripe() { return Optional.empty(); }

    default Optional<VeniceHttp> venice() { return Optional.empty(); }

    /**
     * The profile's cached, throttled Venice client, one per workspace (its rate limiter is the console's budget of
     * Venice requests). Empty when Venice is not configured, or when these connections share none (test doubles):
     * a caller may then build its own on {@link #venice()}.
     */
    default Optional<VeniceClient> veniceClient() { return Optional.empty(); }

    /**
     * Whether the profile names this backend at all (an invalid address still counts as configured: that is a
     * problem to report, while a backend left out on purpose is not).
     */
    default boolean isConfigured(Backend backend) {
        return switch (backend) {
            case POSTGRES, REDIS -> true;
            case VENICE -> venice().isPresent();
            case STRIPE -> stripe().isPresent();
        };
    }
}
