package ai.cascade.ops.venice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The console's own budget of requests to Venice: at most {@code limit} in any rolling {@code window}
 * (default 90 a minute, under Venice's documented 100 per minute per address, leaving room for the
 * health check and a second window open on the same address). One instance per workspace.
 * <p>
 * When the budget is spent a request fails at once with {@link VeniceLimitException} saying when the next
 * one is possible, rather than waiting: a person clicked, and an answer "in 40 s" is better than a spinner.
 * Only requests that go to Venice take from the budget; answers from the cache do not.
 */
public final class RateLimiter {
    /** Requests a minute the console allows itself by default. */
    public static final int DEFAULT_PER_MINUTE = 90;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    /** When each request of the current window was sent, oldest first (guarded by this). */
    private final Deque<Instant> sent = new ArrayDeque<>();

    public RateLimiter(int limit, Duration window, Clock clock) {
        if (limit < 1) throw new IllegalArgumentException("a limit of " + limit + " requests allows nothing");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("the window must be positive");
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** {@value #DEFAULT_PER_MINUTE} requests in any rolling minute, on the system clock. */
    public static RateLimiter perMinute() {
        return new RateLimiter(DEFAULT_PER_MINUTE, Duration.ofMinutes(1), Clock.systemUTC());
    }

    public int limit() { return limit; }

    public Duration window() { return window; }

    /**
     * Takes one request from the budget.
     *
     * @throws VeniceLimitException when {@code limit} requests were sent in the last window; nothing is taken
     */
    public synchronized void acquire() {
        Instant now = clock.instant();
        forgetBefore(now.minus(window));
        if (sent.size() >= limit) throw new VeniceLimitException(limit, window, waitFrom(now));
        sent.addLast(now);
    }

    /** How long until a request is possible again; zero when it is now. */
    public synchronized Duration nextIn() {
        Instant now = clock.instant();
        forgetBefore(now.minus(window));
        return sent.size() < limit ? Duration.ZERO : waitFrom(now);
    }

    /** Requests still possible in the current window. */
    public synchronized int remaining() {
        forgetBefore(clock.instant().minus(window));
        return limit - sent.size();
    }

    private Duration waitFrom(Instant now) {
        Duration d = Duration.between(now, sent.peekFirst().plus(window));
        return d.isNegative() ? Duration.ZERO : d;
    }

    private void forgetBefore(Instant start) {
        while (!sent.isEmpty() && !sent.peekFirst().isAfter(start)) sent.removeFirst();
    }
}
