package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.SubscriptionEditModel.Editing;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.FxWatchdog;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.FactList;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The support agent's edit dialog, headless, on a real Postgres and the demo's stateful Stripe: preview → confirm →
 * result for a tier change, a conflict when the backend's webhook wrote the row meanwhile, the reason required,
 * and no edit button for a monitoring login.
 */
@ExtendWith(ApplicationExtension.class)
class SubscriptionEditDialogTest {
    static final Duration BOUND = Duration.ofSeconds(30);
    /** Yearly tiers only: the demo Stripe's deliberate drift picks monthly ones, so these subscriptions start in step. */
    static final List<Tier> TIERS = List.of(new Tier("observer", "", "month", "eur", 0),
            new Tier("patrician", "price_patrician_yearly", "year", "eur", 29900),
            new Tier("doge", "price_doge_yearly", "year", "eur", 99900));
    static final ConnectionProfile PROFILE = new ConnectionProfile("test-profile", false, false, "", "", "", "");
    static final List<String> SUBSCRIPTIONS = List.of("sub_TTier1", "sub_TConflict1", "sub_TReason1", "sub_TRefund1");

    static String url;
    static Database db;
    static DemoStripe stripe;
    static Connections connections;

    Stage stage;
    BackgroundWork work;
    SubscriptionEditDialog dialog;

    @BeforeAll
    static void setUp() throws SQLException {
        url = TestServers.freshDatabaseUrl("subscription_edit_dialog");
        db = TestServers.open(url);
        insertSubscriptions(url, SUBSCRIPTIONS);
        stripe = DemoStripe.start(TestServers.admin(url), TIERS);
        connections = connections(db, new StripeAccess(DemoStripe.KEY, stripe.url()));
    }

    @AfterAll
    static void tearDown() {
        stripe.close();
        db.close();
    }

