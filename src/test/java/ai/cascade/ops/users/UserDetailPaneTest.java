package ai.cascade.ops.users;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.FactList;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.users.UserDetailFixtures.TestConnections;
import ai.cascade.ops.venice.VeniceHttp;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.framework.junit5.ApplicationExtension;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static ai.cascade.ops.users.UserDetailFixtures.CUSTOMER;
import static ai.cascade.ops.users.UserDetailFixtures.EMAIL;
import static ai.cascade.ops.users.UserDetailFixtures.FOSCARI;
import static ai.cascade.ops.users.UserDetailFixtures.JTI;
import static ai.cascade.ops.users.UserDetailFixtures.fixture;
import static ai.cascade.ops.users.UserDetailFixtures.sessionJson;
import static org.assertj.core.api.Assertions.assertThat;

/** The user detail pane, headless, against a real Postgres and Redis and local Stripe and Venice wire fakes. */
@ExtendWith(ApplicationExtension.class)
class UserDetailPaneTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final List<String> PARTS = List.of("accountPane", "loginPane", "collaborationsPane", "stripePane", "venicePane");

    static String url;
    static Database db;
    static RedisConnection redis;
    static UserDetailFixtures.Users users;

    @RegisterExtension final TestStage window = new TestStage(480, 1000);
    UserDetailPane pane;
    final TimeDisplay time = new TimeDisplay(ZoneId.of("Europe/Rome"));   // UTC+1 in January

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("user_detail_pane");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        users = UserDetailFixtures.insertUsers(url);
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    private void open(Connections connections) {
        Fx.run(() -> {
            pane = new UserDetailPane(new UserDetails(connections, "test-profile"), window.work(4), time);
            window.put(pane.root());
        });
    }

    private void showAndSettle(int userId, String username, String customerId) {
        Fx.run(() -> pane.show(userId, username, customerId));
        settle();
    }

    private void settle() {
        Fx.until(BOUND, "every part of the detail loaded or failed", () -> PARTS.stream().noneMatch(id -> part(id).isBusy()));
    }

    private Node node(String id) {
        return ((ScrollPane) pane.root()).getContent().lookup("#" + id);
    }

    private LoadPane part(String id) {
        return (LoadPane) node(id);
    }

    private String problem(String part) {
        return Fx.read(() -> part(part).problemProperty().get());
    }

    private String fact(String list, String name) {
        return Fx.read(() -> ((FactList) node(list)).value(name));
    }

    /** Every text the pane shows now (visible nodes only). */
    private List<String> shownTexts() {
        return Fx.read(() -> {
            List<String> out = new ArrayList<>();
            collect(((ScrollPane) pane.root()).getContent(), out);
            return out;
        });
    }

    private static void collect(Node n, List<String> out) {
        if (!n.isVisible()) return;
        if (n instanceof Labeled l && l.getText() != null) out.add(l.getText());
        if (n instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) collect(c, out);
    }

    private Button retryOf(String part) {
        return Fx.read(() -> part(part).lookupAll(".button").stream().filter(b -> b instanceof Button btn && "Retry".equals(btn.getText())
                && btn.getParent().isVisible()).map(Button.class::cast).findFirst().orElseThrow());
    }

    private static long accessRecords(String viewer, int userId) {
        return UserDetailFixtures.count(url, "SELECT count(*) FROM ops.personal_data_access WHERE viewer = '" + viewer + "' AND user_id = " + userId);
    }

    @Test
    void withRedisDownTheLoginPartShowsItsErrorAndRetryWhileTheAccountAndCollaborationsShow() {
        RedisConnection gone = UserDetailFixtures.redisNowhere();
        window.closeAfter(gone);
        open(new TestConnections(db, gone, null, null));
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            showAndSettle(users.foscari(), FOSCARI, CUSTOMER);

            assertThat(problem("loginPane")).contains("Redis at 127.0.0.1:").contains("unreachable");
            assertThat(retryOf("loginPane").isVisible()).isTrue();
            assertThat(problem("accountPane")).isNull();
            assertThat(fact("accountFacts", "Venice username")).isEqualTo(FOSCARI);
            assertThat(fact("accountFacts", "Email")).isEqualTo(EMAIL);
            assertThat(fact("accountFacts", "Last login")).as("local time").isEqualTo("2026-01-15 10:00:00");
            assertThat(problem("collaborationsPane")).isNull();
            assertThat(shownTexts()).anySatisfy(t -> assertThat(t).startsWith("Owner · since 2026-01-15 11:00:00"))
                    .anySatisfy(t -> assertThat(t).startsWith("Participant (owner Contarini_Doge)"))
                    .anySatisfy(t -> assertThat(t).isEqualTo("maestro · active · " + UserDetailPane.money(3000, null)));
            Fx.run(() -> time.utcProperty().set(true));
            assertThat(fact("accountFacts", "Last login")).isEqualTo("2026-01-15 09:00:00 UTC");
            assertThat(watchdog.worstDelayMs()).as("the FX thread never waited on a backend").isLessThan(1000);
        }
    }

    @Test
    void openingAUserRecordsOneViewForAllItsPartsAndSaysSo() {
        long before = accessRecords("postgres", users.contarini());
        open(new TestConnections(db, redis, null, null));

        showAndSettle(users.contarini(), "Contarini_Doge", null);

        assertThat(accessRecords("postgres", users.contarini())).isEqualTo(before + 1);
        assertThat(shownTexts()).anySatisfy(t -> assertThat(t).startsWith("Your view was recorded as postgres at "));
    }

    @Test
    void whenTheViewCannotBeRecordedEveryPartShowsWhyAndNoPersonalDataUntilARetrySucceeds() {
        redis.run("fixture", c -> c.setex("cascade:session:" + users.foscari(), 3600, sessionJson(users.foscari())));
        Database kim = UserDetailFixtures.login(url, "kim_unassigned", null);
        window.closeAfter(kim);
        open(new TestConnections(kim, redis, null, null));

        showAndSettle(users.foscari(), FOSCARI, CUSTOMER);

        for (String part : PARTS) assertThat(problem(part)).as(part).contains("kim_unassigned").contains("Nothing about this user is shown");
        assertThat(String.join("\n", shownTexts())).doesNotContain(EMAIL).doesNotContain("93.41.12.7")
                .doesNotContain("Contarini_Doge").doesNotContain("maestro").contains("could not be recorded");
        assertThat(fact("accountFacts", "Email")).isNull();

        UserDetailFixtures.exec(url, "GRANT cascade_ops_monitoring TO kim_unassigned");
        Fx.run(() -> retryOf("accountPane").fire());
        settle();
        Fx.run(() -> retryOf("loginPane").fire());
        settle();

        assertThat(fact("accountFacts", "Email")).isEqualTo(EMAIL);
        assertThat(fact("sessionFacts", "IP address")).isEqualTo("93.41.12.7");
        assertThat(accessRecords("kim_unassigned", users.foscari())).as("one record for the retried view").isEqualTo(1);
    }

    @Test
    void theLoginSessionShowsItsTimesTtlAndOnlyAMaskedTokenId() {
        int id = users.foscari();
        redis.run("fixture", c -> c.setex("cascade:session:" + id, 3600, sessionJson(id)));
        redis.run("fixture", c -> c.setex("cascade:ratelimit:" + id, 60, "42"));
        open(new TestConnections(db, redis, null, null));

        showAndSettle(id, FOSCARI, CUSTOMER);

        assertThat(fact("sessionFacts", "Session")).isEqualTo("Logged in");
        assertThat(fact("sessionFacts", "Last seen")).isEqualTo("2026-01-15 10:41:07");
        assertThat(fact("sessionFacts", "Key expires in")).matches("\\d+ m \\d+ s|1 h 0 m");
        assertThat(fact("sessionFacts", "Token id")).isEqualTo("\u2022\u2022\u2022\u20226b5a");
        assertThat(fact("rateLimitFacts", "Rate-limit counter")).isEqualTo("42");
        assertThat(String.join("\n", shownTexts())).doesNotContain(JTI).doesNotContain(JTI.substring(0, 8));
    }

    @Test
    void stripeAndVeniceAreAskedOnlyWhenTheOperatorLoadsThem() throws IOException {
        MockWebServer stripeServer = new MockWebServer();
        MockWebServer veniceServer = new MockWebServer();
        stripeServer.start();
        veniceServer.start();
        VeniceHttp venice = new VeniceHttp(veniceServer.url("/api").toString());
        window.closeAfter(venice);
        window.closeAfter(stripeServer);
        window.closeAfter(veniceServer);
        String base = stripeServer.url("/").toString();
        StripeAccess stripe = new StripeAccess("sk_test_51HxExampleKeyForTests00000000004321", base.substring(0, base.length() - 1));
        open(new TestConnections(db, redis, stripe, venice));

        showAndSettle(users.foscari(), FOSCARI, CUSTOMER);

        assertThat(stripeServer.getRequestCount() + veniceServer.getRequestCount()).isZero();
        for (String file : List.of("stripe/customer-foscari.json", "stripe/subscriptions-list-foscari.json"))
            stripeServer.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(fixture(file)).build());
        veniceServer.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(fixture("venice/citizen-foscari.json")).build());
        Fx.run(() -> ((Button) node("stripeButton")).fire());
        Fx.run(() -> ((Button) node("veniceButton")).fire());
        settle();

        assertThat(fact("stripeFacts", "Email")).isEqualTo("marco.foscari@example.com");
        assertThat(fact("stripeFacts", "Balance")).isEqualTo(UserDetailPane.money(-500, "eur")).contains("5").endsWith(" EUR");
        assertThat(fact("veniceFacts", "Name")).isEqualTo("Marco Foscari");
        assertThat(fact("veniceFacts", "Workplace")).isEqualTo("Banco Foscari (bank)");
        assertThat(shownTexts()).anySatisfy(t -> assertThat(t).isEqualTo("active · " + UserDetailPane.money(3000, "eur") + " / month"));
        assertThat(shownTexts()).anySatisfy(t -> assertThat(t).matches("Live from Venice, \\d+ ms\\."));

        Fx.run(() -> ((Button) node("veniceButton")).fire());   // Reload: the cache shared with the backend answers
        settle();

        assertThat(veniceServer.getRequestCount()).isEqualTo(1);
        assertThat(shownTexts()).anySatisfy(t -> assertThat(t).matches("From the cache shared with the backend \\(age \\d+ s\\)\\."));
        assertThat(fact("veniceFacts", "Name")).isEqualTo("Marco Foscari");
    }

    @Test
    void withoutAStripeKeyOrCustomerIdThePaneSaysSoInsteadOfOfferingALoad() {
        open(new TestConnections(db, redis, null, null));

        showAndSettle(users.nobody(), "Nobody_Here", null);

        assertThat(problem("stripePane")).isNull();
        assertThat(Fx.read(() -> node("stripeButton").isVisible())).isFalse();
        assertThat(shownTexts()).anySatisfy(t -> assertThat(t).startsWith("Stripe is not configured in this profile"))
                .anySatisfy(t -> assertThat(t).startsWith("Venice is not configured in this profile"));
    }

    @Test
    void aNewUserReplacesTheOneShownAndClearingShowsThePlaceholder() {
        open(new TestConnections(db, redis, null, null));

        Fx.run(() -> pane.show(users.foscari(), FOSCARI, CUSTOMER));
        showAndSettle(users.contarini(), "Contarini_Doge", null);

        assertThat(fact("accountFacts", "Venice username")).isEqualTo("Contarini_Doge");
        assertThat(String.join("\n", shownTexts())).doesNotContain(EMAIL);

        Fx.run(() -> pane.clear());

        assertThat(shownTexts()).containsExactly("Select a user to see everything about them");
    }
}
