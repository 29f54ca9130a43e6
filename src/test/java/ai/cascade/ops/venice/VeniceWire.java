package ai.cascade.ops.venice;

import ai.cascade.ops.cache.RedisConnection;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import okio.BufferedSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** A local server speaking Venice's wire format, fixtures from src/test/resources/venice, and the tests' clocks. */
final class VeniceWire implements AutoCloseable {
    static final String FOSCARI = "Foscari_Banker";
    static final String FOSCARI_KEY = "cascade:venice:citizens/Foscari_Banker:";

    final MockWebServer server = new MockWebServer();
    final VeniceHttp http;

    VeniceWire() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http = new VeniceHttp(server.url("/api/").toString());
    }

    /** A client on this server with {@code redis} (null: not configured) and {@code limiter}. */
    VeniceClient client(RedisConnection redis, RateLimiter limiter) {
        return new VeniceClient(http, () -> redis, limiter, Clock.systemUTC());
    }

    void answer(int code, String body) {
        server.enqueue(json(code, body));
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }

    static String fixture(String name) {
        try (InputStream in = VeniceWire.class.getResourceAsStream("/venice/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture venice/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} bytes of a JSON-looking body written a little at a time: the test never holds it whole. */
    static MockResponseBody huge(long size, boolean declareLength) {
        return new MockResponseBody() {
            @Override public long getContentLength() { return declareLength ? size : -1; }
            @Override public void writeTo(BufferedSink sink) throws IOException {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                sink.writeUtf8("{\"success\":true,\"citizen\":{\"username\":\"");
                long left = size - 40;
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    sink.write(chunk, 0, n);
                    left -= n;
                }
            }
        };
    }

    /** The Venice cache keys in Redis now. */
    static Set<String> cacheKeys(RedisConnection redis) {
        return Set.copyOf(redis.run("listing keys", c -> c.keys(VeniceCacheKey.PREFIX + "*")));
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }

    /** A clock the test moves by hand, so a limiter's minute passes without waiting one. */
    static final class HandClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-15T10:00:00Z"));

        void advance(Duration d) { now.updateAndGet(t -> t.plus(d)); }

        @Override public Instant instant() { return now.get(); }
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    }
}
