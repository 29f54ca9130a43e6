package ai.cascade.ops.audit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One row of {@code ops.audit_log}: {@code at} is UTC; {@code details} is the JSON as stored. An edit's details
 * hold {@code {"before": {...}, "after": {...}, ...}}; other actions (a revoked session) hold only facts.
 */
public record AuditEntry(long id, LocalDateTime at, String actor, String profile, String action, String target, String reason,
                         String details) {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final int SUMMARY_LIMIT = 240;
    static final String ABSENT = "—";

    /** One field of a before/after pair, values as shown (null when the side lacks the field). */
    public record Change(String field, String before, String after) {
        public boolean changed() { return !Objects.equals(before, after); }

        /** "tier: citizen → merchant". */
        public String line() {
            return field + ": " + (before == null ? ABSENT : before) + " → " + (after == null ? ABSENT : after);
        }
    }

    /** True when the details record the state before and after the change. */
    public boolean hasBeforeAfter() {
        return side("before").isPresent() || side("after").isPresent();
    }

    /** The state before the change as indented JSON, or "" when the entry records none. */
    public String beforeJson() { return side("before").map(PRETTY::toJson).orElse(""); }

    /** The state after the change as indented JSON, or "" when the entry records none. */
    public String afterJson() { return side("after").map(PRETTY::toJson).orElse(""); }

    /** The whole details as indented JSON ("" when there are none). */
    public String prettyDetails() {
        return parsed().map(PRETTY::toJson).orElse(details == null ? "" : details);
    }

    /**
     * Every field of before and after, side by side: nested objects flattened to dotted names
     * ({@code period.end}), before's fields first, then those only after has.
     */
    public List<Change> changes() {
        Map<String, String> before = flat(side("before"));
        Map<String, String> after = flat(side("after"));
        Set<String> fields = new LinkedHashSet<>(before.keySet());
        fields.addAll(after.keySet());
        List<Change> out = new ArrayList<>();
        for (String f : fields) out.add(new Change(f, before.get(f), after.get(f)));
        return out;
    }

    /** "field: old → new" for each field that changed. */
    public List<String> changeLines() {
        return changes().stream().filter(Change::changed).map(Change::line).toList();
    }

    /** One line for the table: the fields changed, or for an entry without before/after its facts ("user_id 42 · previous 17"). */
    public String summary() {
        String s;
        if (hasBeforeAfter()) {
            List<String> lines = changeLines();
            s = lines.isEmpty() ? "no field changed" : String.join("; ", lines);
        } else {
            s = facts();
        }
        return s.length() <= SUMMARY_LIMIT ? s : s.substring(0, SUMMARY_LIMIT - 1) + "…";
    }

    private String facts() {
        JsonObject o = parsed().filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject).orElse(null);
        if (o == null) return details == null ? "" : details;
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonArray()) parts.add(e.getKey() + ": " + v.getAsJsonArray().size() + " items");
            else if (v.isJsonObject()) parts.add(e.getKey() + ": {…}");
            else parts.add(e.getKey() + " " + shown(v));
        }
        return String.join(" · ", parts);
    }

    private Optional<JsonObject> side(String name) {
        return parsed().filter(JsonElement::isJsonObject).map(e -> e.getAsJsonObject().get(name))
                .filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject);
    }

    private Optional<JsonElement> parsed() {
        if (details == null || details.isBlank()) return Optional.empty();
        try {
            return Optional.of(JsonParser.parseString(details));
        } catch (JsonParseException e) {
            return Optional.empty();   // jsonb is always valid; a hand-built entry may not be: shown raw
        }
    }

    private static Map<String, String> flat(Optional<JsonObject> side) {
        Map<String, String> out = new LinkedHashMap<>();
        side.ifPresent(o -> flatten("", o, out));
        return out;
    }

    private static void flatten(String prefix, JsonObject o, Map<String, String> out) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue().isJsonObject() && !e.getValue().getAsJsonObject().isEmpty()) flatten(name + ".", e.getValue().getAsJsonObject(), out);
            else out.put(name, shown(e.getValue()));
        }
    }

    /** A string without its quotes, JSON null as "null", anything else as compact JSON. */
    private static String shown(JsonElement v) {
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) return v.getAsString();
        return COMPACT.toJson(v);
    }
}
