package ai.cascade.ops.venice;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import static ai.cascade.ops.backend.LenientJson.bool;
import static ai.cascade.ops.backend.LenientJson.child;
import static ai.cascade.ops.backend.LenientJson.instant;
import static ai.cascade.ops.backend.LenientJson.number;
import static ai.cascade.ops.backend.LenientJson.text;

import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Venice's JSON, read strictly for its shape (an answer is one JSON object, nothing after it: an HTML page or a
 * truncated body is not an answer) and leniently for its fields (missing, null or mistyped is null).
 */
final class VeniceJson {
    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

    private VeniceJson() {}

    /** The body as one strict JSON object, or null when it is anything else (empty, HTML, cut off, an array). */
    static JsonObject object(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            JsonReader reader = new JsonReader(new StringReader(body));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = ELEMENT.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) return null;
            return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (IOException | JsonParseException | IllegalStateException e) {   // Gson limits nesting (255): no stack overflow
            return null;
        }
    }

    /** {@code citizen} fields of a citizen object. */
    static Citizen citizen(JsonObject c) {
        return new Citizen(text(c, "username"), text(c, "firstName"), text(c, "lastName"), bool(c, "isAi"),
                text(c, "socialClass"), number(c, "influence"), number(c, "ducats"), text(c, "guildId"),
                place(c, "workplace"), home(c), instant(c, "lastActiveAt"), instant(c, "createdAt"));
    }

    /** A ledger's {@code data}: the citizen (with mood) and the known sections that are present. */
    static Ledger ledger(JsonObject data) {
        JsonObject c = child(data, "citizen");
        Map<String, JsonElement> sections = new LinkedHashMap<>();
        for (String name : Ledger.SECTIONS) {
            JsonElement e = data.get(name);
            if (e != null && !e.isJsonNull()) sections.put(name, e);
        }
        return new Ledger(c == null ? null : citizen(c), text(c, "mood"), number(c, "moodIntensity"),
                text(c, "primaryEmotion"), java.util.Collections.unmodifiableMap(sections));
    }

    /** Venice marks stand-in data after an internal error with {@code _fallback: true}, on the answer or the item. */
    static boolean fallback(JsonObject answer, JsonObject item) {
        return Boolean.TRUE.equals(bool(answer, "_fallback")) || Boolean.TRUE.equals(bool(item, "_fallback"));
    }

    private static Citizen.Place place(JsonObject c, String field) {
        JsonObject o = child(c, field);
        if (o != null) return new Citizen.Place(text(o, "name"), text(o, "type"), text(o, "buildingId"));
        String id = text(c, field);   // some answers name the building by id only
        return id == null ? null : new Citizen.Place(null, null, id);
    }

    private static String home(JsonObject c) {
        Citizen.Place p = place(c, "home");
        return p == null ? null : p.describe();
    }
}
