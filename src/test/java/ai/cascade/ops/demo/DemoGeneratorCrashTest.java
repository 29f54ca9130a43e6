package ai.cascade.ops.demo;

import ai.cascade.ops.config.Settings;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The honest interruption: a generating JVM killed with SIGKILL leaves no marker and no rows. */
class DemoGeneratorCrashTest {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aKilledGeneratorLeavesNoMarkerAndNoRowsAndTheNextGenerationCompletes() throws Exception {
        String url = TestServers.freshDatabaseUrl("demo_crash");
        DataSource ds = TestServers.admin(url);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DemoGeneratorProcess.class.getName(), url, "300000")
                .redirectErrorStream(true).start();
        try {
            long rows = firstRowsLine(child);
            assertThat(rows).as("the child had sent rows when it was killed").isPositive();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the killed child is gone").isTrue();
        }
        assertThat(child.exitValue()).as("died of SIGKILL, not of finishing").isEqualTo(128 + 9);
        assertThat(DemoDataset.completedAt(ds)).isEmpty();
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM cascade_users")).containsExactly("0");
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM subscriptions")).containsExactly("0");

        DemoDataset.generate(ds, 1_000, Settings.defaultTiers(), 3, message -> { }, () -> false);
        assertThat(DemoDataset.completedAt(ds)).isPresent();
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM cascade_users")).containsExactly("1000");
    }

    /** Reads the child's output until its first {@code ROWS n} line; a child that never prints one fails the test in 120 s. */
    private static long firstRowsLine(Process child) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Long> rows = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("ROWS ")) return Long.parseLong(line.substring(5).trim());
                    seen.append(line).append('\n');
                }
                throw new IllegalStateException("the generator ended without sending rows:\n" + seen);
            } catch (IOException e) {
                throw new IllegalStateException("reading the generator's output failed", e);
            }
        });
        return rows.get(120, TimeUnit.SECONDS);
    }
}
