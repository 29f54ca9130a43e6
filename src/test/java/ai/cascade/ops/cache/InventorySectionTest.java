package ai.cascade.ops.cache;

import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import javafx.application.Application;
import javafx.css.PseudoClass;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Application caches" tab, headless, on a real Redis and Postgres: progress, cancel, exact figures, leaks marked. */
@ExtendWith(ApplicationExtension.class)
class InventorySectionTest {
    private static final Duration BOUND = Duration.ofSeconds(120);
    static RedisConnection redis;
    static Database database;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    InventorySection section;

    @BeforeAll
    static void connect() {
        redis = TestServers.freshRedis();
        database = TestServers.freshDatabase("inventory_section");
    }

    @AfterAll
    static void close() {
        redis.close();
        database.close();
    }

    @BeforeEach
    void empty() {
        redis.run("flush", c -> c.flushall());
    }

    private void open(KeyInventory inventory) {
        RedisKeyspace keyspace = new RedisKeyspace(redis);
        section = window.open(3, work -> new InventorySection(inventory, new PatternFreshness(database, keyspace), work,
                new TimeDisplay(ZoneId.of("UTC"))));
    }

    @Test
    void aLargeInventoryShowsProgressWhileRunningAndCancelKeepsThePartialFigures(FxRobot robot) {
        int keys = 200_000;
        populate(keys, "cascade:venice:get-ledger");
        // A small SCAN COUNT makes the walk take many round trips, so there is time to see it run and to cancel it.
        open(new KeyInventory(new RedisKeyspace(redis), 20));

        FxWatchdog watchdog = FxWatchdog.start();
        robot.clickOn("#inventory-run");
        Fx.until(BOUND, "progress shown while running", () -> section.isRunning() && section.report() != null
                && section.report().keys() > 0 && status().contains("keys counted"));
        long firstCount = Fx.read(() -> section.report().keys());
        Fx.until(BOUND, "the figures growing", () -> section.report().keys() > firstCount);
        assertThat(status()).matches("[\\d,.\\u00a0\\u202f]+ keys counted · [\\d,.\\u00a0\\u202f]+ keys/s · 0 of 1 node done");
        double shown = Fx.read(() -> ((ProgressBar) section.root().lookup("#inventory-progress")).getProgress());
        assertThat(shown).isBetween(0.0, 1.0);
        assertThat(Fx.read(() -> section.table().getItems().size())).as("families filled in while running").isPositive();

        robot.clickOn("#inventory-cancel");

        Fx.until(BOUND, "the run ended", () -> section.outcomeState() != null);
        watchdog.close();
        assertThat(watchdog.answers()).isPositive();
        // Generous: this machine is shared; only an FX thread doing the scan itself would come near it.
        assertThat(watchdog.worstDelayMs()).as("worst FX answer while the inventory ran").isLessThan(2000);
        assertThat(section.outcomeState()).isEqualTo("cancelled");
        InventoryReport partial = Fx.read(() -> section.report());
        assertThat(partial.state()).isEqualTo(InventoryReport.State.CANCELLED);
        assertThat(partial.keys()).isPositive().isLessThan(keys);
        assertThat(Fx.read(() -> ((Label) section.root().lookup("#inventory-outcome")).getText()))
                .startsWith("Cancelled: the figures are partial");
        assertThat(Fx.read(() -> section.root().lookup("#inventory-run").isDisabled())).isFalse();
    }