    /** One user and one active yearly patrician subscription per id, mid-period. */
    static void insertSubscriptions(String url, List<String> ids) throws SQLException {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            for (String id : ids) {
                String customer = "cus_" + id.substring(4);
                st.execute("INSERT INTO cascade_users(venice_username, email, stripe_customer_id, subscription_tier, subscription_status) "
                        + "VALUES ('" + id.substring(4) + "_Citizen', '" + id.substring(4).toLowerCase(Locale.ROOT) + "@example.org', '"
                        + customer + "', 'patrician', 'active')");
                st.execute("INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, "
                        + "current_period_end) SELECT id, '" + id + "', 'patrician', 29900, 'active', "
                        + "date_trunc('second', now() AT TIME ZONE 'UTC') - interval '30 days', "
                        + "date_trunc('second', now() AT TIME ZONE 'UTC') - interval '30 days' + interval '1 year' "
                        + "FROM cascade_users WHERE stripe_customer_id = '" + customer + "'");
            }
        }
    }

    static Connections connections(Database database, StripeAccess stripe) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis here"); }
            @Override public Optional<StripeAccess> stripe() { return Optional.of(stripe); }
        };
    }

    static String query(String url, String sql) {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void exec(String url, String sql) {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Fx.showEmpty(stage, 960, 1150);
    }

    @AfterEach
    void stop() {
        if (work != null) work.close();
    }

    private SubscriptionEditor editor() {
        return new SubscriptionEditor(connections, TIERS, PROFILE.name());
    }

    /** Opens the dialog for {@code stripeId} and waits until both sides are shown. */
    private void open(String stripeId) {
        Fx.run(() -> {
            work = new BackgroundWork(3);
            dialog = new SubscriptionEditDialog(new SubscriptionEditModel(editor(), PROFILE, work, stripeId), work,
                    new TimeDisplay(ZoneOffset.UTC), () -> { });
            stage.getScene().setRoot(dialog.root());
            dialog.load();
        });
        Fx.until(BOUND, "the subscription loaded", () -> dialog.model().snapshotProperty().get() != null);
    }

    private <T extends Node> T find(String id) {
        // parts inside a ScrollPane join the scene graph only once its skin exists: apply CSS rather than wait for a
        // pulse, which Monocle may not send while nothing else changes
        Fx.until(BOUND, id + " in the dialog", () -> {
            dialog.root().applyCss();
            return dialog.root().lookup("#" + id) != null;
        });
        @SuppressWarnings("unchecked") T node = (T) Fx.read(() -> dialog.root().lookup("#" + id));
        return Objects.requireNonNull(node, id);
    }

    private String text(String id) {
        return Fx.read(() -> ((Labeled) find(id)).getText());
    }

    private boolean enabled(String id) {
        return Fx.read(() -> !find(id).isDisabled());
    }

    /** Presses a button or radio button as a click would, after checking it can be pressed. */
    private void press(String id) {
        assertThat(enabled(id)).as(id + " enabled").isTrue();
        Fx.run(() -> ((ButtonBase) find(id)).fire());
    }

    private void type(String id, String text) {
        Fx.run(() -> ((TextField) find(id)).setText(text));
    }

    private void awaitResult() {
        Fx.until(BOUND, "the result shown", () -> find("edit-result").isVisible() && !dialog.model().busyProperty().get());
    }

    @Test
    void aTierChangeIsPreviewedThenConfirmedAndPostgresMirrorsTheNewTier() {
        String id = "sub_TTier1";
        FxWatchdog watchdog = FxWatchdog.start();
        open(id);
        assertThat(Fx.read(() -> find("edit-demo-banner").isVisible())).as("Demo Stripe labelled").isTrue();
        assertThat(text("edit-stripe-tier")).isEqualTo("patrician");
        assertThat(enabled("edit-action-undo-cancel")).as("no pending cancel to undo").isFalse();
        assertThat(enabled("edit-action-resume-collection")).as("collection is not paused").isFalse();

        press("edit-action-change-tier");
        Fx.run(() -> ((ComboBox<String>) find("edit-tier")).setValue("doge"));
        type("edit-reason", "the customer asked to upgrade");
        assertThat(enabled("edit-apply")).as("no Apply before a preview").isFalse();

        press("edit-preview");
        Fx.until(BOUND, "the preview shown", () -> find("edit-preview-result").isVisible());
        ProrationPreview p = Fx.read(() -> dialog.model().previewProperty().get());
        assertThat(p.tier()).isEqualTo("doge");
        assertThat(p.prorationAmount()).as("ten months of the dearer tier still to pay").isPositive();
        FactList facts = find("edit-preview-result").lookup(".fact-list") instanceof FactList f ? f : null;
        assertThat(Fx.read(() -> facts.value("Proration"))).isEqualTo(Money.format(p.prorationAmount(), p.currency(), Locale.getDefault()));
        assertThat(Fx.read(() -> facts.value("Due now"))).isEqualTo(Money.format(p.amountDueNow(), p.currency(), Locale.getDefault()));
        assertThat(Fx.read(() -> facts.value("Next invoice"))).startsWith(Money.format(p.nextInvoiceTotal(), p.currency(), Locale.getDefault()));
        assertThat(text("edit-summary")).contains("Tier: patrician → doge", "Due now:");

        press("edit-apply");
        awaitResult();
        watchdog.close();
        assertThat(watchdog.worstDelayMs()).as("the FX thread never waited on Postgres or Stripe").isLessThan(1000);
        assertThat(text("edit-result-title")).startsWith("Done: journal #").contains("audit #");
        assertThat(query(url, "SELECT tier || ' ' || amount FROM subscriptions WHERE stripe_subscription_id = '" + id + "'")).isEqualTo("doge 99900");
        assertThat(query(url, "SELECT count(*) FROM ops.audit_log WHERE target = '" + id + "' AND reason = 'the customer asked to upgrade'"))
                .isEqualTo("1");
        Fx.until(BOUND, "the dialog shows the new state", () -> "doge".equals(((Labeled) find("edit-stripe-tier")).getText()));
        snapshot(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "subscription-edit-done.png"));
    }

    @Test
    void whenTheWebhookWroteTheRowAfterTheDialogOpenedApplyShowsTheConflictAndTheFreshStateAndSendsNothing() {
        String id = "sub_TConflict1";
        open(id);
        exec(url, "UPDATE subscriptions SET status = 'past_due' WHERE stripe_subscription_id = '" + id + "'");   // as the webhook would

        press("edit-action-cancel-at-period-end");
        type("edit-reason", "customer leaves at renewal");
        press("edit-apply");
        awaitResult();

        assertThat(text("edit-result-title")).isEqualTo("Conflict: nothing was sent");
        assertThat(text("edit-result-message")).contains("changed in Postgres", "status: active → past_due");
        assertThat(text("edit-postgres-status")).as("the fresh state shown").isEqualTo("past_due");
        assertThat(Fx.read(() -> find("edit-postgres-status").getStyleClass())).as("and its drift from Stripe highlighted").contains("drift");
        assertThat(enabled("edit-apply")).as("the agent decides again").isFalse();
        assertThat(query(url, "SELECT count(*) FROM ops.subscription_edit WHERE stripe_subscription_id = '" + id + "'")).isEqualTo("0");
        assertThat(editor().open(id, CancelSignal.NONE).stripe().cancelAtPeriodEnd()).as("nothing sent to Stripe").isFalse();
        snapshot(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "subscription-edit-conflict.png"));
    }

    /** A picture for people reviewing the dialog (not asserted). */
    private void snapshot(java.nio.file.Path file) {
        var image = Fx.read(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            return stage.getScene().snapshot(null);
        });
        try {
            javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void applyStaysDisabledWithoutAReason() {
        open("sub_TReason1");
        press("edit-action-cancel-at-period-end");
        assertThat(enabled("edit-apply")).isFalse();
        type("edit-reason", "   ");
        assertThat(enabled("edit-apply")).as("blank is no reason").isFalse();
        assertThat(text("edit-summary")).contains("Cancel at period end: no → yes");
        type("edit-reason", "x".repeat(2_001));
        assertThat(enabled("edit-apply")).as("longer than the audit log keeps").isFalse();
        assertThat(text("applyHint")).as("a disabled Apply says why").contains("2,001 characters").contains("shorten it");
        snapshot(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "subscription-edit-long-reason.png"));
        type("edit-reason", "customer leaves at renewal");
        assertThat(enabled("edit-apply")).isTrue();

        press("edit-action-cancel-now");
        assertThat(Fx.read(() -> find("edit-cancel-now-warning").isVisible())).as("the stronger warning").isTrue();
    }

    @Test
    void aMonitoringLoginSeesNoEditButtonWhereASupportLoginDoes() {
        exec(url, "CREATE ROLE edit_dialog_monitor LOGIN IN ROLE cascade_ops_monitoring");
        try (Database monitor = TestServers.open(url.replace("postgres@", "edit_dialog_monitor@"))) {
            SubscriptionsView asMonitor = subscriptionsView(monitor);
            Fx.until(BOUND, "rows listed and the permission asked", () -> !asMonitor.table().getItems().isEmpty() && work.running().isEmpty());
            assertThat(Fx.read(() -> asMonitor.root().lookup("#edit-subscription").isVisible())).isFalse();
            assertThat(Fx.read(() -> asMonitor.root().lookup("#edits-in-flight").isVisible())).as("the journal may be read").isTrue();
            work.close();
        }
        SubscriptionsView asSupport = subscriptionsView(db);
        Fx.until(BOUND, "the edit button for a support login", () -> asSupport.root().lookup("#edit-subscription").isVisible());
    }

    @Test
    void onlyTheActionsThatMakeSenseForStripesStateAreOffered() {
        java.util.function.Function<PlanState, List<SubscriptionEditModel.Action>> offered = p -> java.util.Arrays.stream(
                SubscriptionEditModel.Action.values()).filter(a -> SubscriptionEditModel.allowedFor(
                new SubscriptionSnapshot("sub_x", 1, 1, "u", "cus_x", "v", p, p, "si_x"), a, true)).toList();
        PlanState active = new PlanState("patrician", "price_patrician_yearly", 29900, "eur", "active", null, null, false, null);
        assertThat(offered.apply(active)).extracting(Enum::name)
                .containsExactly("CHANGE_TIER", "CANCEL_AT_PERIOD_END", "CANCEL_NOW", "PAUSE_COLLECTION");
        PlanState cancelling = new PlanState("patrician", "price_patrician_yearly", 29900, "eur", "active", null, null, true, null);
        assertThat(offered.apply(cancelling)).extracting(Enum::name).contains("UNDO_CANCEL").doesNotContain("CANCEL_AT_PERIOD_END");
        PlanState paused = new PlanState("patrician", "price_patrician_yearly", 29900, "eur", "active", null, null, false, "void");
        assertThat(offered.apply(paused)).extracting(Enum::name).contains("RESUME_COLLECTION").doesNotContain("PAUSE_COLLECTION");
        PlanState canceled = new PlanState("patrician", "price_patrician_yearly", 29900, "eur", "canceled", null, null, false, null);
        assertThat(offered.apply(canceled)).as("nothing but a message for a canceled one").isEmpty();
    }

    @Test
    void refundAmountsAreReadStrictlyInTheCurrencysOwnDecimals() {
        assertThat(InvoicesPane.parseAmount("4.50", "eur")).isEqualTo(450);
        assertThat(InvoicesPane.parseAmount(" 12 ", "usd")).isEqualTo(1200);
        assertThat(InvoicesPane.parseAmount("500", "jpy")).isEqualTo(500);
        for (String notAnAmount : List.of("4,50", "4.505", "-1", "€4", "4.", "", "1e3"))
            assertThatThrownBy(() -> InvoicesPane.parseAmount(notAnAmount, "eur")).as(notAnAmount)
                    .hasMessageContaining("is not an amount").hasMessageContaining("EUR");
        assertThatThrownBy(() -> InvoicesPane.parseAmount("5.5", "jpy")).hasMessageContaining("no decimals");
    }

    @Test
    void aPartialRefundShowsWhatWasPaidRefusesTextThatIsNoAmountAndIsRecorded(FxRobot robot) {
        Editing editing = Editing.of(connections, editor(), new CustomerInvoices(connections), PROFILE);
        InvoicesPane pane = Fx.read(() -> {
            work = new BackgroundWork(3);
            InvoicesPane p = new InvoicesPane(editing, work, new TimeDisplay(ZoneOffset.UTC));
            stage.getScene().setRoot(new StackPane(p));
            p.show("cus_TRefund1");
            return p;
        });
        Fx.until(BOUND, "the paid invoice listed with Refund…", () -> !pane.loadPane().isBusy()
                && withIdStarting(pane, "invoice-refund-") != null && withIdStarting(pane, "invoice-refund-").isVisible());
        assertThat(Fx.read(() -> withIdStarting(pane, "invoice-retry-"))).as("no retry for a paid invoice").isNull();

        robot.clickOn(Fx.read(() -> withIdStarting(pane, "invoice-refund-")));
        Fx.until(BOUND, "the refund dialog", () -> robot.lookup("#refund-facts").tryQuery().isPresent());
        assertThat(robot.lookup("#refund-facts").queryAs(Labeled.class).getText()).contains("Paid €299.00", "already refunded €0.00");
        robot.clickOn("#refund-partial");
        robot.clickOn("#refund-amount").write("4,50");
        robot.clickOn("#reason-field").write("charged twice for March");
        javafx.scene.control.Button go = robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> "Refund".equals(b.getText())).findFirst().orElseThrow();
        assertThat(robot.lookup("#refund-amount-problem").queryAs(Labeled.class).getText()).contains("\"4,50\" is not an amount");
        assertThat(go.isDisabled()).isTrue();
        Fx.run(() -> robot.lookup("#refund-amount").queryAs(TextField.class).setText("4.50"));
        assertThat(go.isDisabled()).isFalse();
        robot.clickOn(go);

        Fx.until(BOUND, "the refund's outcome", () -> ((Labeled) pane.lookup("#invoice-result")).getText().startsWith("Done: journal #"));
        assertThat(query(url, "SELECT count(*) FROM ops.audit_log WHERE reason = 'charged twice for March'")).isEqualTo("1");
        InvoiceSummary paid = editing.invoices().recent("cus_TRefund1").stream().filter(i -> "paid".equals(i.status())).findFirst().orElseThrow();
        assertThat(editing.invoices().withRefunds(paid).refunded()).isEqualTo(450);
    }

    /** The first node under {@code n} whose id starts with {@code prefix} (ids carry the Stripe id after it). */
    static Node withIdStarting(Node n, String prefix) {
        if (n.getId() != null && n.getId().startsWith(prefix)) return n;
        if (n instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) {
            Node found = withIdStarting(c, prefix);
            if (found != null) return found;
        }
        return null;
    }

    private SubscriptionsView subscriptionsView(Database login) {
        return Fx.read(() -> {
            work = new BackgroundWork(3);
            Connections c = connections(login, new StripeAccess(DemoStripe.KEY, stripe.url()));
            SubscriptionsView v = new SubscriptionsView(new SubscriptionDirectory(c, TIERS), new RevenueSummary(c, TIERS), TIERS, work,
                    new TimeDisplay(ZoneOffset.UTC), Editing.of(c, new SubscriptionEditor(c, TIERS, PROFILE.name()), new CustomerInvoices(c), PROFILE));
            Parent root = v.root();
            stage.getScene().setRoot(root);
            v.refresh();
            return v;
        });
    }
}
