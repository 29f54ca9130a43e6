package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.DriftReport.Drift;
import ai.cascade.ops.billing.DriftReport.Kind;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drift check on a real Postgres against a local server answering in Stripe's wire format (stripe-java does the talking). */
class DriftCheckTest {
    static final String KEY = "sk_test_51HxExampleKeyForTests00000000004242";
    static final List<Tier> TIERS = List.of(new Tier("observer", "", "month", "eur", 0),
            new Tier("citizen", "price_citizen_monthly", "month", "eur", 900),
            new Tier("merchant", "price_merchant_monthly", "month", "eur", 2900));
    private static final String[] STATUSES = {"active", "active", "trialing", "past_due", "canceled"};
    private static final long BASE = 1_767_225_600L;   // 2026-01-01T00:00:00Z

    private MockWebServer server;
    private FakeStripe stripe;
    private String url;
    private Database db;

    @BeforeEach
    void start() throws IOException {
        stripe = new FakeStripe();
        server = new MockWebServer();
        server.setDispatcher(stripe);
        server.start();
        url = TestServers.freshDatabaseUrl("drift_check");
        db = TestServers.open(url);
    }

    @AfterEach
    void stop() {
        server.close();
        db.close();
    }

    @Test
    void twoHundredFiftyMatchingSubscriptionsHaveNoDriftAndStripeIsReadInThreePagesOfAHundred() throws SQLException {
        World.write(stripe, TestServers.admin(url), 250);
        List<String> progress = new CopyOnWriteArrayList<>();

        DriftReport r = check().run(CancelSignal.NONE, progress::add);

        assertThat(r.drifts()).isEmpty();
        assertThat(r.total()).isZero();
        assertThat(r.stripeCount()).isEqualTo(250);
        assertThat(r.postgresCount()).isEqualTo(250);
        assertThat(stripe.lists).hasSize(3);
        assertThat(stripe.lists).allSatisfy(u -> {
            assertThat(u.queryParameter("status")).isEqualTo("all");
            assertThat(u.queryParameter("limit")).isEqualTo("100");
        });
        assertThat(stripe.lists).extracting(u -> u.queryParameter("starting_after")).containsExactly(null, World.id(100), World.id(200));
        assertThat(progress).contains("100 Stripe subscriptions read", "250 Stripe subscriptions read", "250 Postgres subscriptions compared");
    }

    @Test
    void eachKindOfDifferenceIsFoundExactlyAndNothingElse() throws SQLException {
        DataSource admin = TestServers.admin(url);
        World.write(stripe, admin, 250);
        Map<String, Set<String>> made = makeOneDriftOfEachKind(admin);

        DriftReport r = check().run(CancelSignal.NONE, m -> { });

        assertThat(r.drifts().stream().collect(Collectors.toMap(DriftCheckTest::key,
                d -> d.differences().stream().map(PlanState.Difference::field).collect(Collectors.toSet())))).isEqualTo(made);
        assertThat(r.total()).isEqualTo(made.size());
        assertThat(r.count(Kind.DIFFERENT)).isEqualTo(5);
        assertThat(r.count(Kind.NO_STRIPE_ID)).isEqualTo(2);
        assertThat(r.stripeCount()).isEqualTo(250);   // one removed, one added
        assertThat(r.postgresCount()).isEqualTo(252);
        Drift status = r.drifts().stream().filter(d -> World.id(5).equals(d.stripeSubscriptionId())).findFirst().orElseThrow();
        assertThat(status.username()).isEqualTo("Citizen_5");
        assertThat(status.userId()).isEqualTo(5);
        assertThat(status.describe()).isEqualTo("status: active → canceled");
        Drift tier = r.drifts().stream().filter(d -> World.id(17).equals(d.stripeSubscriptionId())).findFirst().orElseThrow();
        assertThat(tier.describe()).isEqualTo("tier: citizen → merchant; amount: 900 → 2900");
        Drift onlyInStripe = r.drifts().stream().filter(d -> d.kind() == Kind.MISSING_IN_POSTGRES).findFirst().orElseThrow();
        assertThat(onlyInStripe.postgres()).isNull();
        assertThat(onlyInStripe.stripe().status()).isEqualTo("active");
    }

