package ai.cascade.ops.demo;

import ai.cascade.ops.config.Secrets;
import ai.cascade.ops.config.Tier;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * "Demo Stripe — no real billing": a local server that speaks Stripe's wire format for the calls the
 * console makes (STRIPE-API.md), with its state in the demo's Postgres, so the real stripe-java client
 * can edit subscriptions offline. Mutations are serialized (one lock here, an advisory lock across JVMs)
 * and each runs in one transaction with its idempotency record and its request log row; reads run concurrently.
 */
public final class DemoStripe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoStripe.class);
    /** The only key the demo server accepts; it names itself so nobody mistakes it for a real one. */
    public static final String KEY = "sk_test_demo_no_real_billing";
    static final String API_VERSION = "2026-07-29.dahlia";

    /** An answer and whether it is a stored one given again for an idempotency key. */
    private record Served(StripeAnswer answer, boolean replayed) {}

    private final HikariDataSource pool;
    private final HttpServer server;
    private final ExecutorService executor;
    private final DemoStripeRoutes routes = new DemoStripeRoutes();
    private final ReentrantLock mutations = new ReentrantLock(true);

    private DemoStripe(HikariDataSource pool, HttpServer server, ExecutorService executor) {
        this.pool = pool;
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free port of 127.0.0.1; creates the schema when missing and seeds it from the demo data when empty. */
    public static DemoStripe start(DataSource ds, List<Tier> tiers) throws SQLException {
        return start(ds, tiers, 0);
    }

    public static DemoStripe start(DataSource ds, List<Tier> tiers, int port) throws SQLException {
        prepare(ds, tiers, false);
        HikariDataSource pool = pool(ds);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-stripe-" + threads.incrementAndGet());
            t.setDaemon(true);   // a forgotten close must not keep the JVM alive
            return t;
        });
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
            DemoStripe stripe = new DemoStripe(pool, server, executor);
            server.createContext("/", stripe::handle);
            server.setExecutor(executor);
            server.start();
            log.info("Demo Stripe listening at {}", stripe.url());
            return stripe;
        } catch (IOException e) {
            executor.shutdownNow();
            pool.close();
            throw new UncheckedIOException("The demo Stripe server could not listen on 127.0.0.1:" + port, e);
        }
    }

    /** Forgets the demo Stripe's objects, keys and request log and seeds it anew from the demo data (a demo reset). */
    public static void reseed(DataSource ds, List<Tier> tiers) throws SQLException {
        prepare(ds, tiers, true);
    }

    /**
     * Which demo dataset the objects were seeded from ({@code demo.dataset}'s completed_at, null without a marker), when
     * (Postgres' clock, UTC), and whether the edit history made against this seeding was finished.
     */
    record Seeding(LocalDateTime dataset, LocalDateTime seededAt, boolean historyMade) {}

    /**
     * Seeds anew unless the objects were seeded from the dataset now in Postgres: a start killed after the data was
     * saved but before the seed committed left the previous dataset's objects (or none). Checked and seeded in one
     * transaction under the mutation lock, so a kill at any moment leaves either the old record or the new seed.
     */
    static Seeding seedFromCurrentData(DataSource ds, List<Tier> tiers) throws SQLException {
        return inSeedTransaction(ds, (c, store) -> {
            Seeding seeding = seeding(c);
            if (seeding == null || !Objects.equals(seeding.dataset(), DemoStripeSeed.currentDataset(c))) {
                if (seeding != null)   // a new dataset, or a start stopped between saving the data and seeding from it
                    log.info("The demo Stripe holds the objects of the demo data completed at {}, not of the data now in Postgres: "
                            + "seeding it anew", seeding.dataset());
                DemoStripeSeed.reseed(c, tiers, store.now());
                seeding = seeding(c);
            }
            return seeding;
        });
    }

    /** Records that the edit history against {@code seeding} is finished; nothing when the Stripe was seeded anew meanwhile. */
    static void historyMade(DataSource ds, Seeding seeding) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE demo_stripe.seeding "
                + "SET history_made_at = now() AT TIME ZONE 'UTC' WHERE seeded_at = ? AND history_made_at IS NULL")) {
            ps.setObject(1, seeding.seededAt());
            ps.executeUpdate();
        }
    }

    /** The record of the last seeding, or null when none was recorded (a Stripe seeded before the record existed). */
    private static Seeding seeding(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT dataset, seeded_at, history_made_at FROM demo_stripe.seeding")) {
            if (!rs.next()) return null;
            return new Seeding(rs.getObject(1, LocalDateTime.class), rs.getObject(2, LocalDateTime.class), rs.getObject(3) != null);
        }
    }

    private static void prepare(DataSource ds, List<Tier> tiers, boolean anew) throws SQLException {
        inSeedTransaction(ds, (c, store) -> {
            if (anew) DemoStripeSeed.reseed(c, tiers, store.now());
            else DemoStripeSeed.seedIfEmpty(c, tiers, store.now());
            return null;
        });
    }

    /** Work on the schema and seed, in one transaction holding the mutation lock: two JVMs starting on one database must not both seed. */
    private interface SeedWork<T> {
        T run(Connection c, DemoStripeStore store) throws SQLException;
    }

    private static <T> T inSeedTransaction(DataSource ds, SeedWork<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                DemoStripeStore store = new DemoStripeStore(c, System.currentTimeMillis() / 1000);
                store.lockMutations();
                DemoStripeStore.createSchema(c);
                T result = work.run(c, store);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static HikariDataSource pool(DataSource ds) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName("demo-stripe");
        config.setMaximumPoolSize(6);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    /** The API base for stripe-java's {@code setApiBase}, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        pool.close();
    }

    private void handle(HttpExchange ex) {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        StripeForm form = null;
        Served served;
        try {
            String query = ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            form = StripeForm.parse(query == null ? body : body.isEmpty() ? query : query + "&" + body);
            if (authorized(ex)) {
                served = serve(method, path, form, key);
            } else {
                served = new Served(StripeAnswer.of(unauthorized(ex)), false);
                logQuietly(method, path, key, form, 401);
            }
        } catch (SQLException | RuntimeException | IOException e) {
            log.error("The demo Stripe failed on {} {}", method, path, e);
            served = new Served(StripeAnswer.of(new DemoStripeError(500, "api_error", null,
                    "The demo Stripe server failed: " + e.getMessage(), null)), false);
            logQuietly(method, path, key, form, 500);
        }
        respond(ex, served, method.equals("POST") ? key : null);
    }

    private static boolean authorized(HttpExchange ex) {
        return KEY.equals(presentedKey(ex));
    }

    /** Bearer (what stripe-java sends) or Basic with the key as user name, as Stripe accepts both. */
    private static String presentedKey(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) return null;
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).strip();
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                return colon < 0 ? userPass : userPass.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** Stripe's words; the key shows only masked, in the answer and never in the log. */
    private static DemoStripeError unauthorized(HttpExchange ex) {
        String key = presentedKey(ex);
        String message = key == null || key.isEmpty()
                ? "You did not provide an API key. You need to provide your API key in the Authorization header, "
                  + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                : "Invalid API Key provided: " + Secrets.mask(key);
        return new DemoStripeError(401, "invalid_request_error", null, message, null);
    }

    private Served serve(String method, String path, StripeForm form, String key) throws SQLException {
        DemoStripeRoutes.Match match = routes.match(method, path);
        if (match == null || !match.route().mutates()) {
            try (Connection c = pool.getConnection()) {
                DemoStripeStore store = new DemoStripeStore(c, System.currentTimeMillis() / 1000);
                StripeAnswer answer = match == null ? StripeAnswer.of(DemoStripeRoutes.unrecognized(method, path))
                        : answerOrRefusal(store, match, form);
                store.log(method, path, key, form.canonical(), answer.status(), false);
                return new Served(answer, false);
            }
        }
        mutations.lock();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Served served = mutate(c, match, method, path, form, method.equals("POST") ? key : null, key);
                c.commit();
                return served;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } finally {
            mutations.unlock();
        }
    }

    /**
     * One mutation in the caller's transaction. A POST's idempotency key answers a repeat with the first
     * answer (nothing applied again) and refuses the key with other parameters; a refusal undoes the
     * endpoint's partial work; server faults (5xx) are not remembered, so the client may retry them.
     * DELETE ignores keys, as Stripe does ({@code idempotencyKey} is null then; {@code sentKey} is only logged).
     */
    private Served mutate(Connection c, DemoStripeRoutes.Match match, String method, String path, StripeForm form,
                          String idempotencyKey, String sentKey) throws SQLException {
        DemoStripeStore store = new DemoStripeStore(c, System.currentTimeMillis() / 1000);
        store.lockMutations();
        String canonical = form.canonical();
        if (idempotencyKey != null) {
            DemoStripeStore.Remembered first = store.remembered(idempotencyKey);
            if (first != null) {
                boolean same = first.method().equals(method) && first.path().equals(path) && first.form().equals(canonical);
                StripeAnswer answer = same ? new StripeAnswer(first.status(), JsonParser.parseString(first.body()).getAsJsonObject())
                        : StripeAnswer.of(new DemoStripeError(400, "idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                                + "Try using a key other than '" + idempotencyKey + "' if you meant to execute a different request.", null));
                store.log(method, path, sentKey, canonical, answer.status(), same);
                return new Served(answer, same);
            }
        }
        Savepoint before = c.setSavepoint();
        StripeAnswer answer;
        try {
            answer = match.route().endpoint().answer(store, form, match.id());
        } catch (DemoStripeError e) {
            c.rollback(before);
            answer = StripeAnswer.of(e);
        }
        if (idempotencyKey != null && answer.status() < 500) store.remember(idempotencyKey, method, path, canonical, answer);
        store.log(method, path, sentKey, canonical, answer.status(), false);
        return new Served(answer, false);
    }

    private static StripeAnswer answerOrRefusal(DemoStripeStore store, DemoStripeRoutes.Match match, StripeForm form) throws SQLException {
        try {
            return match.route().endpoint().answer(store, form, match.id());
        } catch (DemoStripeError e) {
            return StripeAnswer.of(e);
        }
    }

    /** Logs a request that failed before (or outside) its own transaction; a log failure must not hide the answer. */
    private void logQuietly(String method, String path, String key, StripeForm form, int status) {
        try (Connection c = pool.getConnection()) {
            new DemoStripeStore(c, 0).log(method, path, key, form == null ? null : form.canonical(), status, false);
        } catch (SQLException | RuntimeException e) {
            log.warn("The demo Stripe could not log {} {}: {}", method, path, e.getMessage());
        }
    }

    private static void respond(HttpExchange ex, Served served, String idempotencyKey) {
        byte[] bytes = served.answer().body().toString().getBytes(StandardCharsets.UTF_8);
        var headers = ex.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Request-Id", DemoStripeStore.newId("req_"));
        headers.set("Stripe-Version", API_VERSION);
        if (idempotencyKey != null) headers.set("Idempotency-Key", idempotencyKey);
        if (served.replayed()) headers.set("Idempotent-Replayed", "true");
        try (OutputStream out = ex.getResponseBody()) {
            ex.sendResponseHeaders(served.answer().status(), bytes.length);
            out.write(bytes);
        } catch (IOException e) {   // the client went away: nothing to tell it
            log.debug("The demo Stripe could not answer {}: {}", ex.getRequestURI().getPath(), e.getMessage());
        } finally {
            ex.close();
        }
    }
}
