package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.WireFixtures;
import ai.cascade.ops.users.UserDetailFixtures;
import ai.cascade.ops.venice.VeniceCacheKey;
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
import java.util.Map;

/**
 * Venice down at start, dying, slow, black-holed and back, under a running console (see {@link OutageMatrix}): a local
 * server speaking Venice's wire format behind the proxy; the view that reads Venice is the users' detail.
 */
class OutageVeniceTest extends OutageMatrix {
    static String database;
    static UserDetailFixtures.Users users;
    static MockWebServer venice;
    DetailWindow detail;

    @BeforeAll
    static void servers() throws IOException {
        database = TestServers.freshDatabaseUrl("outage_venice");
        users = UserDetailFixtures.insertUsers(database);
        venice = new MockWebServer();
        // Venice's answers for every request, not a queue: the monitor and the views ask as often as they like.
        venice.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String target = r.getTarget();
                if (target.equals("/api/citizens/" + UserDetailFixtures.FOSCARI)) return WireFixtures.json(200, WireFixtures.read("venice/citizen-foscari.json"));
                if (target.startsWith("/api/citizens/")) return WireFixtures.json(404, WireFixtures.read("venice/citizen-not-found.json"));
                return WireFixtures.json(404, "{\"success\":false,\"error\":\"Not found\"}");
            }
        });
        venice.start();
    }

    @AfterAll
    static void stopVenice() {
        venice.close();
    }

    @Start
    void start(Stage stage) { use(stage); }

    @AfterEach
    void closeDetail() {
        if (detail != null) detail.close();
    }

    @Override Backend backend() { return Backend.VENICE; }

    @Override int serverPort() { return venice.getPort(); }

    @Override ConnectionProfile profile(int proxyPort) {
        return new ConnectionProfile("outage", false, false, database, TestServers.redisUrl(), "http://127.0.0.1:" + proxyPort + "/api", "");
    }

    /**
     * "Load from Venice" in the users' detail, after forgetting the citizen's cached answer (as if its 300 s were up)
     * so that Venice itself is asked.
     */
    @Override List<Shown> viewsOfBackend() {
        try (RedisConnection redis = new RedisConnection(RedisAddress.parse(TestServers.redisUrl()))) {
            redis.run("forget the cached citizen", r -> r.del(VeniceCacheKey.of("citizens/" + UserDetailFixtures.FOSCARI, Map.of())));
        } catch (InvalidSettingException e) {
            throw new IllegalStateException(e);
        }
        if (detail == null) detail = DetailWindow.open(console, users);
        return List.of(new Shown("the users' detail", detail.load("venicePane", "veniceButton")));
    }

    @Override List<Shown> otherViews() { return overviewParts(List.of("postgresPane", "revenuePane", "usersPane", "redisPane"), false); }

    @Override boolean slowMayStillAnswer() { return true; }

    @Override String driverPackage() { return "okhttp3"; }
}
