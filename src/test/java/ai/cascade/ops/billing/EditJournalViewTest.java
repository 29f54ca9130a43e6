package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.SubscriptionEditModel.Editing;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static ai.cascade.ops.billing.SubscriptionEditDialogTest.PROFILE;
import static ai.cascade.ops.billing.SubscriptionEditDialogTest.TIERS;
import static ai.cascade.ops.billing.SubscriptionEditDialogTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Edits in flight, headless, on a real Postgres and the demo Stripe: an edit whose console "crashed" before Stripe
 * was called is listed; Retry finishes it; Abandon asks a reason and records it in the journal and the audit log.
 */
@ExtendWith(ApplicationExtension.class)
class EditJournalViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final List<String> SUBSCRIPTIONS = List.of("sub_JRetry1", "sub_JAbandon1");

    static String url;
    static Database db;
    static DemoStripe stripe;
    static Connections connections;
    /** While set, the editor "crashes" before calling Stripe, leaving its journal row pending. */
    static final AtomicBoolean crash = new AtomicBoolean();
    static SubscriptionEditor editor;

    Stage stage;
    BackgroundWork work;
    EditJournalView view;

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("edit_journal_view");
        db = TestServers.open(url);
        SubscriptionEditDialogTest.insertSubscriptions(url, SUBSCRIPTIONS);
        stripe = DemoStripe.start(TestServers.admin(url), TIERS);
        connections = SubscriptionEditDialogTest.connections(db, new StripeAccess(DemoStripe.KEY, stripe.url()));
        editor = new SubscriptionEditor(connections, TIERS, PROFILE.name(), Clock.systemUTC(), point -> {
            if (point == SubscriptionEditor.SagaPoint.BEFORE_STRIPE && crash.get()) throw new IllegalStateException("the console died here");
        });
        crash.set(true);
        for (String id : SUBSCRIPTIONS) {
            SubscriptionSnapshot s = editor.open(id, ai.cascade.ops.backend.CancelSignal.NONE);
            assertThatThrownBy(() -> editor.apply(s, new SubscriptionEdit.CancelAtPeriodEnd(), "customer leaves at renewal"))
                    .hasMessageContaining("died");
        }
        crash.set(false);
    }

    @AfterAll
    static void tearDown() {
        stripe.close();
        db.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Fx.showEmpty(stage, 1100, 800);
    }

    @AfterEach
    void stop() {
        if (work != null) work.close();
    }

    private void open() {
        Fx.run(() -> {
            work = new BackgroundWork(3);
            view = new EditJournalView(Editing.of(connections, editor, new CustomerInvoices(connections), PROFILE), work,
                    new TimeDisplay(ZoneOffset.UTC));
            stage.getScene().setRoot(view);
            view.refresh();
        });
        Fx.until(BOUND, "the journal read and the actions offered", () -> !view.loadPane().isBusy()
                && view.lookup("#journal-retry").isVisible());
    }

    private long pendingId(String subscriptionId) {
        return Long.parseLong(query(url, "SELECT id FROM ops.subscription_edit WHERE state = 'pending' AND stripe_subscription_id = '"
                + subscriptionId + "'"));
    }

    private void select(long journalId) {
        Fx.run(() -> view.pendingTable().getItems().stream().filter(e -> e.id() == journalId).findFirst()
                .ifPresent(e -> view.pendingTable().getSelectionModel().select(e)));
    }

    private String result() {
        return Fx.read(() -> ((Label) view.lookup("#journal-result")).getText());
    }

    @Test
    void aPendingEditIsListedAndRetryFinishesItWithTheSameRequest() {
        long id = pendingId("sub_JRetry1");
        open();
        assertThat(Fx.read(() -> view.pendingTable().getItems().stream().map(JournalEntry::id).toList())).contains(id);
        JournalEntry shown = Fx.read(() -> view.pendingTable().getItems().stream().filter(e -> e.id() == id).findFirst().orElseThrow());
        assertThat(shown.kind()).isEqualTo("cancel_at_period_end");
        assertThat(shown.target()).isEqualTo("sub_JRetry1");

        select(id);
        Fx.run(() -> ((Button) view.lookup("#journal-retry")).fire());

        Fx.until(BOUND, "the retry's outcome", () -> result().startsWith("Done: journal #" + id));
        Fx.until(BOUND, "the row gone from the pending list", () -> !view.loadPane().isBusy()
                && view.pendingTable().getItems().stream().noneMatch(e -> e.id() == id)
                && view.finishedTable().getItems().stream().anyMatch(e -> e.id() == id && e.state().equals("done")));
        assertThat(query(url, "SELECT state FROM ops.subscription_edit WHERE id = " + id)).isEqualTo("done");
        assertThat(editor.open("sub_JRetry1", ai.cascade.ops.backend.CancelSignal.NONE).stripe().cancelAtPeriodEnd())
                .as("Stripe applied it").isTrue();
    }

    @Test
    void abandonAsksAReasonAndRecordsItInTheJournalAndTheAuditLog(FxRobot robot) {
        long id = pendingId("sub_JAbandon1");
        open();
        select(id);

        robot.clickOn("#journal-abandon");
        robot.clickOn("#reason-field").write("customer changed their mind by phone");
        robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                .filter(b -> "Abandon".equals(b.getText())).findFirst().orElseThrow());

        Fx.until(BOUND, "the abandon's outcome", () -> result().startsWith("Abandoned edit #" + id));
        assertThat(query(url, "SELECT state || ': ' || outcome FROM ops.subscription_edit WHERE id = " + id))
                .isEqualTo("abandoned: Abandoned: customer changed their mind by phone");
        assertThat(query(url, "SELECT count(*) FROM ops.audit_log WHERE action = 'journal.abandon' AND target = 'sub_JAbandon1' "
                + "AND reason = 'customer changed their mind by phone'")).isEqualTo("1");
        Fx.until(BOUND, "the row gone from the pending list", () -> !view.loadPane().isBusy()
                && view.pendingTable().getItems().stream().noneMatch(e -> e.id() == id));
    }
}
