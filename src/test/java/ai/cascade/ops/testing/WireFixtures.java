package ai.cascade.ops.testing;

import mockwebserver3.MockResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Stripe's and Venice's recorded answers under src/test/resources (stripe/, venice/), served as their servers do. */
public final class WireFixtures {
    private WireFixtures() {}

    public static String read(String path) {
        try (InputStream in = WireFixtures.class.getResourceAsStream("/" + path)) {
            if (in == null) throw new IllegalArgumentException("no test fixture " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }
}
