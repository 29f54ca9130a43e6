package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.TestServers;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.testfx.framework.junit5.Start;

import java.util.List;

/** Postgres down at start, dying, slow, black-holed and back, under a running console (see {@link OutageMatrix}). */
class OutagePostgresTest extends OutageMatrix {
    static String database;

    @BeforeAll
    static void servers() {
        database = TestServers.freshDatabaseUrl("outage_pg");
    }

    @Start
    void start(Stage stage) { use(stage); }

    @Override Backend backend() { return Backend.POSTGRES; }

    @Override int serverPort() { return TestServers.servers().postgresPort(); }

    @Override ConnectionProfile profile(int proxyPort) {
        return new ConnectionProfile("outage", false, false,
                "postgresql://postgres@127.0.0.1:" + proxyPort + database.substring(database.lastIndexOf('/')),
                TestServers.redisUrl(), "", "");
    }

    /** Every part of the overview reads Postgres except the live sessions, which come from Redis. */
    @Override List<Shown> viewsOfBackend() { return overviewParts(List.of("postgresPane", "revenuePane", "usersPane"), true); }

    @Override List<Shown> otherViews() { return overviewParts(List.of("redisPane"), false); }

    @Override String driverPackage() { return "org.postgresql"; }
}
