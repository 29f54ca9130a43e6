package ai.cascade.ops.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Cached Venice answers under {@code cascade:venice:{endpoint}:{params}}, keyed exactly as VENICE-API.md's
 * caching contract says (parameters sorted by name, URL-encoded), with small bodies shaped like Venice's.
 */
final class VeniceCacheEntries {
    static final long LIFETIME = 300;
    private static final String[] CLASSES = {"Facchini", "Popolani", "Cittadini", "Mercatores", "Nobili", "Forestieri"};
    private static final String[] MOODS = {"hopeful", "content", "anxious", "ambitious", "melancholic"};
    private static final String[] ACTIVITIES = {"rest", "goto_work", "production", "deliver_resource_batch", "eat_at_tavern", "idle"};
    private static final String[] BUILDING_TYPES = {"bank", "glassworks", "warehouse", "bakery", "merchant_galley", "printing_house"};

    private final SplittableRandom rnd;
    private final long now;

    VeniceCacheEntries(SplittableRandom rnd, long now) {
        this.rnd = rnd;
        this.now = now;
    }

    /** Writes about {@code wanted} distinct cache keys, two of them unusual; returns how many. */
    int write(RedisBatch batch, int wanted) {
        Set<String> keys = new HashSet<>();
        put(batch, keys, "get-ledger", Map.of("citizenUsername", VenetianNames.UNICODE_USERNAMES[0], "format", "json"),
                ledger(VenetianNames.UNICODE_USERNAMES[0]));
        put(batch, keys, "citizens", Map.of("SocialClass", "Nobili", "IsAI", "true"), citizenList());
        for (int attempt = 0; keys.size() < wanted && attempt < wanted * 10; attempt++) {
            String who = VenetianNames.citizen(rnd);
            double kind = rnd.nextDouble();
            if (kind < 0.40) put(batch, keys, "citizens/" + who, Map.of(), envelope("citizen", citizen(who)));
            else if (kind < 0.70) put(batch, keys, "get-ledger", Map.of("citizenUsername", who, "format", "json"), ledger(who));
            else if (kind < 0.85) put(batch, keys, "activities", Map.of("citizenId", who, "limit", "20"), activities(who));
            else put(batch, keys, "relevancies", Map.of("relevantToCitizen", who, "targetCitizen", VenetianNames.citizen(rnd)),
                        relevancies(who));
        }
        return keys.size();
    }

    private void put(RedisBatch batch, Set<String> keys, String endpoint, Map<String, String> params, JsonObject body) {
        String key = key(endpoint, params);
        if (keys.add(key)) batch.setex(key, DemoRandom.seconds(rnd, 30, LIFETIME + 1), body.toString());   // as if cached at some moment of the last 270 s
    }

