package ai.cascade.ops.venice;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.config.Secrets;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
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
     * Health check: asks for a citizen that cannot exist. A 404 or 200 in Venice's JSON means Venice answers;
     * it costs one request of the 100 a minute (see VeniceClient.HEALTH_CHECK_EVERY).
     */
    public String probe() {
        String where = Secrets.maskUrl(baseUrl);
        Request req;
        try {
            req = new Request.Builder().url(baseUrl + "/citizens/cascade-ops-health-check").get().build();
        } catch (IllegalArgumentException e) {
            throw new BackendException(Backend.VENICE, "The Venice URL \"" + where + "\" is not a valid http(s) URL.", e);
        }
        try (Response r = http.newCall(req).execute()) {
            if (r.code() == 429) return "Venice is rate-limiting this address (429): the console backs off.";
            if (r.code() >= 500) return "Venice answered " + r.code() + ": its service is having trouble.";
            if (r.code() != 404 && !r.isSuccessful()) return "Venice answered " + r.code() + " to a health check.";
            // Reading the (small) body proves the answer completes and comes from Venice, not from a web page.
            if (isVeniceJson(r.peekBody(64 * 1024).string())) return null;
            return "The server at " + where + " answered " + r.code() + " but not with Venice's JSON: check the Venice URL (it usually ends in /api).";
        } catch (InterruptedIOException e) {   // read, call or connect timeout
            throw new BackendException(Backend.VENICE, "Venice at " + where + " did not answer in time (" + e.getMessage() + ").", e);
        } catch (IOException e) {
            throw new BackendException(Backend.VENICE, "Venice at " + where + " is unreachable: " + e.getMessage(), e);
        }
    }

    private static boolean isVeniceJson(String body) {
        try {
            JsonElement json = JsonParser.parseString(body);
            return json.isJsonObject() && json.getAsJsonObject().has("success");
        } catch (JsonParseException e) {
            return false;
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
