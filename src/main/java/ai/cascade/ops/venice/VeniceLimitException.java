package ai.cascade.ops.venice;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;

import java.time.Duration;

/** The console's own Venice budget is spent ({@link RateLimiter}): nothing was sent; {@link #nextIn()} says when to try. */
public final class VeniceLimitException extends BackendException {
    private final Duration nextIn;

    VeniceLimitException(int limit, Duration window, Duration nextIn) {
        super(Backend.VENICE, "Venice's limit: the console sent its " + limit + " requests of the last "
                + (window.toSeconds() == 60 ? "minute" : window.toSeconds() + " s")
                + " (Venice allows 100 a minute); next request possible in " + Math.max(1, (nextIn.toMillis() + 999) / 1000) + " s.");
        this.nextIn = nextIn;
    }

    public Duration nextIn() { return nextIn; }
}
