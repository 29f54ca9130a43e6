package ai.cascade.ops.venice;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;

/**
 * The shared OkHttp client for Venice, with connect, read and call timeouts so a slow Venice
 * is an error, never a wait. The Venice issue builds the cached, throttled client on top of it.
 */
public final class VeniceHttp implements AutoCloseable {
    private final String baseUrl;
    private final OkHttpClient http;

    public VeniceHttp(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(3))
                .readTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(10))
                .build();
    }

    public String baseUrl() { return baseUrl; }

    public OkHttpClient http() { return http; }

    /**
     * Health check: asks for a citizen that cannot exist. A 404 or 200 in JSON means Venice answers;
     * it costs one request of the 100 a minute, so the monitor calls it rarely.
     */
    public String probe() {
        Request req = new Request.Builder().url(baseUrl + "/citizens/cascade-ops-health-check").get().build();
        try (Response r = http.newCall(req).execute()) {
            if (r.code() == 404 || r.isSuccessful()) return null;
            if (r.code() == 429) return "Venice is rate-limiting this address (429): the console backs off.";
            if (r.code() >= 500) return "Venice answered " + r.code() + ": its service is having trouble.";
            return "Venice answered " + r.code() + " to a health check.";
        } catch (IOException e) {
            throw new BackendException(Backend.VENICE, "Venice at " + baseUrl + " is unreachable: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BackendException(Backend.VENICE, "The Venice URL \"" + baseUrl + "\" is not a valid http(s) URL.", e);
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