    /** The changes behind the oracle: kind and id → the fields that now differ. */
    private Map<String, Set<String>> makeOneDriftOfEachKind(DataSource admin) throws SQLException {
        stripe.change(World.id(5), s -> s.withStatus("canceled"));
        stripe.change(World.id(17), s -> s.withPrice("price_merchant_monthly", 2900));
        stripe.change(World.id(48), s -> s.withCancelAtPeriodEnd(true));
        stripe.change(World.id(60), s -> s.withPause("keep_as_draft"));
        stripe.subs.remove(World.id(77));
        stripe.put(World.sub(90_000));
        sql(admin, "UPDATE subscriptions SET current_period_end = current_period_end + interval '1 day' WHERE stripe_subscription_id = '"
                + World.id(33) + "'");
        sql(admin, "INSERT INTO subscriptions(id, user_id, stripe_subscription_id, tier, amount, status) VALUES "
                + "(1001, 1, NULL, 'citizen', 900, 'active'), (1002, 2, '', 'merchant', 2900, 'active')");
        return Map.of("DIFFERENT " + World.id(5), Set.of("status"),
                "DIFFERENT " + World.id(17), Set.of("tier", "amount"),
                "DIFFERENT " + World.id(33), Set.of("period end"),
                "DIFFERENT " + World.id(48), Set.of("cancel at period end"),
                "DIFFERENT " + World.id(60), Set.of("paused collection"),
                "MISSING_IN_POSTGRES " + World.id(90_000), Set.of(),
                "MISSING_IN_STRIPE " + World.id(77), Set.of(),
                "NO_STRIPE_ID null", Set.of(),
                "NO_STRIPE_ID ", Set.of());
    }

    private static String key(Drift d) {
        return d.kind().name() + " " + d.stripeSubscriptionId();
    }

    @Test
    void aReportListsAtMostItsCapAndCountsTheRest() throws SQLException {
        DataSource admin = TestServers.admin(url);
        World.write(stripe, admin, 250);
        makeOneDriftOfEachKind(admin);

        DriftReport r = new DriftCheck(connections(), TIERS, java.time.Clock.systemUTC(), 4).run(CancelSignal.NONE, m -> { });

        assertThat(r.drifts()).hasSize(4);
        assertThat(r.total()).isEqualTo(9);
        assertThat(r.capped()).isTrue();
    }

    @Test
    void cancellingBetweenPagesStopsBeforeTheNextPage() throws SQLException {
        World.write(stripe, TestServers.admin(url), 250);
        TestCancel cancel = new TestCancel();
        stripe.onPage = cancel::cancel;   // the person presses Cancel while the first page is on its way

        assertThatThrownBy(() -> check().run(cancel, m -> { })).isInstanceOf(CancellationException.class);

        assertThat(stripe.lists).hasSize(1);
    }

    @Test
    void stripeUnreachableIsABackendExceptionSayingSo() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        StripeAccess down = new StripeAccess(KEY, "http://127.0.0.1:" + closedPort);
        DriftCheck check = new DriftCheck(connections(down), TIERS);

