package ai.cascade.ops.billing;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.controlsfx.control.CheckComboBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The subscriptions page on a real Postgres, headless: it loads, summarises, filters, sorts and exports. */
@ExtendWith(ApplicationExtension.class)
class SubscriptionsViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static SubscriptionFixture fixture;
    private static Database db;
    private BackgroundWork work;
    private SubscriptionsView view;
    private Stage stage;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServers.freshDatabaseUrl("subscriptions_view");
        fixture = SubscriptionFixture.write(TestServers.admin(url), 2_000, 3);
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
        Connections c = SubscriptionFixture.connections(db);
        view = new SubscriptionsView(new SubscriptionDirectory(c, SubscriptionFixture.TIERS), new RevenueSummary(c, SubscriptionFixture.TIERS),
                SubscriptionFixture.TIERS, work, new TimeDisplay(ZoneOffset.UTC));
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

    private <T extends Node> T find(String id) {
        @SuppressWarnings("unchecked") T node = (T) view.root().lookup("#" + id);
        return Objects.requireNonNull(node, id);
    }

    private void awaitSettled() {
        Fx.until(BOUND, "rows, count and summary loaded", () -> !view.rows().loadingProperty().get()
                && !((LoadPane) find("summaryPane")).isBusy() && !text("subscription-count").startsWith("Counting"));
    }

    private String text(String id) {
        return ((Labeled) find(id)).getText();
    }

    private List<Integer> shownIds() {
        return Fx.read(() -> view.rows().rows().stream().map(SubscriptionRow::id).toList());
    }

    @Test
    void thePageShowsTheFirstRowsTheirCountAndRevenuePerTier() throws Exception {
        awaitSettled();
        assertThat(shownIds()).startsWith(1, 2, 3).hasSize(200);
        assertThat(Fx.read(() -> text("subscription-count"))).isEqualTo("2,000 subscriptions");
        RevenueSummary.Revenue r = new RevenueSummary(SubscriptionFixture.connections(db), SubscriptionFixture.TIERS).summary(CancelSignal.NONE);
        RevenueSummary.TierRevenue citizen = r.tiers().stream().filter(t -> t.tier().equals("citizen")).findFirst().orElseThrow();
        String summary = Fx.read(() -> texts(find("summaryPane")));
        assertThat(summary).contains("citizen · EUR", Money.format(citizen.mrr(), "EUR", Locale.getDefault()), "All tiers · USD", "All tiers · JPY")
                .contains("legacy_gold: ").contains("tier not configured — not counted in MRR");
        CheckComboBox<String> tiers = Fx.read(() -> find("tierFilter"));
        assertThat(Fx.read(() -> List.copyOf(tiers.getItems()))).as("the tier filter offers the unconfigured tier too")
                .contains("citizen", "gondolier", "legacy_gold", SubscriptionQuery.NONE);
        snapshot(Path.of(System.getProperty("java.io.tmpdir"), "subscriptions-view.png"));
    }

    @Test
    void changingAFilterReloadsTheRowsAndTheCount() throws Exception {
        awaitSettled();
        CheckComboBox<String> statuses = Fx.read(() -> find("statusFilter"));
        Fx.run(() -> statuses.getCheckModel().check("paused"));
        List<Integer> paused = fixture.ids(s -> "paused".equals(s.status()), SubscriptionSort.ID, true);
        assertThat(paused.size()).as("more than a page: the count is not just the rows held").isGreaterThan(200);
        Fx.until(BOUND, "the first page of paused subscriptions", () -> shownIdsOnFx().equals(paused.subList(0, 200)));
        Fx.until(BOUND, "their count", () -> text("subscription-count").equals(String.format("%,d subscriptions", paused.size())));
        Fx.until(BOUND, "the index that would help", () -> find("adviceBar").isVisible()
                && ((javafx.scene.control.TextInputControl) find("adviceText")).getText().contains("ON subscriptions (status)"));
        snapshot(Path.of(System.getProperty("java.io.tmpdir"), "subscriptions-view-filtered.png"));

        ComboBox<SubscriptionsView.PeriodWindow> within = Fx.read(() -> find("endingWithin"));
        Fx.run(() -> within.getSelectionModel().select(new SubscriptionsView.PeriodWindow(30)));
        List<Integer> pausedEnding = fixture.ids(s -> "paused".equals(s.status()) && fixture.endsWithin(s, 30), SubscriptionSort.ID, true);
        Fx.until(BOUND, "paused and ending within 30 days", () -> shownIdsOnFx().equals(pausedEnding));

        SubscriptionFixture.Sub one = fixture.subs.stream().filter(s -> s.subscriptionId() != null).skip(10).findFirst().orElseThrow();
        Fx.run(() -> {
            statuses.getCheckModel().clearChecks();
            within.getSelectionModel().selectFirst();
            ((TextField) find("searchField")).setText(one.subscriptionId());
        });
        Fx.until(BOUND, "the one subscription typed", () -> shownIdsOnFx().equals(List.of(one.id())));
        Fx.until(BOUND, "no advice for a unique id", () -> !find("adviceBar").isVisible());
    }

    @Test
    void aColumnHeaderSortsOnTheServer() {
        awaitSettled();
        Fx.run(() -> {
            TableColumn<SubscriptionRow, ?> amount = view.table().getColumns().stream().filter(c -> c.getText().equals("Amount")).findFirst().orElseThrow();
            amount.setSortType(TableColumn.SortType.DESCENDING);
            view.table().getSortOrder().setAll(List.of(amount));
        });
        List<Integer> byAmount = fixture.ids(s -> true, SubscriptionSort.AMOUNT, false).subList(0, 200);
        Fx.until(BOUND, "the 200 largest amounts first", () -> shownIdsOnFx().equals(byAmount));
    }

    @Test
    void scrollingNearTheEndOfTheRowsFetchesTheNextPage() {
        awaitSettled();
        Fx.run(() -> view.table().scrollTo(190));
        Fx.until(BOUND, "the second page appended", () -> view.rows().rows().size() == 400);
        assertThat(shownIds()).isEqualTo(fixture.ids(s -> true, SubscriptionSort.ID, true).subList(0, 400));
    }

    @Test
    void exportWritesTheCurrentResult(@TempDir Path dir) throws Exception {
        awaitSettled();
        CheckComboBox<String> tiers = Fx.read(() -> find("tierFilter"));
        Fx.run(() -> tiers.getCheckModel().check("legacy_gold"));
        long legacy = fixture.subs.stream().filter(s -> "legacy_gold".equals(s.tier())).count();
        Fx.until(BOUND, "legacy subscriptions counted", () -> text("subscription-count").equals(String.format("%,d subscriptions", legacy)));
        Path target = dir.resolve("legacy.csv");
        Fx.run(() -> view.exportTo(target));
        Fx.until(BOUND, "the export's outcome", () -> text("export-status").startsWith("Exported"));
        assertThat(Fx.read(() -> text("export-status"))).isEqualTo(String.format("Exported %,d rows to %s", legacy, target));
        assertThat(Files.readAllLines(target)).hasSize((int) legacy + 1);
    }

    @Test
    void aFailedFetchSaysWhyAndRetryLoadsAgain() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        Connections flaky = new Connections() {
            @Override public Database database() {
                if (down.get()) throw new ai.cascade.ops.backend.BackendException(ai.cascade.ops.backend.Backend.POSTGRES,
                        "Postgres at db-1:5432 refused the connection. Is the server running, and is the port right?");
                return db;
            }
            @Override public ai.cascade.ops.cache.RedisConnection redis() { throw new UnsupportedOperationException(); }
        };
        SubscriptionsView failing = Fx.read(() -> {
            SubscriptionsView v = new SubscriptionsView(new SubscriptionDirectory(flaky, SubscriptionFixture.TIERS),
                    new RevenueSummary(flaky, SubscriptionFixture.TIERS), SubscriptionFixture.TIERS, work, new TimeDisplay(ZoneOffset.UTC));
            stage.getScene().setRoot(v.root());
            v.refresh();
            return v;
        });
        Fx.until(BOUND, "the reason shown with Retry", () -> failing.root().lookup("#retryButton").isVisible()
                && ((Labeled) failing.root().lookup("#problemLabel")).getText().contains("refused the connection"));
        Fx.until(BOUND, "the summary's own error", () -> ((LoadPane) failing.root().lookup("#summaryPane")).problemProperty().get() != null);
        down.set(false);
        Fx.run(() -> ((javafx.scene.control.Button) failing.root().lookup("#retryButton")).fire());
        Fx.until(BOUND, "rows after Retry", () -> failing.rows().rows().size() == 200 && !failing.root().lookup("#retryButton").isVisible());
    }

    private List<Integer> shownIdsOnFx() {
        return view.rows().rows().stream().map(SubscriptionRow::id).toList();
    }

    private void snapshot(Path file) throws Exception {
        Fx.until(BOUND, "every control skinned", () -> view.table().getSkin() != null);
        var image = Fx.read(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            return stage.getScene().snapshot(null);
        });
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
    }

    static String texts(Node n) {
        StringBuilder b = new StringBuilder();
        collect(n, b);
        return b.toString();
    }

    private static void collect(Node n, StringBuilder b) {
        if (!n.isVisible()) return;
        if (n instanceof Labeled l && l.getText() != null) b.append(l.getText()).append('\n');
        if (n instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) collect(c, b);
    }
}
