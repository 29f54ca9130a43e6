package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.TestServers;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.testfx.framework.junit5.Start;

import java.util.List;

/** Redis down at start, dying, slow, black-holed and back, under a running console (see {@link OutageMatrix}). */
class OutageRedisTest extends OutageMatrix {
    static String database;

    @BeforeAll
    static void servers() {
        database = TestServers.freshDatabaseUrl("outage_redis");
    }

    @Start
    void start(Stage stage) { use(stage); }

    @Override Backend backend() { return Backend.REDIS; }

    @Override int serverPort() {
        String redis = TestServers.redisUrl();
        return Integer.parseInt(redis.substring(redis.lastIndexOf(':') + 1));
    }

    @Override ConnectionProfile profile(int proxyPort) {
        return new ConnectionProfile("outage", false, false, database, "redis://127.0.0.1:" + proxyPort, "", "");
    }

    /** The overview's one part that reads Redis: the live sessions. */
    @Override List<Shown> viewsOfBackend() { return overviewParts(List.of("redisPane"), true); }

    @Override List<Shown> otherViews() { return overviewParts(List.of("postgresPane", "revenuePane", "usersPane"), false); }

    @Override String driverPackage() { return "io.lettuce"; }
}
