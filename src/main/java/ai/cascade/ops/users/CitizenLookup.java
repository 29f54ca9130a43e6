package ai.cascade.ops.users;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.config.Secrets;
import ai.cascade.ops.users.UserDetails.Citizen;
import ai.cascade.ops.venice.VeniceHttp;
import com.google.gson.JsonObject;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;

/**
 * One {@code GET /citizens/{username}} through the shared OkHttp client, read leniently. A stop-gap until
 * the Venice issue's cached, throttled client exists: one request per click, never in a loop.
 */
final class CitizenLookup {
    /** A citizen is a few kilobytes; a larger answer is not one and is not read whole. */
    private static final long LARGEST_BODY = 1L << 20;

    private CitizenLookup() {}

    static Citizen load(VeniceHttp venice, String username, CancelSignal cancel) {
        String where = Secrets.maskUrl(venice.baseUrl());
        HttpUrl base = HttpUrl.parse(venice.baseUrl());
        if (base == null) throw new BackendException(Backend.VENICE, "The Venice URL \"" + where + "\" is not a valid http(s) URL.");
        HttpUrl url = base.newBuilder().addPathSegment("citizens").addPathSegment(username).build();   // encodes the name
        Call call = venice.http().newCall(new Request.Builder().url(url).get().build());
        cancel.onCancel(call::cancel);
        try (Response r = call.execute()) {
            return answer(r.code(), r.peekBody(LARGEST_BODY).string(), username, where);
        } catch (InterruptedIOException e) {
            if (call.isCanceled()) throw new CancellationException("cancelled");
            throw new BackendException(Backend.VENICE, "Venice at " + where + " did not answer in time (" + e.getMessage() + ").", e);
        } catch (IOException e) {
            if (call.isCanceled()) throw new CancellationException("cancelled");
            throw new BackendException(Backend.VENICE, "Venice at " + where + " is unreachable: " + e.getMessage(), e);
        }
    }

    static Citizen answer(int code, String body, String username, String where) {
        JsonObject json = LenientJson.object(body);
        String error = LenientJson.text(json, "error");
        if (code == 429) throw venice("Venice is rate-limiting this address (429); try again in a minute.");
        if (code >= 500) throw venice("Venice answered " + code + (error == null ? "" : " (" + LenientJson.shortened(error, 200) + ")")
                + ": its service is having trouble. Try again later.");
        if (json == null) throw venice("The server at " + where + " answered " + code
                + " but not with Venice's JSON: check the Venice URL (it usually ends in /api).");
        if (code == 404) return Citizen.none(username);
        if (code != 200) throw venice("Venice answered " + code + (error == null ? "." : ": " + LenientJson.shortened(error, 200)));
        JsonObject c = LenientJson.child(json, "citizen");
        if (c == null) throw venice("Venice answered without a citizen" + (error == null ? "." : ": " + LenientJson.shortened(error, 200)));
        return citizen(json, c, username);
    }

    private static Citizen citizen(JsonObject json, JsonObject c, String username) {
        String name = LenientJson.text(c, "username");
        boolean fallback = Boolean.TRUE.equals(LenientJson.bool(json, "_fallback")) || Boolean.TRUE.equals(LenientJson.bool(c, "_fallback"));
        String notice = null;
        if (fallback) notice = "Venice answered with fallback sample data after an internal error: these values are not this citizen's.";
        else if (name != null && !name.equals(username)) notice = "Venice answered for \"" + name + "\", not \"" + username + "\".";
        return new Citizen(true, notice != null, name == null ? username : name,
                LenientJson.text(c, "firstName"), LenientJson.text(c, "lastName"), LenientJson.bool(c, "isAi"),
                LenientJson.text(c, "socialClass"), LenientJson.number(c, "influence"), LenientJson.number(c, "ducats"),
                LenientJson.text(c, "guildId"), place(c, "workplace"), place(c, "home"),
                LenientJson.instant(c, "lastActiveAt"), LenientJson.instant(c, "createdAt"), notice);
    }

    /** A place is {@code {name, type, buildingId}}, a plain id, or absent. */
    private static String place(JsonObject c, String field) {
        JsonObject o = LenientJson.child(c, field);
        if (o == null) return LenientJson.text(c, field);
        String name = LenientJson.text(o, "name");
        String type = LenientJson.text(o, "type");
        if (name == null) name = LenientJson.text(o, "buildingId");
        if (name == null) return type;
        return type == null ? name : name + " (" + type + ")";
    }

    private static BackendException venice(String message) {
        return new BackendException(Backend.VENICE, message);
    }
}
