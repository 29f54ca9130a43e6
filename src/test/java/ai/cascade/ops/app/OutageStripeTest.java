package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.WireFixtures;
import ai.cascade.ops.users.UserDetailFixtures;
import javafx.stage.Stage;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.util.List;

/**
 * Stripe down at start, dying, slow, black-holed and back, under a running console (see {@link OutageMatrix}): a local
 * server answering in Stripe's wire format (stripe-java does the talking) behind the proxy; the view that reads
 * Stripe is the users' detail. The profile's secret key never appears in what is shown.
 */
class OutageStripeTest extends OutageMatrix {
    static final String KEY = "sk_test_51HxOutageKeyForTests0000000000009876";
    static String database;
    static UserDetailFixtures.Users users;
    static MockWebServer stripe;
    DetailWindow detail;

    @BeforeAll
    static void servers() throws IOException {
        database = TestServers.freshDatabaseUrl("outage_stripe");
        users = UserDetailFixtures.insertUsers(database);
        stripe = new MockWebServer();
        // Stripe's answers for every request, not a queue: the monitor and the views ask as often as they like.
        stripe.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String path = r.getUrl().encodedPath();
                if (path.equals("/v1/customers")) return WireFixtures.json(200, WireFixtures.read("stripe/customers-list-one.json"));
                if (path.equals("/v1/customers/" + UserDetailFixtures.CUSTOMER)) return WireFixtures.json(200, WireFixtures.read("stripe/customer-foscari.json"));
                if (path.equals("/v1/subscriptions")) return WireFixtures.json(200, WireFixtures.read("stripe/subscriptions-list-foscari.json"));
                return WireFixtures.json(404, WireFixtures.read("stripe/error-404-no-such-customer.json"));
            }
        });
        stripe.start();
    }

    @AfterAll
    static void stopStripe() {
        stripe.close();
    }

    @Start
    void start(Stage stage) { use(stage); }

    @AfterEach
    void closeDetail() {
        if (detail != null) detail.close();
    }

    @Override Backend backend() { return Backend.STRIPE; }

    @Override int serverPort() { return stripe.getPort(); }

    @Override ConnectionProfile profile(int proxyPort) {
        return new ConnectionProfile("outage", false, false, database, TestServers.redisUrl(), "", KEY);
    }

    @Override String stripeApiBase(int proxyPort) { return "http://127.0.0.1:" + proxyPort; }

    /** "Load from Stripe" in the users' detail. */
    @Override List<Shown> viewsOfBackend() {
        if (detail == null) detail = DetailWindow.open(console, users);
        return List.of(new Shown("the users' detail", detail.load("stripePane", "stripeButton")));
    }

    @Override List<Shown> otherViews() { return overviewParts(List.of("postgresPane", "revenuePane", "usersPane", "redisPane"), false); }

    @Override boolean slowMayStillAnswer() { return true; }

    @Override String driverPackage() { return "com.stripe"; }

    @Override List<String> secrets() { return List.of(KEY); }
}