        assertThatThrownBy(() -> check.run(CancelSignal.NONE, m -> { }))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Stripe at http://127.0.0.1:" + closedPort + " is unreachable while listing the subscriptions")
                .satisfies(e -> assertThat(((BackendException) e).backend()).isEqualTo(Backend.STRIPE));
    }

    @Test
    void stripeRejectingTheKeyIsABackendExceptionThatShowsTheKeyOnlyMasked() {
        stripe.rejectKey = true;

        assertThatThrownBy(() -> check().run(CancelSignal.NONE, m -> { }))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("rejected the API key")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void adoptingStripesStateMakesPostgresEqualStripeAuditsItOnceAndARerunNoLongerReportsIt() throws SQLException {
        DataSource admin = TestServers.admin(url);
        World.write(stripe, admin, 250);
        makeOneDriftOfEachKind(admin);
        Drift status = check().run(CancelSignal.NONE, m -> { }).drifts().stream()
                .filter(d -> World.id(5).equals(d.stripeSubscriptionId())).findFirst().orElseThrow();

        EditOutcome outcome = new SubscriptionEditor(connections(), TIERS, "test-profile").adoptStripe(World.id(5), "drift check");

        assertThat(outcome.result()).as(outcome.message()).isEqualTo(EditOutcome.Result.DONE);
        Optional<SubscriptionMirror.Row> row = db.run("reading", c -> new SubscriptionMirror(new StripePlans(TIERS)).read(c, World.id(5)));
        assertThat(row.orElseThrow().plan()).isEqualTo(status.stripe());
        assertThat(count(admin, "SELECT count(*) FROM cascade_users WHERE id = 5 AND subscription_status = 'canceled' "
                + "AND subscription_tier = 'observer'")).isEqualTo(1);
        assertThat(count(admin, "SELECT count(*) FROM ops.audit_log WHERE action = 'subscription.adopt_stripe' AND target = '"
                + World.id(5) + "' AND reason = 'drift check'")).isEqualTo(1);
        assertThat(count(admin, "SELECT count(*) FROM ops.subscription_edit WHERE kind = 'adopt_stripe' AND state = 'done' "
                + "AND stripe_subscription_id = '" + World.id(5) + "'")).isEqualTo(1);

        DriftReport again = check().run(CancelSignal.NONE, m -> { });
        assertThat(again.drifts()).extracting(DriftCheckTest::key).doesNotContain("DIFFERENT " + World.id(5))
                .contains("DIFFERENT " + World.id(17), "MISSING_IN_STRIPE " + World.id(77));
        assertThat(again.total()).isEqualTo(8);
    }

    private DriftCheck check() {
        return new DriftCheck(connections(), TIERS);
    }

    private Connections connections() {
        String base = server.url("/").toString();
        return connections(new StripeAccess(KEY, base.substring(0, base.length() - 1)));
    }

    private Connections connections(StripeAccess access) {
        return connections(db, access);
    }

    static Connections connections(Database database, StripeAccess access) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis here"); }
            @Override public Optional<StripeAccess> stripe() { return Optional.ofNullable(access); }
        };
    }

    static void sql(DataSource admin, String statement) throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    static long count(DataSource admin, String query) throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A cancel button for the service: hooks registered before or after the press run once it is pressed. */
    static final class TestCancel implements CancelSignal {
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

        @Override public void onCancel(Runnable hook) {
            hooks.add(hook);
            if (cancelled.get()) hook.run();
        }

        @Override public boolean isCancelled() { return cancelled.get(); }

        void cancel() {
            cancelled.set(true);
            hooks.forEach(Runnable::run);
        }
    }

    /** A Stripe subscription as the fake serves it: one item, its price and period, as API 2026 places them. */
    record StripeSub(String id, String customer, String priceId, int unitAmount, String status, long start, long end,
                     boolean cancelAtPeriodEnd, String pause) {
        StripeSub withStatus(String s) { return new StripeSub(id, customer, priceId, unitAmount, s, start, end, cancelAtPeriodEnd, pause); }
        StripeSub withPrice(String p, int a) { return new StripeSub(id, customer, p, a, status, start, end, cancelAtPeriodEnd, pause); }
        StripeSub withCancelAtPeriodEnd(boolean c) { return new StripeSub(id, customer, priceId, unitAmount, status, start, end, c, pause); }
        StripeSub withPause(String b) { return new StripeSub(id, customer, priceId, unitAmount, status, start, end, cancelAtPeriodEnd, b); }

        String tier() {
            return TIERS.stream().filter(t -> priceId.equals(t.stripePriceId())).findFirst().orElseThrow().name();
        }

        JsonObject json() {
            JsonObject price = new JsonObject();
            price.addProperty("id", priceId);
            price.addProperty("object", "price");
            price.addProperty("unit_amount", unitAmount);
            price.addProperty("currency", "eur");
            price.addProperty("type", "recurring");
            JsonObject recurring = new JsonObject();
            recurring.addProperty("interval", "month");
            recurring.addProperty("interval_count", 1);
            price.add("recurring", recurring);
            JsonObject item = new JsonObject();
            item.addProperty("id", "si_" + id.substring(4));
            item.addProperty("object", "subscription_item");
            item.addProperty("current_period_start", start);
            item.addProperty("current_period_end", end);
            item.addProperty("quantity", 1);
            item.addProperty("subscription", id);
            item.add("price", price);
            JsonObject items = list(List.of(item), false, "/v1/subscription_items?subscription=" + id);
            JsonObject s = new JsonObject();
            s.addProperty("id", id);
            s.addProperty("object", "subscription");
            s.addProperty("customer", customer);
            s.addProperty("created", start - 86_400);
            s.addProperty("currency", "eur");
            s.addProperty("livemode", false);
            s.addProperty("status", status);
            s.addProperty("cancel_at_period_end", cancelAtPeriodEnd);
            if (pause == null) s.add("pause_collection", JsonNull.INSTANCE);
            else {
                JsonObject p = new JsonObject();
                p.addProperty("behavior", pause);
                p.add("resumes_at", JsonNull.INSTANCE);
                s.add("pause_collection", p);
            }
            s.add("items", items);
            return s;
        }
    }

    static JsonObject list(List<JsonObject> data, boolean hasMore, String url) {
        JsonObject l = new JsonObject();
        l.addProperty("object", "list");
        JsonArray a = new JsonArray();
        data.forEach(a::add);
        l.add("data", a);
        l.addProperty("has_more", hasMore);
        l.addProperty("url", url);
        return l;
    }

    /**
     * Stripe's side: lists in pages after {@code starting_after} (ids in order) with {@code has_more}, and reads one
     * subscription, as {@code GET /v1/subscriptions[/{id}]} does. Records each list request.
     */
    static final class FakeStripe extends Dispatcher {
        final ConcurrentSkipListMap<String, StripeSub> subs = new ConcurrentSkipListMap<>();
        final List<HttpUrl> lists = new CopyOnWriteArrayList<>();
        volatile Runnable onPage = () -> { };
        volatile boolean rejectKey;

        void put(StripeSub s) { subs.put(s.id(), s); }

        void change(String id, java.util.function.UnaryOperator<StripeSub> how) { subs.computeIfPresent(id, (k, s) -> how.apply(s)); }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            HttpUrl url = r.getUrl();
            if (rejectKey) return error(401, "invalid_request_error", null, "Invalid API Key provided: sk_test_****4242");
            if ("GET".equals(r.getMethod()) && url.encodedPath().equals("/v1/subscriptions")) return page(url);
            if ("GET".equals(r.getMethod()) && url.pathSize() == 3 && url.encodedPath().startsWith("/v1/subscriptions/")) {
                StripeSub s = subs.get(url.pathSegments().get(2));
                return s == null ? error(404, "invalid_request_error", "resource_missing", "No such subscription") : json(s.json());
            }
            return error(404, "invalid_request_error", null, "Unrecognized request URL (" + r.getMethod() + ": " + url.encodedPath() + ")");
        }

        private MockResponse page(HttpUrl url) {
            lists.add(url);
            int limit = Integer.parseInt(url.queryParameter("limit"));
            String after = url.queryParameter("starting_after");
            var rest = after == null ? subs : subs.tailMap(after, false);
            List<JsonObject> data = rest.values().stream().limit(limit).map(StripeSub::json).toList();
            onPage.run();
            return json(list(data, rest.size() > limit, "/v1/subscriptions"));
        }

        private static MockResponse json(JsonObject body) {
            return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                    .setHeader("Request-Id", "req_drift").body(body.toString()).build();
        }

        private static MockResponse error(int code, String type, String errorCode, String message) {
            JsonObject e = new JsonObject();
            e.addProperty("type", type);
            if (errorCode != null) e.addProperty("code", errorCode);
            e.addProperty("message", message);
            JsonObject body = new JsonObject();
            body.add("error", e);
            return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                    .setHeader("Request-Id", "req_drift_" + code).body(body.toString()).build();
        }
    }

    /** The same subscriptions on both sides: Stripe's in the fake, Postgres' mirror of them written as the backend would. */
    static final class World {
        private World() {}

        static String id(int n) {
            return String.format("sub_%05d", n);
        }

        static StripeSub sub(int n) {
            long start = BASE + n * 3_600L;
            return new StripeSub(id(n), "cus_" + n, n % 3 == 0 ? "price_merchant_monthly" : "price_citizen_monthly",
                    n % 3 == 0 ? 2900 : 900, n == 90_000 ? "active" : STATUSES[n % STATUSES.length], start, start + 30 * 86_400L,
                    n % 11 == 0, n % 13 == 0 ? "mark_uncollectible" : null);
        }

        /** {@code size} subscriptions sub_00001… matching on both sides; Ops' own state for some, as an earlier edit left it. */
        static List<StripeSub> write(FakeStripe stripe, DataSource admin, int size) throws SQLException {
            List<StripeSub> subs = new ArrayList<>();
            for (int n = 1; n <= size; n++) subs.add(sub(n));
            subs.forEach(stripe::put);
            try (Connection c = admin.getConnection()) {
                insert(c, "INSERT INTO cascade_users(id, venice_username, stripe_customer_id, subscription_tier, subscription_status) "
                        + "VALUES (?, ?, ?, ?, ?)", subs, (st, s, n) -> {
                    st.setInt(1, n);
                    st.setString(2, "Citizen_" + n);
                    st.setString(3, s.customer());
                    st.setString(4, s.tier());
                    st.setString(5, s.status());
                });
                insert(c, "INSERT INTO subscriptions(id, user_id, stripe_subscription_id, tier, amount, status, current_period_start, "
                        + "current_period_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", subs, (st, s, n) -> {
                    st.setInt(1, n);
                    st.setInt(2, n);
                    st.setString(3, s.id());
                    st.setString(4, s.tier());
                    st.setInt(5, s.unitAmount());
                    st.setString(6, s.status());
                    st.setObject(7, utc(s.start()));
                    st.setObject(8, utc(s.end()));
                });
                insert(c, "INSERT INTO ops.subscription_state(stripe_subscription_id, cancel_at_period_end, pause_behavior, stripe_price_id) "
                        + "VALUES (?, ?, ?, ?)", subs.stream().filter(s -> s.cancelAtPeriodEnd() || s.pause() != null).toList(), (st, s, n) -> {
                    st.setString(1, s.id());
                    st.setBoolean(2, s.cancelAtPeriodEnd());
                    st.setString(3, s.pause());
                    st.setString(4, s.priceId());
                });
            }
            return subs;
        }

        @FunctionalInterface
        interface Binder {
            void bind(PreparedStatement st, StripeSub s, int n) throws SQLException;
        }

        private static void insert(Connection c, String sql, List<StripeSub> subs, Binder binder) throws SQLException {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                for (StripeSub s : subs) {
                    binder.bind(st, s, Integer.parseInt(s.id().substring(4)));
                    st.addBatch();
                }
                st.executeBatch();
            }
        }

        static LocalDateTime utc(long seconds) {
            return LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        }
    }
}
