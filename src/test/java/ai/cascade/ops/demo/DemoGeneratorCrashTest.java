package ai.cascade.ops.demo;

import ai.cascade.ops.config.Settings;
import ai.cascade.ops.testing.ChildJvm;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The honest interruption: a generating JVM killed with SIGKILL leaves no marker and no rows. */
class DemoGeneratorCrashTest {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aKilledGeneratorLeavesNoMarkerAndNoRowsAndTheNextGenerationCompletes() throws Exception {
        String url = TestServers.freshDatabaseUrl("demo_crash");
        DataSource ds = TestServers.admin(url);
        Process child = ChildJvm.start(DemoGeneratorProcess.class, url, "300000");
        try {
            String rows = ChildJvm.awaitLine(child, "ROWS n", line -> line.startsWith("ROWS "));
            assertThat(Long.parseLong(rows.substring(5).trim())).as("the child had sent rows when it was killed").isPositive();
        } finally {
            ChildJvm.kill(child);
        }
        assertThat(DemoDataset.completedAt(ds)).isEmpty();
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM cascade_users")).containsExactly("0");
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM subscriptions")).containsExactly("0");

        DemoDataset.generate(ds, 1_000, Settings.defaultTiers(), 3, message -> { }, () -> false);
        assertThat(DemoDataset.completedAt(ds)).isPresent();
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM cascade_users")).containsExactly("1000");
    }
}
