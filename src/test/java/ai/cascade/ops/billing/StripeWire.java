package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import com.stripe.model.StripeObject;
import com.stripe.net.ApiMode;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local server speaking Stripe's wire format (mockwebserver3) for the saga's tests: canned answers from
 * {@code src/test/resources/stripe/}, the real stripe-java client talking to it, and every request recorded.
 */
final class StripeWire implements AutoCloseable {
    /** A secret key that looks real enough to be masked; it must never appear in a message. */
    static final String KEY = "sk_test_51WireSagaKey00000000000000000000000000SeCrEt";

    /** The fixtures' ids. */
    static final String SUBSCRIPTION = "sub_WireCitizen0001";
    static final String CUSTOMER = "cus_WireFoscari01";
    static final String ITEM = "si_WireItem0001";
    /** 2026-01-15T12:00:00Z, the proration date of the fixtures' preview. */
    static final long PRORATION_DATE = 1768478400L;

    private final MockWebServer server = new MockWebServer();
    private final StripeAccess access;
    private int taken;

    StripeWire() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = server.url("/").toString();
        access = new StripeAccess(KEY, base.substring(0, base.length() - 1));
    }

    StripeAccess access() { return access; }

    /** Postgres plus this Stripe, as a profile's connections. */
    Connections connections(Database database) {
        return connections(database, access);
    }

    static Connections connections(Database database, StripeAccess stripe) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis here"); }
            @Override public Optional<StripeAccess> stripe() { return Optional.of(stripe); }
        };
    }

    /** Answers the next request with {@code fixture} and status 200. */
    StripeWire answer(String fixture) {
        return answer(200, fixture);
    }

    StripeWire answer(int code, String fixture) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .setHeader("Request-Id", "req_wire" + code).body(fixture(fixture)).build());
        return this;
    }

    /** Answers the next {@code times} requests the same way (stripe-java retries 409 and 5xx itself). */
    StripeWire answerTimes(int times, int code, String fixture) {
        for (int i = 0; i < times; i++) answer(code, fixture);
        return this;
    }

    /** The next {@code times} requests are read and never answered: the client's read timeout fires. */
    StripeWire stall(int times) {
        for (int i = 0; i < times; i++)
            server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
        return this;
    }

    /** Every request received since the last call, in order. */
    List<RecordedRequest> requests() {
        List<RecordedRequest> out = new ArrayList<>();
        try {
            while (taken < server.getRequestCount()) {
                RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
                if (r == null) break;
                out.add(r);
                taken++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** The requests since the last call that could change something (not GET). */
    List<RecordedRequest> mutations() {
        return requests().stream().filter(r -> !"GET".equals(r.getMethod())).toList();
    }

    static String body(RecordedRequest r) {
        return r.getBody() == null ? "" : r.getBody().string(StandardCharsets.UTF_8);
    }

    static String key(RecordedRequest r) {
        return r.getHeaders().get("Idempotency-Key");
    }

    /** A wire fixture under src/test/resources/stripe/. */
    static String fixture(String name) {
        try (InputStream in = StripeWire.class.getResourceAsStream("/stripe/" + name)) {
            if (in == null) throw new IllegalArgumentException("no Stripe fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as stripe-java reads it (the same path {@link StripeCalls} takes). */
    @SuppressWarnings("unchecked")
    <T extends StripeObject> T parsed(String name) {
        try {
            return (T) access.client().deserialize(fixture(name), ApiMode.V1);
        } catch (com.stripe.exception.StripeException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A list fixture read as {@link StripeCalls#readList} reads Stripe's lists. */
    static <T extends com.stripe.model.StripeCollection<?>> T list(String name, Class<T> type) {
        return com.stripe.net.ApiResource.GSON.fromJson(fixture(name), type);
    }

    @Override
    public void close() {
        server.close();
    }
}
