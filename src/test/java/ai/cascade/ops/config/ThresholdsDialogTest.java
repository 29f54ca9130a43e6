package ai.cascade.ops.config;

import ai.cascade.ops.testing.Fx;
import atlantafx.base.theme.Styles;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class ThresholdsDialogTest {
    private static final long MB = 1024 * 1024;
    ThresholdsDialog dialog;
    Parent root;

    @Start
    void start(Stage stage) {
        dialog = new ThresholdsDialog(CheckThresholds.defaults(), Locale.US);
        root = dialog.root();
        stage.setScene(new Scene(root, 760, 720));
        stage.show();
    }

    @AfterEach
    void closeEditWindows() {
        // A failed test must not leave a modal dialog's nested event loop running for the next class.
        Fx.run(() -> List.copyOf(Window.getWindows()).stream()
                .filter(w -> w.getScene() != null && w.getScene().getRoot() != root && w.getScene().lookup("#save-thresholds") != null)
                .forEach(Window::hide));
    }

    @Test
    void theDefaultsAreShownWithTheirUnitsAndWhoseDefaultTheyAre() {
        assertThat(text("#threshold-cache-hit-rate")).isEqualTo("99");
        assertThat(text("#threshold-long-running")).isEqualTo("60");
        assertThat(text("#threshold-xid-critical")).isEqualTo("10,000,000");
        assertThat(text("#threshold-bloat-min")).isEqualTo("100");
        assertThat(text("#threshold-missing-index-min-rows")).isEqualTo("10,000");
        assertThat(label("#threshold-cache-hit-rate-default")).isEqualTo("pghero: 99 %");
        assertThat(label("#threshold-bloat-min-default")).isEqualTo("pghero: 100 MB");
        assertThat(label("#threshold-connections-warn-default")).isEqualTo("default: 70 %");
        assertThat(label("#threshold-slow-answer-default")).isEqualTo("default: 2,000 ms");
        String all = Fx.read(() -> root.lookupAll(".label").stream().map(n -> ((Label) n).getText()).reduce("", (a, b) -> a + b + "\n"));
        assertThat(all).contains("Postgres: live", "Postgres: maintenance", "Redis", "Venice and Stripe")
                .contains("Buffer cache hit rate below this").contains("max_connections").contains("MB").contains("ms");
        for (ThresholdField f : ThresholdField.values()) assertThat(lookup("#" + f.id())).as(f.label()).isNotNull();
        assertThat(Fx.read(() -> dialog.result())).contains(CheckThresholds.defaults());
        assertThat(Fx.read(() -> button("#save-thresholds").isDisabled())).isFalse();
        assertThat(Fx.read(() -> button("#reset-thresholds").isDisabled())).as("nothing to reset").isTrue();
    }

    /** What each field holds in the record, written independently of ThresholdField: the oracle. */
    private record Change(String id, String typed, String component, Object value) {}

    private static final List<Change> CHANGES = List.of(
            new Change("connections-warn", "65", "connectionsWarnPercent", 65),
            new Change("connections-critical", "95 %", "connectionsCriticalPercent", 95),
            new Change("long-running", "120", "longRunningSeconds", 120),
            new Change("idle-in-transaction", "300 s", "idleInTransactionSeconds", 300),
            new Change("blocked-critical", "30", "blockedCriticalSeconds", 30),
            new Change("cache-hit-rate", "99,5", "cacheHitRatePercent", 99.5),
            new Change("xid-warn", "200,000,000", "xidWarnRemaining", 200_000_000L),
            new Change("xid-critical", "5000000", "xidCriticalRemaining", 5_000_000L),
            new Change("replication-lag-warn", "10", "replicationLagWarnSeconds", 10),
            new Change("replication-lag-critical", "600", "replicationLagCriticalSeconds", 600),
            new Change("unused-index-max-scans", "0", "unusedIndexMaxScans", 0L),
            new Change("missing-index-min-rows", "50 000", "missingIndexMinRows", 50_000L),
            new Change("missing-index-use", "90", "missingIndexUsePercent", 90),
            new Change("bloat-min", "1.5", "bloatMinBytes", 3 * MB / 2),
            new Change("dead-tuple-percent", "10", "deadTuplePercent", 10),
            new Change("dead-tuple-min-rows", "5,000", "deadTupleMinRows", 5_000L),
            new Change("sequence-danger", "80", "sequenceDangerPercent", 80),
            new Change("redis-memory-warn", "70", "redisMemoryWarnPercent", 70),
            new Change("redis-memory-critical", "90", "redisMemoryCriticalPercent", 90),
            new Change("redis-hit-rate-warn", "75.25", "redisHitRateWarnPercent", 75.25),
            new Change("slow-answer", "1500 ms", "slowAnswerMillis", 1_500));

    @Test
    void typingAValidValueChangesExactlyThatFieldOfTheRecord(FxRobot robot) {
        assertThat(CHANGES).extracting(Change::component).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(CheckThresholds.class.getRecordComponents()).map(RecordComponent::getName).toList());
        robot.doubleClickOn("#threshold-long-running").eraseText(4).write("90");
        assertThat(Fx.read(() -> dialog.result())).contains(replaced("longRunningSeconds", 90));
        for (Change c : CHANGES) {
            Fx.run(() -> button("#reset-thresholds").fire());
            Fx.run(() -> field("#threshold-" + c.id()).setText(c.typed()));
            assertThat(Fx.read(() -> dialog.result())).as(c.id() + " = " + c.typed()).contains(replaced(c.component(), c.value()));
            assertThat(Fx.read(() -> button("#save-thresholds").isDisabled())).isFalse();
        }
    }

    @Test
    void garbageDisablesSaveMarksTheFieldAndNamesIt() {
        check("long-running", "abc", "Long-running query", "\"abc\" is not a number");
        check("long-running", "", "Long-running query", "enter a number");
        check("long-running", "1.5", "Long-running query", "whole number");
        check("long-running", "0", "Long-running query", "between 1 and 604,800 s");
        check("long-running", "1e3", "Long-running query", "not a number");
        check("connections-warn", "-5", "Connections, warning", "between 0 and 100 %");
        check("cache-hit-rate", "150", "Cache hit rate", "between 0 and 100 %");
        check("cache-hit-rate", "NaN", "Cache hit rate", "not a number");
        check("bloat-min", "0.5", "Bloat", "between 1 and 1,048,576 MB");
        check("slow-answer", "9".repeat(10_000), "Slow answer", "between 1 and 600,000 ms");
        check("connections-warn", "95", "Connections, warning (95 %) must be below Connections, critical (90 %)", "amber");
        check("xid-warn", "5,000,000", "Transaction ids left, warning (5,000,000 ids) must be above Transaction ids left, critical", "fewer left");
        check("redis-memory-critical", "80", "Redis memory, warning (80 %) must be below Redis memory, critical (80 %)", "amber");
        check("replication-lag-critical", "30", "Replication lag, warning", "Replication lag, critical");
    }

    /** Types {@code typed} into one field: Save disabled, that field marked with the message, and fixed again it all clears. */
    private void check(String id, String typed, String... message) {
        TextField f = field("#threshold-" + id);
        String was = Fx.read(f::getText);
        Fx.run(() -> f.setText(typed));
        assertThat(Fx.read(() -> button("#save-thresholds").isDisabled())).as(typed).isTrue();
        assertThat(Fx.read(() -> f.getPseudoClassStates().contains(Styles.STATE_DANGER))).as(typed).isTrue();
        assertThat(label("#threshold-" + id + "-problem")).as(typed).contains(message);
        assertThat(Fx.read(() -> lookup("#threshold-" + id + "-problem").isVisible())).isTrue();
        assertThat(label("#threshold-problems")).as(typed).contains(message[0]);
        assertThat(Fx.read(() -> dialog.result())).isEmpty();
        Fx.run(() -> f.setText(was));
        assertThat(Fx.read(() -> button("#save-thresholds").isDisabled())).isFalse();
        assertThat(Fx.read(() -> f.getPseudoClassStates().contains(Styles.STATE_DANGER))).isFalse();
        assertThat(label("#threshold-problems")).isEmpty();
    }

    @Test
    void resetPutsBackPgherosDefaults(FxRobot robot) {
        CheckThresholds mine = new CheckThresholds(50, 60, 30, 30, 10, 95.5, 500_000_000L, 50_000_000L, 5, 50,
                0, 1_000, 80, 10 * MB, 5, 100, 75, 60, 70, 50.0, 500);
        Fx.run(() -> {
            dialog = new ThresholdsDialog(mine, Locale.GERMANY);
            root = dialog.root();
            robot.targetWindow(robot.listTargetWindows().get(0));
            ((Stage) robot.listTargetWindows().get(0)).getScene().setRoot(root);
        });
        assertThat(text("#threshold-cache-hit-rate")).isEqualTo("95,5");
        assertThat(text("#threshold-xid-warn")).isEqualTo("500.000.000");
        assertThat(Fx.read(() -> dialog.result())).contains(mine);
        Fx.run(() -> field("#threshold-long-running").setText("oops"));
        robot.clickOn("#reset-thresholds");
        assertThat(Fx.read(() -> dialog.result())).contains(CheckThresholds.defaults());
        assertThat(text("#threshold-long-running")).isEqualTo("60");
        assertThat(text("#threshold-xid-critical")).isEqualTo("10.000.000");
        assertThat(Fx.read(() -> button("#save-thresholds").isDisabled())).isFalse();
    }

    @Test
    void editShowsTheDialogAndReturnsWhatWasSavedOrNothingWhenCancelled(FxRobot robot) throws Exception {
        CompletableFuture<Optional<CheckThresholds>> saved = new CompletableFuture<>();
        Platform.runLater(() -> saved.complete(ThresholdsDialog.edit(null, CheckThresholds.defaults())));
        Parent shown = editWindow();
        Fx.run(() -> ((TextField) shown.lookup("#threshold-sequence-danger")).setText("85"));
        Fx.run(() -> ((TextField) shown.lookup("#threshold-slow-answer")).setText("fast"));
        Fx.run(() -> ((Button) shown.lookup("#save-thresholds")).fire());
        assertThat(saved).isNotDone();
        Fx.run(() -> ((TextField) shown.lookup("#threshold-slow-answer")).setText("2000"));
        robot.clickOn(robot.from(shown).lookup("#save-thresholds").queryButton());
        assertThat(saved.get(10, TimeUnit.SECONDS)).contains(replaced("sequenceDangerPercent", 85));

        CompletableFuture<Optional<CheckThresholds>> cancelled = new CompletableFuture<>();
        Platform.runLater(() -> cancelled.complete(ThresholdsDialog.edit(null, CheckThresholds.defaults())));
        Parent again = editWindow();
        Fx.run(() -> ((TextField) again.lookup("#threshold-sequence-danger")).setText("85"));
        Fx.run(() -> ((Button) again.lookup("#cancel-thresholds")).fire());
        assertThat(cancelled.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    private Parent editWindow() {
        Fx.until(Duration.ofSeconds(10), "the thresholds dialog open", () -> editRoot() != null);
        return Fx.read(this::editRoot);
    }

    private Parent editRoot() {
        return Window.getWindows().stream().filter(w -> w.isShowing() && w.getScene() != null && w.getScene().getRoot() != root
                && w.getScene().lookup("#save-thresholds") != null).map(w -> w.getScene().getRoot()).findFirst().orElse(null);
    }

    @Test
    void everyValidValueReadsBackExactlyFromItsText() {
        Random random = new Random(8);
        List<Locale> locales = List.of(Locale.US, Locale.GERMANY, Locale.FRANCE, Locale.forLanguageTag("de-CH"),
                Locale.forLanguageTag("ar-EG"), Locale.forLanguageTag("hi-IN"), Locale.ROOT, Locale.forLanguageTag("ru-RU"));
        int tried = 0;
        for (Locale locale : locales) {
            for (ThresholdField f : ThresholdField.values()) {
                List<Double> values = new ArrayList<>(List.of(f.smallest(), f.largest(), f.valueIn(CheckThresholds.defaults())));
                for (int i = 0; i < 1_000; i++) values.add(randomValue(random, f));
                for (double x : values) {
                    String shown = f.format(x, locale);
                    ThresholdField.Reading back = f.parse(shown, locale);
                    assertThat(back.problem()).as(f + " " + x + " shown as " + shown + " in " + locale).isNull();
                    assertThat(back.value()).as(f + " " + x + " shown as " + shown + " in " + locale).isEqualTo(x);
                    tried++;
                }
            }
        }
        assertThat(tried).isGreaterThan(150_000);
    }

    private static double randomValue(Random random, ThresholdField f) {
        double low = f.smallest(), high = f.largest();
        if (f.decimal() && f.unit().equals("%")) {
            // Both typed-looking values (99.5) and any double in range.
            return random.nextBoolean() ? Math.round(random.nextDouble() * 1000) / 10.0 : low + random.nextDouble() * (high - low);
        }
        return (double) ((long) low + (long) (random.nextDouble() * ((long) high - (long) low + 1)));
    }

    @Test
    void numbersAreReadTheWaysPeopleWriteThem() {
        assertThat(read(ThresholdField.CACHE_HIT_RATE, "99.5", Locale.US)).isEqualTo(99.5);
        assertThat(read(ThresholdField.CACHE_HIT_RATE, "99,5", Locale.US)).isEqualTo(99.5);
        assertThat(read(ThresholdField.CACHE_HIT_RATE, "99,5", Locale.GERMANY)).isEqualTo(99.5);
        assertThat(read(ThresholdField.CACHE_HIT_RATE, " 99.5 % ", Locale.GERMANY)).isEqualTo(99.5);
        assertThat(read(ThresholdField.MISSING_INDEX_MIN_ROWS, "10,000", Locale.US)).isEqualTo(10_000);
        assertThat(read(ThresholdField.MISSING_INDEX_MIN_ROWS, "10.000", Locale.GERMANY)).isEqualTo(10_000);
        assertThat(read(ThresholdField.MISSING_INDEX_MIN_ROWS, "10\u202f000", Locale.FRANCE)).isEqualTo(10_000);
        assertThat(read(ThresholdField.MISSING_INDEX_MIN_ROWS, "10'000", Locale.US)).isEqualTo(10_000);
        assertThat(read(ThresholdField.XID_WARN, "100.000.000", Locale.US)).isEqualTo(100_000_000);
        assertThat(read(ThresholdField.XID_WARN, "1,000,000.0", Locale.US)).isEqualTo(1_000_000);
        assertThat(read(ThresholdField.BLOAT_MIN, "1,024", Locale.US)).isEqualTo(1024.0 * MB);
        assertThat(read(ThresholdField.BLOAT_MIN, "1,5", Locale.GERMANY)).isEqualTo(1.5 * MB);
        assertThat(read(ThresholdField.BLOAT_MIN, "100 mb", Locale.US)).isEqualTo(100.0 * MB);
        assertThat(read(ThresholdField.LONG_RUNNING, "\u0669\u0660", Locale.US)).as("Arabic-Indic digits").isEqualTo(90);
        assertThat(read(ThresholdField.LONG_RUNNING, "+60", Locale.US)).isEqualTo(60);
        for (String garbage : List.of("1,2,3", "12,34,567", "1..5", ".", "-", "--5", "5-", "0x10", "∞", "1/2", "٫", "60 min"))
            assertThat(ThresholdField.LONG_RUNNING.parse(garbage, Locale.US).problem()).as(garbage).contains("Long-running query");
        assertThat(ThresholdField.LONG_RUNNING.parse(null, Locale.US).problem()).contains("enter a number (pghero: 60 s)");
        assertThat(ThresholdField.CACHE_HIT_RATE.format(Double.NaN, Locale.US)).isEmpty();
        assertThat(ThresholdField.BLOAT_MIN.format(1_000, Locale.US)).as("bytes not in whole MB").isEqualTo("0.00095367431640625");
    }

    private static double read(ThresholdField f, String typed, Locale locale) {
        ThresholdField.Reading r = f.parse(typed, locale);
        assertThat(r.problem()).as(typed).isNull();
        return r.value();
    }

    /** pghero's defaults with one record component replaced, built by reflection so it shares nothing with ThresholdForm. */
    private static CheckThresholds replaced(String component, Object value) {
        try {
            RecordComponent[] parts = CheckThresholds.class.getRecordComponents();
            Object[] args = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                args[i] = parts[i].getName().equals(component) ? value : parts[i].getAccessor().invoke(CheckThresholds.defaults());
            }
            return CheckThresholds.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("could not build CheckThresholds with " + component + " = " + value, e);
        }
    }

    private Node lookup(String selector) {
        return Fx.read(() -> root.lookup(selector));
    }

    private TextField field(String selector) {
        return (TextField) lookup(selector);
    }

    private Button button(String selector) {
        return (Button) lookup(selector);
    }

    private String text(String selector) {
        return Fx.read(() -> field(selector).getText());
    }

    private String label(String selector) {
        return Fx.read(() -> ((Label) root.lookup(selector)).getText());
    }
}
