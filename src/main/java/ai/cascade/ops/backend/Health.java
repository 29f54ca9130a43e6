package ai.cascade.ops.backend;

import java.time.Duration;
import java.time.Instant;

/** The last known state of one backend, as the status bar shows it. */
public record Health(Backend backend, State state, Duration latency, String message, Instant checkedAt) {

    public enum State { NOT_CONFIGURED, CHECKING, CONNECTED, DEGRADED, DOWN }

    public static Health notConfigured(Backend b) {
        return new Health(b, State.NOT_CONFIGURED, null, b.label() + " is not configured in this profile.", Instant.now());
    }

    public static Health checking(Backend b, String message) {
        return new Health(b, State.CHECKING, null, message, Instant.now());
    }
}
