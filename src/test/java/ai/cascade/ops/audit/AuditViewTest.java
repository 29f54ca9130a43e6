package ai.cascade.ops.audit;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.TimeDisplay;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit page on a real Postgres, headless: it lists, filters, shows a change's before and after, and exports. */
@ExtendWith(ApplicationExtension.class)
class AuditViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int ENTRIES = 300;
    private static AuditFixture fixture;
    private static Database db;
    private BackgroundWork work;
    private AuditView view;
    private Stage stage;

    @BeforeAll
    static void writeHistory() throws Exception {
        String url = TestServers.freshDatabaseUrl("audit_view");
        fixture = AuditFixture.write(TestServers.admin(url), ENTRIES);
        db = TestServers.open(url);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        work = new BackgroundWork(3);
        view = new AuditView(new AuditTrail(AuditFixture.connections(db)), work, new TimeDisplay(ZoneOffset.UTC));
        Scene scene = new Scene(view.root(), 1440, 900);
        scene.getStylesheets().add(Objects.requireNonNull(Console.class.getResource("console.css")).toExternalForm());
        stage.setScene(scene);
        stage.show();
        view.refresh();
    }

    @AfterEach
    void stop() {
        work.close();
    }

    private <T extends Node> T find(String selector) {
        @SuppressWarnings("unchecked") T node = (T) view.root().lookup(selector);
        return Objects.requireNonNull(node, selector);
    }

    private String text(String selector) {
        return ((Labeled) find(selector)).getText();
    }

    private void awaitSettled() {
        Fx.until(BOUND, "rows and count loaded", () -> !view.rows().loadingProperty().get() && !view.rows().rows().isEmpty()
                && text("#audit-count").endsWith("entries"));
    }

    private List<Long> shownIds() {
        return view.rows().rows().stream().map(AuditEntry::id).toList();
    }

    @Test
    void thePageShowsTheNewestEntriesFirstWithTheirCount() throws Exception {
        awaitSettled();
        assertThat(Fx.read(this::shownIds)).isEqualTo(fixture.idsNewestFirst(e -> true).subList(0, 200));
        assertThat(Fx.read(() -> text("#audit-count"))).isEqualTo("300 audit entries");
        ComboBox<String> actions = Fx.read(() -> find("#actionFilter"));
        Fx.until(BOUND, "the action families offered", () -> actions.getItems().contains("subscription."));
        snapshot(Path.of(System.getProperty("java.io.tmpdir"), "audit-view.png"));
    }

    @Test
    void typingNarrowsTheTableWithoutBlockingTheWindow(FxRobot robot) {
        awaitSettled();
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            robot.clickOn(".search-field").write("100% OFF", 5);
            Fx.until(BOUND, "the one entry whose target has 100% off", () -> shownIds().equals(fixture.idsNewestFirst(e -> e.contains("100% off"))));
            Fx.until(BOUND, "its count", () -> text("#audit-count").equals("1 audit entry"));
            assertThat(watchdog.answers()).isPositive();
            assertThat(watchdog.worstDelayMs()).as("worst FX answer while filtering").isLessThan(500);
        }
    }

    @Test
    void theActionFamilyAndWhoFiltersNarrowTheTableAndClearRestoresIt() {
        awaitSettled();
        ComboBox<String> actions = Fx.read(() -> find("#actionFilter"));
        ComboBox<String> actors = Fx.read(() -> find("#actorFilter"));
        Fx.until(BOUND, "the filters' choices", () -> actions.getItems().contains("subscription.") && actors.getItems().contains("bob_support"));
        Fx.run(() -> {
            actions.setValue("subscription.");
            actors.setValue("bob_support");
        });
        List<Long> want = fixture.idsNewestFirst(e -> e.action().startsWith("subscription.") && e.actor().equals("bob_support"));
        Fx.until(BOUND, "bob's subscription edits", () -> shownIds().equals(want));
        Fx.run(() -> ((javafx.scene.control.Button) find("#clearFilters")).fire());
        Fx.until(BOUND, "everything again", () -> shownIds().equals(fixture.idsNewestFirst(e -> true).subList(0, 200)));
    }

    @Test
    void selectingAnEntryShowsItsBeforeAndAfterWithTheChangedFieldsMarked() throws Exception {
        awaitSettled();
        int row = Fx.read(() -> {
            for (int i = 0; i < view.table().getItems().size(); i++)
                if (view.table().getItems().get(i).action().equals("subscription.change_tier")) return i;
            return -1;
        });
        assertThat(Fx.read(() -> text("#audit-detail .label"))).isEqualTo(AuditDetailPane.NOTHING_SELECTED);
        Fx.run(() -> view.table().getSelectionModel().select(row));
        // the before/after grid sits in a ScrollPane, whose content joins the scene graph only once its skin exists
        Fx.until(BOUND, "the change shown", () -> view.root().lookup("#audit-change-lines") != null
                && view.root().lookup("#audit-change-lines").getScene() != null && !view.root().lookupAll(".audit-changed").isEmpty());
        assertThat(Fx.read(() -> text("#audit-change-lines"))).isEqualTo("tier: citizen → merchant\namount: 900 → 2900");
        List<String> changed = Fx.read(() -> view.root().lookupAll(".audit-changed").stream().map(n -> ((Labeled) n).getText()).toList());
        assertThat(changed).containsExactly("tier", "citizen", "merchant", "amount", "900", "2900");
        assertThat(Fx.read(() -> ((TextArea) find("#audit-details-json")).getText())).contains("\"journal\":").contains("\"before\": {");
        String summary = Fx.read(() -> view.table().getItems().get(row).summary());
        assertThat(summary).isEqualTo("tier: citizen → merchant; amount: 900 → 2900");
        snapshot(Path.of(System.getProperty("java.io.tmpdir"), "audit-view-detail.png"));
    }

    @Test
    void exportWritesTheCurrentResult(@TempDir Path dir) throws Exception {
        awaitSettled();
        ComboBox<String> actions = Fx.read(() -> find("#actionFilter"));
        Fx.until(BOUND, "the filter's choices", () -> actions.getItems().contains("invoice.refund"));
        Fx.run(() -> actions.setValue("invoice.refund"));
        long refunds = fixture.entries.stream().filter(e -> e.action().equals("invoice.refund")).count();
        Fx.until(BOUND, "refunds counted", () -> text("#audit-count").equals(refunds + " audit entries"));
        Path target = dir.resolve("refunds.csv");
        Fx.run(() -> view.exportTo(target));
        Fx.until(BOUND, "the export's outcome", () -> text("#export-status").startsWith("Exported"));
        assertThat(Fx.read(() -> text("#export-status"))).isEqualTo(String.format("Exported %,d rows to %s", refunds, target));
        List<String> lines = Files.readAllLines(target);
        assertThat(lines).hasSize((int) refunds + 1);
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.contains(",invoice.refund,"));
    }

    @Test
    void anEmptyLogSaysWhatWillBeRecordedHere() throws Exception {
        Database empty = TestServers.freshDatabase("audit_view_empty");
        try {
            AuditView fresh = Fx.read(() -> {
                AuditView v = new AuditView(new AuditTrail(AuditFixture.connections(empty)), work, new TimeDisplay(ZoneOffset.UTC));
                stage.getScene().setRoot(v.root());
                v.refresh();
                return v;
            });
            Fx.until(BOUND, "the empty log explained", () -> !fresh.rows().loadingProperty().get()
                    && ((Labeled) fresh.table().getPlaceholder()).getText().equals(AuditView.EMPTY_LOG)
                    && ((Labeled) fresh.root().lookup("#audit-count")).getText().equals("0 audit entries"));
            snapshot(Path.of(System.getProperty("java.io.tmpdir"), "audit-view-empty.png"));
        } finally {
            empty.close();
        }
    }

    private void snapshot(Path file) throws Exception {
        var image = Fx.read(() -> {
            Parent root = stage.getScene().getRoot();
            root.applyCss();
            root.layout();
            return stage.getScene().snapshot(null);
        });
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
    }
}
