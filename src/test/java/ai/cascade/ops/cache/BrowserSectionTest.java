package ai.cascade.ops.cache;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import io.lettuce.core.XAddArgs;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import redis.embedded.RedisServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Keys tab, headless, on a real Redis and Postgres: search with progress and cancel, previews of every type, a refused delete. */
@ExtendWith(ApplicationExtension.class)
class BrowserSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static Database db;
    static RedisConnection redis;
    static RedisNode node;
    /** A key with a newline and a byte that is not UTF-8. */
    static final byte[] BINARY_KEY = {'t', ':', 'b', 'i', 'n', '\n', (byte) 0xff};

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    BrowserSection section;

    @BeforeAll
    static void setUp() {
        db = TestServers.freshDatabase("key_browser");
        redis = TestServers.freshRedis();
        node = new RedisKeyspace(redis).topology().masters().get(0);
    }

    @AfterAll
    static void tearDown() {
        KeyDeletionTest.dropUser(redis, "kb_monitor");
        db.close();
        redis.close();
    }

    @BeforeEach
    void flush() {
        redis.run("flush", c -> c.flushall());
    }

    @AfterEach
    void hide() {
        if (section != null) Fx.run(section::hidden);
    }

    private void open(RedisConnection as, KeySearch search) {
        RedisKeyspace keyspace = new RedisKeyspace(as);
        section = window.open(4, work -> new BrowserSection(search == null ? new KeySearch(keyspace) : search, new KeyPreview(keyspace),
                new KeyDeletion(keyspace, KeyDeletionTest.connections(db, as), "test-profile"), work,
                new ConnectionProfile("test-profile", false, false, "", "", "", "")));
    }

    private void searchFor(FxRobot robot, String text) {
        Fx.run(() -> ((javafx.scene.control.TextField) section.root().lookup("#keySearchField")).setText(text));
        robot.clickOn("#searchButton");
    }

    private void searchAndWait(FxRobot robot, String text) {
        searchFor(robot, text);
        Fx.until(BOUND, "the search ended", () -> !section.searching() && !section.results().getItems().isEmpty());
    }

    private ValuePreview select(String key) {
        return select(key.getBytes(StandardCharsets.UTF_8));
    }

    private ValuePreview select(byte[] k) {
        String key = KeyText.shown(k);
        Fx.run(() -> section.results().getItems().stream().filter(x -> Arrays.equals(x, k)).findFirst()
                .ifPresent(x -> section.results().getSelectionModel().select(x)));
        Fx.until(BOUND, "the preview of " + key, () -> section.shown() != null && Arrays.equals(section.shown().key(), k));
        return Fx.read(section::shown);
    }

    private String text(String id) {
        return Fx.read(() -> {
            var n = section.root().lookup(id);
            return n instanceof Label l ? l.getText() : ((TextArea) n).getText();
        });
    }

    @Test
    void everyTypeIsPreviewedAndAStreamIsPagedForwardAndBack(FxRobot robot) {
        byte[] big = new byte[20 * 1024 * 1024];
        Arrays.fill(big, (byte) 'z');
        redis.run("fixture", c -> {
            c.setex("cascade:session:7", 600, "{\"user_id\":7,\"jti\":\"9f1c2ab3-77de\",\"ip\":\"10.0.0.1\"}");
            for (int i = 0; i < 5; i++) c.hset("t:hash", "f" + i, "v" + i);
            for (int i = 0; i < 5; i++) c.rpush("t:list", "e" + i);
            c.sadd("t:set", "only");
            c.zadd("t:zset", 2.5, "m");
            for (int i = 0; i < 150; i++) c.xadd("t:stream", new XAddArgs().id("5-" + i), Map.of("n", String.valueOf(i)));
            return null;
        });
        redis.runBytes(node, "fixture", c -> {
            c.set(BINARY_KEY, new byte[]{0, (byte) 0xff, 7});
            return c.set("t:big".getBytes(StandardCharsets.UTF_8), big);
        });
        open(redis, null);
        searchAndWait(robot, "");
        assertThat(Fx.read(() -> section.results().getItems().size())).isEqualTo(8);
        assertThat(text("#searchStatus")).isEqualTo("8 keys in all.");

        select("cascade:session:7");
        assertThat(text("#valueText")).contains("\n  \"ip\": \"10.0.0.1\"").contains("9f1c…").doesNotContain("9f1c2ab3");
        assertThat(text("#typeBadge")).isEqualTo("string");
        assertThat(text("#previewMeta")).startsWith("TTL ").contains("memory ").contains("encoding ");

        assertThat(Fx.read(() -> section.results().lookupAll(".list-cell").stream()
                .map(n -> ((javafx.scene.control.ListCell<?>) n).getText()).toList())).contains("t:bin\\n\\xff");
        select(BINARY_KEY);
        assertThat(text("#previewKey")).isEqualTo("t:bin\\n\\xff");
        assertThat(text("#valueText")).startsWith("00000000  00 ff 07");
        assertThat(text("#previewNotes")).contains("hex dump");

        select("t:big");
        assertThat(text("#valueText")).hasSize(KeyPreview.STRING_LIMIT);
        assertThat(text("#previewNotes")).contains("Showing the first 256.0 KiB of 20.0 MiB");

        select("t:hash");
        assertThat(Fx.read(() -> section.root().lookup("#valueTable").isVisible())).isTrue();
        assertThat(tableRows()).hasSize(5).contains(List.of("f3", "v3"));

        select("t:list");
        assertThat(listRows()).containsExactly("0  e0", "1  e1", "2  e2", "3  e3", "4  e4");

        select("t:set");
        assertThat(listRows()).containsExactly("only");

        select("t:zset");
        assertThat(tableRows()).containsExactly(List.of("m", "2.5"));

        select("t:stream");
        assertThat(tableRows()).hasSize(100);
        assertThat(text("#pageLabel")).isEqualTo("Page 1");
        robot.clickOn("#nextPage");
        Fx.until(BOUND, "page 2", () -> "Page 2".equals(((Label) section.root().lookup("#pageLabel")).getText()));
        assertThat(tableRows()).hasSize(50);
        assertThat(tableRows().get(0)).containsExactly("5-100", "n=100");
        assertThat(Fx.read(() -> section.root().lookup("#nextPage").isDisabled())).isTrue();
        robot.clickOn("#previousPage");
        Fx.until(BOUND, "page 1 again", () -> "Page 1".equals(((Label) section.root().lookup("#pageLabel")).getText()));
        assertThat(tableRows().get(0)).containsExactly("5-0", "n=0");
    }

    @SuppressWarnings("unchecked")
    private List<List<String>> tableRows() {
        return Fx.read(() -> List.copyOf(((TableView<List<String>>) section.root().lookup("#valueTable")).getItems()));
    }

    @SuppressWarnings("unchecked")
    private List<String> listRows() {
        return Fx.read(() -> List.copyOf(((ListView<String>) section.root().lookup("#valueList")).getItems()));
    }

    @Test
    void aLongSearchShowsProgressAndCancelStopsItWhileTheViewStaysResponsive(FxRobot robot) {
        KeySearchTest.populate(redis, 200_000, "key");
        open(redis, new KeySearch(new RedisKeyspace(redis), 1_000_000, 5));   // a tiny COUNT: slow enough to watch
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            searchFor(robot, "key:1");
            Fx.until(BOUND, "keys listed while scanning", () -> section.results().getItems().size() > 0
                    && section.searchStatus().getText().startsWith("Scanning"));
            robot.clickOn("#cancelSearchButton");
            Fx.until(BOUND, "the cancel shown", () -> section.searchStatus().getText().startsWith("Search cancelled after"));
            int listed = Fx.read(() -> section.results().getItems().size());
            assertThat(listed).isGreaterThan(0).isLessThan(11_111);   // key:1, key:1x, key:1xx … number 11,111 in all
            assertThat(Fx.read(() -> section.root().lookup("#cancelSearchButton").isDisabled())).isTrue();
            assertThat(watchdog.worstDelayMs()).as("under Lettuce's 3 s timeout: no FX wait on Redis").isLessThan(3_000);
        }
    }

    @Test
    void globCharactersTypedAreLiteralUnlessAPatternIsAskedFor(FxRobot robot) {
        redis.run("fixture", c -> {
            c.set("odd[1]*?", "literal");
            return c.set("odd1", "matched only by the pattern");
        });
        open(redis, null);

        searchAndWait(robot, "odd[1]");
        assertThat(Fx.read(() -> section.results().getItems().stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList()))
                .containsExactly("odd[1]*?");

        robot.clickOn("#patternToggle");
        searchAndWait(robot, "odd[1]");
        assertThat(Fx.read(() -> section.results().getItems().stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList()))
                .containsExactly("odd1");
    }

    @Test
    void aKeyDeletedAfterItWasListedSaysItIsGone(FxRobot robot) {
        redis.run("fixture", c -> c.set("soon:gone", "x"));
        open(redis, null);
        searchAndWait(robot, "soon:");
        redis.run("meanwhile", c -> c.del("soon:gone"));

        ValuePreview p = select("soon:gone");

        assertThat(p.gone()).isTrue();
        assertThat(text("#previewNotes")).isEqualTo("The key no longer exists (it expired or was deleted).");
        assertThat(text("#typeBadge")).isEqualTo("gone");
    }

    @Test
    void theMonitoringUsersDeleteIsRefusedAndTheViewSaysSoPlainly(FxRobot robot) {
        redis.run("fixture", c -> c.set("cascade:patterns:3", "{}"));
        try (RedisConnection monitoring = KeyDeletionTest.aclUser(redis, KeyDeletionTest.MONITORING, "kb_monitor", "")) {
            open(monitoring, null);
            searchAndWait(robot, "cascade:patterns:");
            select("cascade:patterns:3");

            robot.clickOn("#deleteKey");
            robot.clickOn("#reason-field").write("stale pattern");
            robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                    .filter(b -> "Delete key".equals(b.getText())).findFirst().orElseThrow());

            Fx.until(BOUND, "the refusal shown", () -> text("#actionResult").startsWith("Redis refused"));
            assertThat(text("#actionResult")).isEqualTo("Redis refused to delete cascade:patterns:3: the Redis user 'kb_monitor' "
                    + "may not delete keys (a monitoring login). Nothing was deleted.");
        }
        long left = redis.run("check", c -> c.exists("cascade:patterns:3"));
        assertThat(left).isEqualTo(1L);
    }

    @Test
    void redisStoppingMidSearchIsSaidAndTheKeysFoundStayListed(FxRobot robot) throws Exception {
        int port = KeySearchTest.freePort();
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
        server.start();
        try (RedisConnection own = new RedisConnection(RedisAddress.parse("redis://127.0.0.1:" + port))) {
            KeySearchTest.populate(own, 200_000, "key");
            open(own, new KeySearch(new RedisKeyspace(own), 1_000_000, 5));
            try (FxWatchdog watchdog = FxWatchdog.start()) {
                searchFor(robot, "key:1");
                Fx.until(BOUND, "keys listed while scanning", () -> section.results().getItems().size() > 0);
                KeySearchTest.stop(server);

                Fx.until(BOUND, "the failure shown", () -> !section.searching());
                assertThat(text("#searchStatus")).startsWith("Redis at 127.0.0.1:" + port).contains("The search stopped after")
                        .doesNotContain("Exception");
                assertThat(Fx.read(() -> section.results().getItems().size())).isGreaterThan(0);
                // Under 3 s, Lettuce's command timeout: the FX thread never waited on the dead server (a loaded machine adds noise).
                assertThat(watchdog.worstDelayMs()).isLessThan(3_000);
            }
        } finally {
            KeySearchTest.stop(server);
        }
    }
}