    /** The contract's key: endpoint without its leading slash, then the sorted, encoded query string. */
    static String key(String endpoint, Map<String, String> params) {
        StringJoiner query = new StringJoiner("&");
        new TreeMap<>(params).forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        return "cascade:venice:" + endpoint + ":" + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonObject citizen(String username) {
        JsonObject c = new JsonObject();
        int sep = username.indexOf('_');
        c.addProperty("username", username);
        c.addProperty("firstName", DemoRandom.pick(rnd, VenetianNames.FIRST));
        c.addProperty("lastName", sep > 0 ? username.substring(0, sep) : username);
        c.addProperty("isAi", rnd.nextDouble() < 0.8);
        c.addProperty("socialClass", DemoRandom.pick(rnd, CLASSES));
        c.addProperty("influence", rnd.nextInt(2000));
        c.addProperty("ducats", Math.round(rnd.nextDouble() * 500_000) / 100.0);
        if (rnd.nextDouble() < 0.7) c.addProperty("guildId", "guild_" + rnd.nextInt(1, 40));   // any field may be missing
        if (rnd.nextDouble() < 0.8) {
            JsonObject work = new JsonObject();
            work.addProperty("name", (sep > 0 ? username.substring(sep + 1) : "Bottega") + "'s " + DemoRandom.pick(rnd, BUILDING_TYPES).replace('_', ' '));
            work.addProperty("type", DemoRandom.pick(rnd, BUILDING_TYPES));
            work.addProperty("buildingId", "bld_" + rnd.nextInt(100_000));
            c.add("workplace", work);
        } else {
            c.add("workplace", null);
        }
        c.addProperty("home", "bld_" + rnd.nextInt(100_000));
        c.addProperty("lastActiveAt", iso(now - DemoRandom.seconds(rnd, 0, 3 * 86_400)));
        c.addProperty("createdAt", iso(now - DemoRandom.seconds(rnd, 30 * 86_400, 700 * 86_400)));
        return c;
    }

    private JsonObject ledger(String username) {
        JsonObject data = new JsonObject();
        JsonObject c = citizen(username);
        c.addProperty("mood", DemoRandom.pick(rnd, MOODS));
        c.addProperty("moodIntensity", rnd.nextInt(1, 11));
        c.addProperty("primaryEmotion", rnd.nextDouble() < 0.5 ? "hope" : "worry");
        data.add("citizen", c);
        JsonArray last = activityList(username, 5);
        data.add("lastActivity", last.get(0));
        data.add("lastActivities", last);
        JsonArray relations = new JsonArray();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            JsonObject r = new JsonObject();
            r.addProperty("citizen", VenetianNames.citizen(rnd));
            r.addProperty("strengthScore", rnd.nextInt(100));
            r.addProperty("trustScore", rnd.nextInt(100));
            relations.add(r);
        }
        data.add("strongestRelationships", relations);
        data.add("activeContracts", new JsonArray());
        JsonArray thoughts = new JsonArray();
        thoughts.add("The price of " + (rnd.nextDouble() < 0.5 ? "glass" : "silk") + " at the Rialto worries me.");
        data.add("thoughts", thoughts);
        JsonObject body = new JsonObject();
        body.addProperty("success", true);
        body.add("data", data);
        return body;
    }

    private JsonObject activities(String username) {
        return envelope("activities", activityList(username, 1 + rnd.nextInt(8)));
    }

    private JsonArray activityList(String username, int count) {
        JsonArray list = new JsonArray();
        long t = now;
        for (int i = 0; i < count; i++) {   // newest first, as Venice answers
            t -= DemoRandom.seconds(rnd, 600, 6 * 3600);
            JsonObject a = new JsonObject();
            a.addProperty("activityId", "act_" + Long.toHexString(rnd.nextLong() >>> 16));
            a.addProperty("citizen", username);
            a.addProperty("type", DemoRandom.pick(rnd, ACTIVITIES));
            a.addProperty("status", i == 0 ? "in_progress" : "processed");
            a.addProperty("startDate", iso(t));
            a.addProperty("endDate", iso(t + 3600));
            a.addProperty("createdAt", iso(t - 60));
            list.add(a);
        }
        return list;
    }

    private JsonObject relevancies(String username) {
        JsonArray list = new JsonArray();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
            JsonObject r = new JsonObject();
            r.addProperty("relevancyId", "rel_" + Long.toHexString(rnd.nextLong() >>> 20));
            r.addProperty("assetType", "citizen");
            r.addProperty("category", "opportunity");
            r.addProperty("type", "neighbor");
            r.addProperty("relevantToCitizen", username);
            r.addProperty("score", rnd.nextInt(100));
            r.addProperty("title", "A neighbour worth knowing");
            r.addProperty("createdAt", iso(now - DemoRandom.seconds(rnd, 0, 86_400)));
            r.addProperty("status", "active");
            list.add(r);
        }
        return envelope("relevancies", list);
    }

    private JsonObject citizenList() {
        JsonArray list = new JsonArray();
        for (int i = 0; i < 5; i++) list.add(citizen(VenetianNames.citizen(rnd)));
        return envelope("citizens", list);
    }

    private static JsonObject envelope(String field, JsonElement value) {
        JsonObject body = new JsonObject();
        body.addProperty("success", true);
        body.add(field, value);
        return body;
    }

    private static String iso(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).toString();
    }
}
