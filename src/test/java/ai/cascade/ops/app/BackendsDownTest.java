package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.LoadPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Starting against servers that are not there, or with addresses that are wrong, ends in clear messages, never a hang. */
@ExtendWith(ApplicationExtension.class)
class BackendsDownTest {
    Console console;
    Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() {
        if (console != null) console.closeConnections();
    }

    @Test
    void theAppStartsAndReportsPostgresAndRedisDownWhenNothingListens(FxRobot robot) throws IOException {
        int pg = closedPort(), redis = closedPort();
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            Fx.run(() -> console = ConsoleHarness.start(stage, new ConnectionProfile("gone", false, false,
                    "postgresql://ops:secret@127.0.0.1:" + pg + "/cascade", "redis://127.0.0.1:" + redis, "", "")));
            ConsoleHarness.awaitState(console, Backend.POSTGRES, Health.State.DOWN, Duration.ofSeconds(10));
            ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.DOWN, Duration.ofSeconds(10));
            ConsoleHarness.awaitSettled(console, Duration.ofSeconds(20));
            List<String> problems = Fx.read(() -> ConsoleHarness.panes(console).stream().map(p -> p.problemProperty().get()).toList());
            assertThat(problems).hasSize(4).allSatisfy(p -> assertThat(p).isNotNull().doesNotContain("Exception"));
            assertThat(problems).anySatisfy(p -> assertThat(p).contains("Postgres at 127.0.0.1:" + pg).contains("refused"));
            assertThat(problems).anySatisfy(p -> assertThat(p).contains("Redis at 127.0.0.1:" + redis));
            assertThat(String.join(" ", problems)).doesNotContain("secret");
            robot.press(KeyCode.CONTROL, KeyCode.DIGIT6).release(KeyCode.DIGIT6, KeyCode.CONTROL);
            Fx.until(Duration.ofSeconds(2), "navigation works while everything is down", () -> console.shell().currentView() == ViewId.DATABASE);
            assertThat(watchdog.answers()).isGreaterThan(0);
            assertThat(watchdog.worstDelayMs()).isLessThan(1000);
        }
    }

    @Test
    void aMalformedPostgresUrlIsExplainedWhileRedisKeepsWorking() {
        Fx.run(() -> console = ConsoleHarness.start(stage, new ConnectionProfile("typo", false, false,
                "postgresql://ops:secret@db.internal:54x2/cascade", TestServers.redisUrl(), "", "")));
        ConsoleHarness.awaitState(console, Backend.REDIS, Health.State.CONNECTED, Duration.ofSeconds(10));
        assertThat(ConsoleHarness.state(console, Backend.POSTGRES)).isEqualTo(Health.State.DOWN);
        ConsoleHarness.awaitSettled(console, Duration.ofSeconds(20));
        String postgresProblem = Fx.read(() -> ((LoadPane) console.shell().content().lookup("#postgresPane")).problemProperty().get());
        assertThat(postgresProblem).contains("Postgres port").doesNotContain("secret");
        assertThat(Fx.read(() -> ((LoadPane) console.shell().content().lookup("#redisPane")).problemProperty().get())).isNull();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
