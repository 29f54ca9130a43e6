package ai.cascade.ops.cache;

import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Slow commands" tab, headless, on a real Redis: real slow commands listed newest first, credentials never on screen. */
@ExtendWith(ApplicationExtension.class)
class SlowlogSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static final String JTI = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    static final String VALUE = "{\"reason\":\"stolen laptop\"}";
    static RedisConnection redis;
    static String slowerThanBefore;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    SlowlogSection section;

    @BeforeAll
    static void connect() {
        redis = TestServers.freshRedis();
        slowerThanBefore = redis.run("read", c -> c.configGet("slowlog-log-slower-than").get("slowlog-log-slower-than"));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @AfterEach
    void stop() {
        redis.run("restore", c -> {
            c.configSet("slowlog-log-slower-than", slowerThanBefore);
            return c.slowlogReset();
        });
    }

    private void open() {
        section = window.open(2, work -> new SlowlogSection(new SlowLog(new RedisKeyspace(redis)), work, new TimeDisplay(ZoneId.of("UTC"))));
        Fx.until(BOUND, "the slowlog read", () -> section.report() != null);
    }

    private static void slowCommands() {
        redis.run("log every command", c -> {
            c.configSet("slowlog-log-slower-than", "0");
            return c.slowlogReset();
        });
        RedisClient client = RedisClient.create(TestServers.redisUrl());
        try (StatefulRedisConnection<String, String> backend = client.connect()) {
            backend.sync().clientSetname("cascade-backend");
            backend.sync().set(KeyFamilies.BLACKLIST + JTI, VALUE, SetArgs.Builder.ex(300));
            SlowLogTest.debugSleep(backend.sync(), "0.03");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void slowCommandsAreListedNewestFirstWithoutTheTokenId(FxRobot robot) {
        slowCommands();
        open();

        List<SlowCommand> rows = Fx.read(() -> List.copyOf(section.table().getItems()));
        assertThat(rows).extracting(SlowCommand::id).isSortedAccordingTo((x, y) -> Long.compare(y, x));
        int sleep = indexOf(rows, "DEBUG");
        int blacklist = indexOf(rows, "SET");
        assertThat(sleep).as("the later command above the earlier one").isLessThan(blacklist);
        assertThat(cell(sleep, "Duration")).matches("\\d+ ms");
        assertThat(Integer.parseInt(cell(sleep, "Duration").replace(" ms", ""))).isGreaterThanOrEqualTo(30);
        assertThat(cell(blacklist, "Client")).contains("(cascade-backend)");
        assertThat(((Label) section.root().lookup("#slowlog-settings")).getText()).startsWith("Redis logs every command");

        Fx.run(() -> section.table().getSelectionModel().select(blacklist));
        String args = Fx.read(() -> ((TextArea) section.root().lookup("#slowlog-arguments")).getText());
        assertThat(args).startsWith("SET\n" + KeyFamilies.BLACKLIST).contains("(value hidden: " + VALUE.length() + " bytes)\nEX\n300");

        for (String text : shownTexts()) assertThat(text).doesNotContain(JTI.substring(0, 8)).doesNotContain("stolen laptop");
    }

    @Test
    void anEmptySlowlogSaysWhatIsLoggedAndSinceWhen() {
        redis.run("log only the very slow", c -> {
            c.configSet("slowlog-log-slower-than", "10000");
            return c.slowlogReset();
        });
        open();

        assertThat(Fx.read(() -> section.table().getItems().size())).isZero();
        assertThat(Fx.read(() -> ((Label) section.table().getPlaceholder()).getText()))
                .isEqualTo("No command slower than 10 ms since Redis started or its slowlog was last reset.");
    }

    private int indexOf(List<SlowCommand> rows, String command) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).command().equals(command)) return i;
        throw new AssertionError("no " + command + " row in " + rows);
    }

    private String cell(int row, String column) {
        return Fx.read(() -> {
            for (TableColumn<SlowCommand, ?> c : section.table().getColumns())
                if (c.getText().equals(column)) return String.valueOf(c.getCellData(row));
            throw new AssertionError("no column " + column);
        });
    }

    /** Every text on screen: labels, the rendered cells, the arguments pane. */
    private List<String> shownTexts() {
        return Fx.read(() -> {
            List<String> out = new ArrayList<>();
            for (Node n : section.root().lookupAll(".label")) if (n instanceof Label l && l.getText() != null) out.add(l.getText());
            for (Node n : section.root().lookupAll(".table-cell"))
                if (n instanceof javafx.scene.control.Labeled l && l.getText() != null) out.add(l.getText());
            for (TableColumn<SlowCommand, ?> c : section.table().getColumns())
                for (int i = 0; i < section.table().getItems().size(); i++) out.add(String.valueOf(c.getCellData(i)));
            out.add(((TextArea) section.root().lookup("#slowlog-arguments")).getText());
            return out;
        });
    }
}
