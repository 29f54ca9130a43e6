package ai.cascade.ops.demo;

import ai.cascade.ops.config.Settings;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.sql.DataSource;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check: skipped unless asked for, e.g.
 * {@code mvn -o -DbuildDir=target-demo test -Dtest=DemoGenerationTimingTest -Ddemo.timing.users=1000000}.
 */
@EnabledIfSystemProperty(named = "demo.timing.users", matches = "\\d+")
class DemoGenerationTimingTest {

    @Test
    void reportsHowLongGeneratingTakes() throws SQLException {
        int users = Integer.parseInt(System.getProperty("demo.timing.users"));
        DataSource ds = TestServers.admin(TestServers.freshDatabaseUrl("demo_timing"));
        long started = System.nanoTime();
        DemoDataset.generate(ds, users, Settings.defaultTiers(), DemoEnvironment.SEED, System.out::println, () -> false);
        long generated = System.nanoTime();
        try (var redis = TestServers.freshRedis()) {
            RedisFill fill = DemoRedisData.fill(redis, ds, DemoEnvironment.SEED);
            System.out.printf("TIMING users=%d generate=%d ms redisFill=%d ms keys=%s%n", users,
                    (generated - started) / 1_000_000, (System.nanoTime() - generated) / 1_000_000, fill);
        }
        assertThat(DemoDataset.completedAt(ds)).isPresent();
    }
}