    @Test
    void aFinishedInventoryShowsEveryFamilyExactlyAndMarksTheLeak() {
        Map<String, Integer> written = new LinkedHashMap<>();
        write(written, KeyFamilies.SESSION, 120, 3_600);
        write(written, KeyFamilies.BLACKLIST, 30, 900);
        write(written, KeyFamilies.RATELIMIT, 40, 60);
        write(written, KeyFamilies.PATTERNS, 50, 300);
        write(written, "cascade:venice:get-ledger:", 25, 300);
        write(written, "cascade:venice:get-citizens:", 10, 300);
        write(written, "jobs:", 17, 0);
        // The leak: pattern keys without TTL, in a family the contract writes with 300 s.
        for (int i = 0; i < 3; i++) redis.run("write", c -> c.set(KeyFamilies.PATTERNS + "leak-" + System.nanoTime(), "{}"));
        written.merge(KeyFamilies.PATTERNS, 3, Integer::sum);
        Map<String, Integer> oracle = new HashMap<>();
        written.forEach((family, n) -> oracle.merge(family.equals("jobs:") ? KeyFamilies.OTHER : family, n, Integer::sum));

        open(new KeyInventory(new RedisKeyspace(redis)));
        Fx.run(() -> ((Button) section.root().lookup("#inventory-run")).fire());
        Fx.until(BOUND, "the run ended", () -> section.outcomeState() != null);

        assertThat(section.outcomeState()).isEqualTo("finished");
        Map<String, Integer> shown = Fx.read(() -> section.table().getItems().stream().filter(f -> f.keys() > 0)
                .collect(Collectors.toMap(FamilyFigures::family, f -> Integer.parseInt(cell(f, "Keys").replaceAll("\\D", "")))));
        assertThat(shown).isEqualTo(oracle);

        FamilyFigures patterns = Fx.read(() -> section.table().getItems().stream()
                .filter(f -> f.family().equals(KeyFamilies.PATTERNS)).findFirst().orElseThrow());
        assertThat(patterns.withoutTtl()).isEqualTo(3);
        assertThat(Fx.read(() -> cell(patterns, "No TTL"))).isEqualTo("3 · leak");
        assertThat(Fx.read(() -> cell(familyOf(KeyFamilies.OTHER), "No TTL"))).isEqualTo("17");   // "other" has no TTL contract
        assertThat(Fx.read(() -> cell(familyOf(KeyFamilies.SESSION), "No TTL"))).isEqualTo("0");
        PseudoClass leak = PseudoClass.getPseudoClass("leak");
        Fx.until(BOUND, "the leak row marked", () -> section.table().lookupAll(".table-row-cell").stream()
                .anyMatch(n -> n instanceof TableRow<?> row && row.getItem() instanceof FamilyFigures f
                        && f.family().equals(KeyFamilies.PATTERNS) && n.getPseudoClassStates().contains(leak)));
        assertThat(Fx.read(() -> section.table().lookupAll(".table-row-cell").stream()
                .filter(n -> n.getPseudoClassStates().contains(leak)).count())).isEqualTo(1);

        // The session family's detail: every key in the "1–6 h" TTL bucket (written with 1 h, read moments later).
        Fx.run(() -> section.table().getSelectionModel().select(familyOf(KeyFamilies.SESSION)));
        Map<String, Long> ttlBars = Fx.read(() -> section.familyPane().ttlBars().stream()
                .collect(Collectors.toMap(d -> d.getXValue(), d -> d.getYValue().longValue())));
        assertThat(ttlBars.get(Buckets.LABELS.get(Buckets.of(3_599_000)))).isEqualTo(120);
        assertThat(ttlBars.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(120);
        assertThat(Fx.read(() -> section.report().idleKnown())).as("idle time under the default noeviction policy").isTrue();
        assertThat(Fx.read(() -> section.familyPane().idleBars().stream().mapToLong(d -> d.getYValue().longValue()).sum())).isEqualTo(120);
        assertThat(Fx.read(() -> section.familyPane().idleNote())).isEqualTo(InventoryFamilyPane.IDLE_EXPLAINED);
        Fx.run(() -> section.table().getSelectionModel().select(familyOf(KeyFamilies.PATTERNS)));
        assertThat(Fx.read(() -> section.familyPane().withoutTtlShown())).hasSize(3)
                .allSatisfy(k -> assertThat(k).startsWith(KeyFamilies.PATTERNS + "leak-"));
    }

    @Test
    void countsOnlyCountsEveryFamilyAndSaysWhatItDidNotRead() {
        Map<String, Integer> written = new LinkedHashMap<>();
        write(written, KeyFamilies.SESSION, 33, 600);
        write(written, KeyFamilies.RATELIMIT, 21, 60);
        open(new KeyInventory(new RedisKeyspace(redis)));

        Fx.run(() -> ((Button) section.root().lookup("#inventory-counts")).fire());
        Fx.until(BOUND, "the run ended", () -> section.outcomeState() != null);

        assertThat(section.outcomeState()).isEqualTo("finished");
        assertThat(Fx.read(() -> section.report().depth())).isEqualTo(InventoryDepth.COUNTS);
        assertThat(Fx.read(() -> cell(familyOf(KeyFamilies.SESSION), "Keys"))).isEqualTo("33");
        assertThat(Fx.read(() -> cell(familyOf(KeyFamilies.RATELIMIT), "Keys"))).isEqualTo("21");
        assertThat(Fx.read(() -> cell(familyOf(KeyFamilies.SESSION), "Memory"))).isEqualTo("—");
        assertThat(Fx.read(() -> cell(familyOf(KeyFamilies.SESSION), "No TTL"))).isEqualTo("—");
        Fx.run(() -> section.table().getSelectionModel().select(familyOf(KeyFamilies.SESSION)));
        assertThat(Fx.read(() -> section.familyPane().idleNote())).isEqualTo("Idle time was not read: this was a counts-only run.");
        assertThat(Fx.read(() -> section.familyPane().ttlBars())).isEmpty();
    }

    @Test
    void thePatternPanelSaysWhichCachedPatternsLostTheirRow() {
        redis.run("write", c -> c.mset(Map.of(KeyFamilies.PATTERNS + "1", "{}", KeyFamilies.PATTERNS + "424242", "{}")));
        database.run("add a row", c -> {
            try (var st = c.createStatement()) {
                st.execute("TRUNCATE consciousness_patterns");
                return st.execute("INSERT INTO consciousness_patterns (id, pattern_type, expires_at) VALUES (1, 't', NULL)");
            }
        });
        open(new KeyInventory(new RedisKeyspace(redis)));

        Fx.until(BOUND, "the example listed", () -> section.root().lookup("#inventory-pattern-examples") instanceof javafx.scene.control.ListView<?> l
                && l.getItems().contains(KeyFamilies.PATTERNS + "424242"));
        assertThat(Fx.read(() -> section.root().lookupAll(".label").stream()
                .anyMatch(n -> n instanceof Label l && "1 · finding".equals(l.getText())))).isTrue();
    }

    private FamilyFigures familyOf(String name) {
        return section.table().getItems().stream().filter(f -> f.family().equals(name)).findFirst().orElseThrow();
    }

    private String cell(FamilyFigures f, String column) {
        int row = section.table().getItems().indexOf(f);
        for (TableColumn<FamilyFigures, ?> c : section.table().getColumns())
            if (c.getText().equals(column)) return String.valueOf(c.getCellData(row));
        throw new AssertionError("no column " + column);
    }

    private String status() {
        return Fx.read(() -> ((Label) section.root().lookup("#inventory-status")).getText());
    }

    private static void write(Map<String, Integer> written, String prefix, int n, long ttlSeconds) {
        redis.run("write " + prefix, c -> {
            for (int i = 0; i < n; i++) {
                if (ttlSeconds > 0) c.setex(prefix + i, ttlSeconds, "{\"n\":" + i + "}");
                else c.set(prefix + i, "{\"n\":" + i + "}");
            }
            return null;
        });
        written.put(prefix, n);
    }

    /** DEBUG POPULATE: {@code n} string keys "prefix:0".. written by the server itself, in well under a second. */
    private static void populate(int n, String prefix) {
        StringCodec codec = StringCodec.UTF8;
        redis.run("populate", c -> c.dispatch(CommandType.DEBUG, new StatusOutput<>(codec),
                new CommandArgs<>(codec).add("POPULATE").add(n).add(prefix).add(16)));
        long size = redis.run("dbsize", c -> c.dbsize());
        assertThat(size).isEqualTo(n);
    }
}
