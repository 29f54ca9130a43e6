package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.DriftCheckTest.FakeStripe;
import ai.cascade.ops.billing.DriftCheckTest.World;
import ai.cascade.ops.billing.DriftReport.Kind;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The drift page, headless, on a real Postgres and a local Stripe: it checks, lists, explains and adopts. */
@ExtendWith(ApplicationExtension.class)
class DriftViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final ConnectionProfile PROFILE = new ConnectionProfile("test-profile", false, false, "", "", "", "sk_test_x");

    private MockWebServer server;
    private FakeStripe stripe;
    private String url;
    private Database db;
    private BackgroundWork work;
    private DriftView view;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new Scene(new StackPane(), 1400, 900));
        stage.show();
    }

    @BeforeEach
    void servers() throws IOException, SQLException {
        stripe = new FakeStripe();
        server = new MockWebServer();
        server.setDispatcher(stripe);
        server.start();
        url = TestServers.freshDatabaseUrl("drift_view");
        db = TestServers.open(url);
        World.write(stripe, TestServers.admin(url), 20);
        stripe.change(World.id(5), s -> s.withStatus("canceled"));
        stripe.subs.remove(World.id(7));
    }

    @AfterEach
    void stop() {
        if (work != null) work.close();
        server.close();
        db.close();
    }

    private void open(ConnectionProfile profile, boolean withStripe) {
        String base = server.url("/").toString();
        StripeAccess access = withStripe ? new StripeAccess(DriftCheckTest.KEY, base.substring(0, base.length() - 1)) : null;
        Connections connections = DriftCheckTest.connections(db, access);
        Fx.run(() -> {
            work = new BackgroundWork(3);
            view = new DriftView(new DriftCheck(connections, DriftCheckTest.TIERS),
                    new SubscriptionEditor(connections, DriftCheckTest.TIERS, profile.name()), work, new TimeDisplay(ZoneOffset.UTC), profile);
            stage.getScene().setRoot(new StackPane(view.root()));
            view.refresh();
        });
    }

    private <T extends Node> T find(String id) {
        @SuppressWarnings("unchecked") T node = (T) view.root().lookup("#" + id);
        return Objects.requireNonNull(node, id);
    }

    private String text(String id) {
        return Fx.read(() -> ((Label) find(id)).getText());
    }

    private void checkAndSelect(FxRobot robot, String subscriptionId) {
        robot.clickOn("#checkButton");
        Fx.until(BOUND, "two drifts listed", () -> view.rows().size() == 2);
        Fx.run(() -> view.table().getSelectionModel().select(view.rows().stream()
                .filter(r -> subscriptionId.equals(r.drift().stripeSubscriptionId())).findFirst().orElseThrow()));
    }

    @Test
    void runningTheCheckListsEachDifferenceAndAdoptingOneWritesStripesStateAndMarksItResolved(FxRobot robot) throws SQLException {
        open(PROFILE, true);
        try (FxWatchdog watchdog = FxWatchdog.start()) {
            checkAndSelect(robot, World.id(5));
            assertThat(watchdog.worstDelayMs()).as("the FX thread never waits on Stripe or Postgres").isLessThan(2_000);
        }
        assertThat(text("summaryLabel")).startsWith("Compared 19 Stripe and 20 Postgres subscriptions at ")
                .endsWith(": 2 differences (1 different, 1 missing in Stripe).");
        assertThat(Fx.read(() -> view.rows().stream().map(r -> r.drift().kind().name() + " " + r.drift().describe()).toList()))
                .containsExactly("DIFFERENT status: active → canceled", "MISSING_IN_STRIPE only in Postgres (citizen, trialing)");

        robot.clickOn("#adoptButton");
        robot.clickOn("#reason-field").write("drift check");
        robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                .filter(b -> "Adopt Stripe's state".equals(b.getText())).findFirst().orElseThrow());

        Fx.until(BOUND, "the drift marked adopted", () -> view.rows().get(0).resolved());
        assertThat(text("resultLabel")).startsWith("DONE: ");
        assertThat(Fx.read(() -> view.rows().get(0).resolution())).isEqualTo("Adopted");
        assertThat(Fx.read(() -> find("adoptButton").isDisabled())).isTrue();
        DataSource admin = TestServers.admin(url);
        assertThat(DriftCheckTest.count(admin, "SELECT count(*) FROM subscriptions WHERE status = 'canceled' AND stripe_subscription_id = '"
                + World.id(5) + "'")).isEqualTo(1);
        assertThat(DriftCheckTest.count(admin, "SELECT count(*) FROM ops.audit_log WHERE action = 'subscription.adopt_stripe' "
                + "AND reason = 'drift check'")).isEqualTo(1);
    }

    @Test
    void whileTheCheckRunsItShowsProgressWithCancelAndCancellingSaysNothingWasCompared(FxRobot robot) throws InterruptedException {
        CountDownLatch stripeAnswers = new CountDownLatch(1);
        stripe.onPage = () -> {   // Stripe takes its time over the first page
            try {
                stripeAnswers.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        open(PROFILE, true);
        try {
            robot.clickOn("#checkButton");
            Fx.until(BOUND, "progress with Cancel shown", () -> find("progressBox").isVisible() && find("checkButton").isDisabled());

            robot.clickOn("#cancelButton");

            Fx.until(BOUND, "the check cancelled", () -> !find("progressBox").isVisible());
            assertThat(text("summaryLabel")).startsWith("Cancelled: nothing was compared.");
            assertThat(Fx.read(() -> find("checkButton").isDisabled())).isFalse();
            assertThat(Fx.read(() -> view.rows().isEmpty())).isTrue();
        } finally {
            stripeAnswers.countDown();
        }
    }

    @Test
    void aSubscriptionStripeDoesNotHaveCannotBeAdoptedAndThePageSaysWhy(FxRobot robot) {
        open(PROFILE, true);

        checkAndSelect(robot, World.id(7));

        assertThat(Fx.read(() -> view.table().getSelectionModel().getSelectedItem().drift().kind())).isEqualTo(Kind.MISSING_IN_STRIPE);
        assertThat(Fx.read(() -> find("adoptButton").isDisabled())).isTrue();
        assertThat(text("adoptNote")).contains("no state to adopt").contains("Ops never deletes the backend's rows");
    }

    @Test
    void aReadOnlyProfileRefusesToAdoptWithoutAskingAndChangesNothing(FxRobot robot) throws SQLException {
        open(PROFILE.withReadOnly(true), true);
        checkAndSelect(robot, World.id(5));

        robot.clickOn("#adoptButton");

        assertThat(text("resultLabel")).contains("read-only");
        assertThat(robot.lookup(".dialog-pane").tryQuery()).isEmpty();
        assertThat(DriftCheckTest.count(TestServers.admin(url), "SELECT count(*) FROM ops.subscription_edit")).isZero();
    }

    @Test
    void aProfileWithoutStripeSaysSoPlainlyAndOffersNoCheck() {
        open(PROFILE, false);

        assertThat(Fx.read(() -> find("noStripeLabel").isVisible())).isTrue();
        assertThat(text("noStripeLabel")).startsWith("Stripe is not configured in the profile \"test-profile\"");
        assertThat(Fx.read(() -> find("checkButton").isDisabled())).isTrue();
    }
}
