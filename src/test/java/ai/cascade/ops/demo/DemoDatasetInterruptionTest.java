package ai.cascade.ops.demo;

import ai.cascade.ops.config.Settings;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A generation that stops half-way changes nothing: the previous complete dataset stays, still marked complete. */
class DemoDatasetInterruptionTest {
    static final String USERNAMES = "SELECT venice_username FROM cascade_users ORDER BY id";
    DataSource ds;
    Instant firstCompleted;
    List<String> firstUsers;

    @BeforeEach
    void generateASmallCompleteDataset() throws SQLException {
        ds = TestServers.admin(TestServers.freshDatabaseUrl("demo_interrupted"));
        DemoDataset.generate(ds, 500, Settings.defaultTiers(), 1, message -> { }, () -> false);
        firstCompleted = DemoDataset.completedAt(ds).orElseThrow();
        firstUsers = DemoDatasetTest.strings(ds, USERNAMES);
    }

    @Test
    void aCancelledGenerationKeepsThePreviousCompleteDatasetAndItsMarker() throws SQLException {
        AtomicInteger asked = new AtomicInteger();
        assertThatThrownBy(() -> DemoDataset.generate(ds, 30_000, Settings.defaultTiers(), 2, message -> { },
                () -> asked.incrementAndGet() > 3))   // cancelled while the users are being written
                .isInstanceOf(CancellationException.class);

        assertThat(DemoDataset.completedAt(ds)).contains(firstCompleted);
        assertThat(DemoDataset.marker(ds).orElseThrow().users()).isEqualTo(500);
        assertThat(DemoDatasetTest.strings(ds, USERNAMES)).isEqualTo(firstUsers);
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM subscriptions").get(0)).isNotEqualTo("0");
    }

    @Test
    void aGenerationThatFailsMidWayChangesNothing() throws SQLException {
        assertThatThrownBy(() -> DemoDataset.generate(ds, 30_000, Settings.defaultTiers(), 2, message -> {
            if (message.startsWith("Writing subscriptions")) throw new IllegalStateException("the disk is full (simulated)");
        }, () -> false)).hasMessageContaining("simulated");

        assertThat(DemoDataset.completedAt(ds)).contains(firstCompleted);
        assertThat(DemoDatasetTest.strings(ds, USERNAMES)).isEqualTo(firstUsers);
    }

    @Test
    void aCancelledGenerationLeavesTheConnectionUsableForTheNextOne() throws SQLException {
        AtomicInteger asked = new AtomicInteger();
        assertThatThrownBy(() -> DemoDataset.generate(ds, 30_000, Settings.defaultTiers(), 2, message -> { },
                () -> asked.incrementAndGet() > 3)).isInstanceOf(CancellationException.class);

        DemoDataset.generate(ds, 700, Settings.defaultTiers(), 2, message -> { }, () -> false);
        assertThat(DemoDataset.marker(ds).orElseThrow().users()).isEqualTo(700);
        assertThat(DemoDataset.completedAt(ds).orElseThrow()).isAfter(firstCompleted);
        assertThat(DemoDatasetTest.strings(ds, "SELECT count(*) FROM cascade_users")).containsExactly("700");
    }
}
