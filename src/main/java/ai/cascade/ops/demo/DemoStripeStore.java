package ai.cascade.ops.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The local Stripe's state in the demo's Postgres (schema {@code demo_stripe}): objects as Stripe
 * shows them, the idempotency keys' first answers, and a log of every request. One store per
 * request, on that request's connection (and transaction, for a mutation).
 */
final class DemoStripeStore {
    /** The advisory lock that serializes mutations across every JVM using the same database. */
    static final long MUTATION_LOCK = 0x5354524950454C4BL;
    private static final SecureRandom IDS = new SecureRandom();
    private static final char[] ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    /** A page of a list, newest first. */
    record Page(List<JsonObject> data, boolean hasMore) {}

    /**
     * Which rows a list shows: null fields do not filter; {@code statuses} with {@code excludeStatuses} means "all but";
     * {@code field} (a body field named by the endpoint, never by the request) must equal {@code value}.
     */
    record Filter(String customer, String subscription, Set<String> statuses, boolean excludeStatuses, String field, String value) {
        static Filter byField(String field, String value) {
            return new Filter(null, null, null, false, value == null ? null : field, value);
        }
    }

    /** The first answer to an idempotency key, with what it was asked. */
    record Remembered(String method, String path, String form, int status, String body) {}

    private final Connection c;
    private final long now;

    DemoStripeStore(Connection c, long now) {
        this.c = c;
        this.now = now;
    }

    /** The request's moment in Unix seconds: every change a request makes carries the same time. */
    long now() { return now; }

    static void createSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(resource("schema.sql"));
        }
    }

    static String resource(String name) {
        try (InputStream in = DemoStripeStore.class.getResourceAsStream("/db/demo-stripe/" + name)) {
            if (in == null) throw new IllegalStateException("db/demo-stripe/" + name + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void lockMutations() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, MUTATION_LOCK);
            ps.execute();
        }
    }

    /** A new id such as {@code re_3kQ…}: random, since objects made at run time need no reproducing. */
    static String newId(String prefix) {
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) b.append(ALPHANUMERIC[IDS.nextInt(ALPHANUMERIC.length)]);
        return b.toString();
    }

    /** The object's body when it exists and is of that kind, else null. */
    JsonObject find(String id, String object) throws SQLException {
        return json("SELECT body FROM demo_stripe.objects WHERE id = ? AND object = ?", id, object);
    }

    /** What Stripe knows of the object but does not show; empty when it has nothing. */
    JsonObject state(String id) throws SQLException {
        JsonObject s = json("SELECT demo_state FROM demo_stripe.objects WHERE id = ?", id);
        return s == null ? new JsonObject() : s;
    }

    /** Adds an object; {@code customer} and {@code subscription} are what lists filter on. */
    void insert(String object, String customer, String subscription, JsonObject body, JsonObject state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_stripe.objects(id, object, customer, subscription, created, body, demo_state) "
                + "VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
            ps.setString(1, body.get("id").getAsString());
            ps.setString(2, object);
            ps.setString(3, customer);
            ps.setString(4, subscription);
            ps.setLong(5, body.has("created") ? body.get("created").getAsLong() : now);
            ps.setString(6, body.toString());
            ps.setString(7, state == null ? "{}" : state.toString());
            ps.executeUpdate();
        }
    }

    void update(JsonObject body) throws SQLException {
        execute("UPDATE demo_stripe.objects SET body = ?::jsonb WHERE id = ?", body.toString(), body.get("id").getAsString());
    }

    void updateState(String id, JsonObject state) throws SQLException {
        execute("UPDATE demo_stripe.objects SET demo_state = ?::jsonb WHERE id = ?", state.toString(), id);
    }

    /** Objects of one kind, newest first (created, then id), after {@code startingAfter} when given. */
    Page list(String object, Filter f, int limit, String startingAfter) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT body FROM demo_stripe.objects WHERE object = ?");
        List<Object> args = new ArrayList<>(List.of(object));
        if (f.customer() != null) { sql.append(" AND customer = ?"); args.add(f.customer()); }
        if (f.subscription() != null) { sql.append(" AND subscription = ?"); args.add(f.subscription()); }
        if (f.field() != null) { sql.append(" AND body->>? = ?"); args.add(f.field()); args.add(f.value()); }
        if (f.statuses() != null) {
            sql.append(f.excludeStatuses() ? " AND NOT (body->>'status' = ANY (?))" : " AND body->>'status' = ANY (?)");
            args.add(c.createArrayOf("text", f.statuses().toArray()));
        }
        if (startingAfter != null) {
            sql.append(" AND (created, id) < (SELECT created, id FROM demo_stripe.objects WHERE id = ?)");
            args.add(startingAfter);
        }
        sql.append(" ORDER BY created DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        List<JsonObject> rows = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql.toString(), args.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) rows.add(JsonParser.parseString(rs.getString(1)).getAsJsonObject());
        }
        boolean more = rows.size() > limit;
        return new Page(more ? rows.subList(0, limit) : rows, more);
    }

    /**
     * The value of one of the schema's JSON-building functions, e.g.
     * {@code build("demo_stripe.price_json(?, ?)", a, b)}: objects made at run time share the seed's shapes.
     */
    JsonObject build(String call, Object... args) throws SQLException {
        return json("SELECT " + call, args);
    }

    /** The first answer to {@code key} within the last 24 hours, or null; older keys are forgotten, as Stripe does. */
    Remembered remembered(String key) throws SQLException {
        execute("DELETE FROM demo_stripe.idempotency WHERE created_at < now() - interval '24 hours'");
        try (PreparedStatement ps = prepare("SELECT method, path, form, status, body FROM demo_stripe.idempotency WHERE key = ?", key);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Remembered(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)) : null;
        }
    }

    void remember(String key, String method, String path, String form, StripeAnswer answer) throws SQLException {
        execute("INSERT INTO demo_stripe.idempotency(key, method, path, form, status, body) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (key) DO NOTHING", key, method, path, form, answer.status(), answer.body().toString());
    }

    void log(String method, String path, String key, String form, int status, boolean replayed) throws SQLException {
        execute("INSERT INTO demo_stripe.requests(method, path, idempotency_key, form, status, replayed) VALUES (?, ?, ?, ?, ?, ?)",
                method, path, key, form, status, replayed);
    }

    private JsonObject json(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getString(1) == null) return null;
            return JsonParser.parseString(rs.getString(1)).getAsJsonObject();
        }
    }

    private void execute(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
