package ai.cascade.ops.demo;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.ScanArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The zero-config demo: each start runs a real Postgres and Redis in the given folder. */
class DemoEnvironmentTest {
    @TempDir
    Path folder;

    @Test
    void aSecondStartReusesTheGeneratedDataAndRefillsRedis() throws Exception {
        List<String> firstStart = new ArrayList<>();
        Instant completed;
        DemoEnvironment demo = DemoEnvironment.start(folder, 2_000, Settings.defaultTiers(), firstStart::add);
        try {
            assertThat(firstStart).contains("Generating 2,000 demo users…");
            assertThat(usersAt(demo.postgresUrl())).isEqualTo(2_000);
            assertThat(sessionKeysAt(demo.redisUrl())).isPositive();
            completed = DemoDataset.completedAt(demo.dataSource()).orElseThrow();
        } finally {
            demo.close();
        }

        List<String> secondStart = new ArrayList<>();
        demo = DemoEnvironment.start(folder, 2_000, Settings.defaultTiers(), secondStart::add);
        try {
            assertThat(secondStart).noneMatch(m -> m.startsWith("Generating"));
            assertThat(DemoDataset.completedAt(demo.dataSource())).contains(completed);
            assertThat(usersAt(demo.postgresUrl())).isEqualTo(2_000);
            assertThat(sessionKeysAt(demo.redisUrl())).as("Redis keeps nothing: filled again").isPositive();
        } finally {
            demo.close();
        }
    }

    @Test
    void anotherUserCountOrAResetGeneratesAnew() throws Exception {
        DemoEnvironment.start(folder, 1_000, Settings.defaultTiers(), m -> { }).close();
        DemoEnvironment demo = DemoEnvironment.start(folder, 1_500, Settings.defaultTiers(), m -> { });
        try {
            assertThat(usersAt(demo.postgresUrl())).isEqualTo(1_500);
            Instant before = DemoDataset.completedAt(demo.dataSource()).orElseThrow();
            demo.reset(1_200, Settings.defaultTiers(), m -> { });
            assertThat(usersAt(demo.postgresUrl())).isEqualTo(1_200);
            assertThat(DemoDataset.completedAt(demo.dataSource()).orElseThrow()).isAfter(before);
        } finally {
            demo.close();
        }
    }

    /** Through the app's own pool, from the URL the app is given. */
    private static long usersAt(String postgresUrl) {
        try (Database db = TestServers.open(postgresUrl)) {
            return db.run("counting users", c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM cascade_users")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    }

    private static long sessionKeysAt(String redisUrl) throws Exception {
        try (RedisConnection redis = new RedisConnection(RedisAddress.parse(redisUrl))) {
            Integer sessions = redis.run("looking for sessions",
                    c -> c.scan(ScanArgs.Builder.matches("cascade:session:*").limit(10_000)).getKeys().size());
            return sessions;
        }
    }
}
