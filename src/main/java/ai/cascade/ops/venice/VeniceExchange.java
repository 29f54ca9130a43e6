package ai.cascade.ops.venice;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.config.Secrets;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One GET to Venice with the console's manners: each attempt takes from the {@link RateLimiter}, a 429 or 5xx is
 * tried again after Venice's {@code Retry-After} (seconds or an HTTP date) or an exponential backoff, a body is read
 * only up to a size cap (never a 10 MB page into memory), and a cancel stops the request or the wait at once.
 * The shared OkHttp client's connect, read and call timeouts bound every attempt.
 */
final class VeniceExchange {
    /** What Venice answered to the last attempt. {@code body} is null when it was larger than the cap. */
    record Reply(int code, String body, long size, Duration retryAfter, int attempts) {
        boolean tooLarge() { return body == null; }
    }

    private final VeniceHttp http;
    private final RateLimiter limiter;
    private final VeniceClient.Policy policy;
    private final Clock clock;
    private final AtomicLong sent = new AtomicLong();

    VeniceExchange(VeniceHttp http, RateLimiter limiter, VeniceClient.Policy policy, Clock clock) {
        this.http = http;
        this.limiter = limiter;
        this.policy = policy;
        this.clock = clock;
    }

    String where() { return Secrets.maskUrl(http.baseUrl()); }

    /** Requests sent to Venice since start, retries included. */
    long sent() { return sent.get(); }

    /** GETs {@code encodedPath} (below the base URL) with {@code params}; tries a 429 or 5xx again while the policy allows. */
    Reply get(String encodedPath, Map<String, String> params, CancelSignal cancel) {
        HttpUrl url = url(encodedPath, params);
        Stop stop = new Stop();
        cancel.onCancel(stop::fire);
        for (int attempt = 1; ; attempt++) {
            stop.check();
            limiter.acquire();   // a retry takes from the budget like any request
            Reply r = once(url, stop, attempt);
            if ((r.code() != 429 && r.code() < 500) || attempt >= policy.attempts()) return r;
            Duration wait = r.retryAfter() != null ? r.retryAfter() : policy.backoff().multipliedBy(1L << (attempt - 1));
            if (wait.compareTo(policy.longestWait()) > 0) return r;   // the caller says when to try; a person does not wait a minute
            stop.sleep(wait);
        }
    }

    private HttpUrl url(String encodedPath, Map<String, String> params) {
        HttpUrl base = HttpUrl.parse(http.baseUrl());
        if (base == null) throw venice("The Venice URL \"" + where() + "\" is not a valid http(s) URL.", null);
        String query = VeniceCacheKey.query(params);
        return base.newBuilder().addEncodedPathSegments(encodedPath).encodedQuery(query.isEmpty() ? null : query).build();
    }

    private Reply once(HttpUrl url, Stop stop, int attempt) {
        Call call = http.http().newCall(new Request.Builder().url(url).header("Accept", "application/json").get().build());
        stop.track(call);
        boolean answered = false;
        sent.incrementAndGet();
        try (Response r = call.execute()) {
            answered = true;
            long declared = r.body().contentLength();
            String body = declared > policy.largestBody() ? null : bounded(r.body());
            long size = body == null ? Math.max(declared, policy.largestBody() + 1) : body.length();
            return new Reply(r.code(), body, size, retryAfter(r.header("Retry-After")), attempt);
        } catch (InterruptedIOException e) {   // connect, read or call timeout, or a cancel
            if (stop.fired()) throw new CancellationException("cancelled");
            throw venice("Venice at " + where() + " did not answer in time (" + e.getMessage() + "): nothing was cached. Try again.", e);
        } catch (IOException e) {
            if (stop.fired()) throw new CancellationException("cancelled");
            if (answered) throw venice("Venice's answer from " + where() + " broke off (" + e.getMessage() + "): nothing was cached. Try again.", e);
            throw venice(unreachable(e), e);
        }
    }

    /** The body as UTF-8, or null when it is larger than the cap: at most cap + one segment is ever held. */
    private String bounded(ResponseBody body) throws IOException {
        BufferedSource source = body.source();
        if (source.request(policy.largestBody() + 1)) return null;
        return source.getBuffer().readUtf8();
    }

    private String unreachable(IOException e) {
        if (e instanceof UnknownHostException)
            return "Venice at " + where() + " is unreachable: its host name does not resolve (" + e.getMessage() + "). Check the Venice URL.";
        if (e instanceof ConnectException)
            return "Venice at " + where() + " is unreachable: the connection was refused (" + e.getMessage() + "). Check the Venice URL and port.";
        return "Venice at " + where() + " is unreachable: " + e.getMessage();
    }

    /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(h)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    static BackendException venice(String message, Throwable cause) {
        return new BackendException(Backend.VENICE, message, cause);
    }

    /** The caller's cancel, for one exchange: stops the request in flight and the wait between attempts. */
    private static final class Stop {
        private final CountDownLatch fired = new CountDownLatch(1);
        private volatile Call call;

        void fire() {
            fired.countDown();
            Call c = call;
            if (c != null) c.cancel();
        }

        boolean fired() { return fired.getCount() == 0; }

        void track(Call c) {
            call = c;
            if (fired()) c.cancel();
        }

        void check() {
            if (fired()) throw new CancellationException("cancelled");
        }

        void sleep(Duration d) {
            try {
                if (fired.await(d.toNanos(), TimeUnit.NANOSECONDS)) throw new CancellationException("cancelled");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
    }
}
