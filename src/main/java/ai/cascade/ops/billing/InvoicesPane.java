package ai.cascade.ops.billing;

import ai.cascade.ops.billing.SubscriptionEditModel.Editing;
import ai.cascade.ops.billing.SubscriptionEditModel.Result;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.ReasonPrompt;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Locale;

/**
 * A customer's recent invoices as Stripe has them, with "Retry payment…" on an open one and "Refund…" on a paid
 * one (full or partial). Each asks a reason (and the production name), runs through the editor's journal, and
 * says how it ended.
 */
public final class InvoicesPane extends VBox {
    private final Editing editing;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final Locale locale = Locale.getDefault();
    private final LoadPane loadPane = new LoadPane();
    private final VBox list = new VBox(8);
    /** Whether this login may change billing, asked of the database; the per-invoice buttons bind to it. */
    private final BooleanProperty mayEdit = new SimpleBooleanProperty();
    private final Label result = new Label();
    private String customerId;

    public InvoicesPane(Editing editing, BackgroundWork work, TimeDisplay time) {
        this.editing = editing;
        this.work = work;
        this.time = time;
        setSpacing(8);
        setId("invoices-pane");
        getStyleClass().add("invoices-pane");
        getStylesheets().add(InvoicesPane.class.getResource("SubscriptionEditDialog.css").toExternalForm());
        Label heading = new Label("Invoices");
        heading.getStyleClass().add("card-title");
        list.setId("invoice-list");
        loadPane.setContent(list);
        loadPane.setMinHeight(60);
        result.setId("invoice-result");
        result.setWrapText(true);
        result.managedProperty().bind(result.visibleProperty());
        result.setVisible(false);
        getChildren().addAll(heading, loadPane, result);
    }

    /** Loads the customer's invoices; the actions appear when this login may edit. */
    public void show(String customerId) {
        this.customerId = customerId;
        result.setVisible(false);
        loadPane.load(work, "Reading the invoices of " + customerId, c -> editing.invoices().recent(customerId), this::list);
        editing.whenAllowed(work, mayEdit::set);
    }

    public LoadPane loadPane() { return loadPane; }

    /** One entry per invoice (a table would not fit beside the users table): what it is, its figures, and its actions. */
    private void list(List<InvoiceSummary> invoices) {
        list.getChildren().clear();
        if (invoices.isEmpty()) list.getChildren().add(muted("No invoices."));
        for (InvoiceSummary i : invoices) {
            Label first = new Label(String.join(" · ", i.status(), money(i.amountDue(), i), i.number() != null ? i.number() : i.id()));
            first.getStyleClass().add("fact-value");
            Label figures = muted("paid " + money(i.amountPaid(), i) + " · remaining " + money(i.amountRemaining(), i)
                    + " · due " + time.formatUtc(i.dueDate() != null ? i.dueDate() : i.created())
                    + " · " + i.attempts() + (i.attempts() == 1 ? " attempt" : " attempts"));
            VBox text = new VBox(2, first, figures);
            if (i.lastFailure() != null) {
                Label failure = new Label("Last attempt failed: " + i.lastFailure());
                failure.setWrapText(true);
                failure.getStyleClass().add("invoice-failure");   // a fact about the invoice, not a failure of this page
                text.getChildren().add(failure);
            }
            HBox.setHgrow(text, Priority.ALWAYS);
            HBox row = new HBox(8, text);
            row.setId("invoice-" + i.id());
            row.setAlignment(Pos.CENTER_LEFT);
            if ("open".equals(i.status())) row.getChildren().add(action("Retry payment…", "invoice-retry-" + i.id(), () -> retryPayment(i)));
            if (i.paymentIntentId() != null && i.amountPaid() > 0)
                row.getChildren().add(action("Refund…", "invoice-refund-" + i.id(), () -> refund(i)));
            list.getChildren().add(row);
        }
    }

    /**
     * {@code entry} (a Stripe subscription in the user's detail) with an "Edit…" button beside it that opens the edit
     * dialog; shown when this login may edit. {@code afterChange} runs after an edit was done.
     */
    public HBox withEditButton(javafx.scene.Node entry, String subscriptionId, Runnable afterChange) {
        Button edit = action("Edit…", "stripe-edit-" + subscriptionId, () -> { });
        edit.setOnAction(e -> SubscriptionEditDialog.show(getScene() == null ? null : getScene().getWindow(), editing, work, time,
                subscriptionId, afterChange));
        HBox.setHgrow(entry, Priority.ALWAYS);
        HBox row = new HBox(8, entry, edit);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Button action(String text, String id, Runnable run) {
        Button b = new Button(text);
        b.setId(id);
        b.getStyleClass().add("small");
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.visibleProperty().bind(mayEdit);
        b.managedProperty().bind(mayEdit);
        b.setOnAction(e -> run.run());
        return b;
    }

    private String money(long minor, InvoiceSummary i) {
        return Money.format(minor, i.currency(), locale);
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add("text-muted");
        return l;
    }

    private void retryPayment(InvoiceSummary inv) {
        ReasonPrompt.ask(getScene().getWindow(), editing.profile(), "Retry payment", "Charge the customer's default payment method for "
                + name(inv) + " (" + Money.format(inv.amountRemaining(), inv.currency(), locale) + " remaining)?").ifPresent(reason ->
                send("Retrying the payment of " + name(inv), () -> editing.editor().retryPayment(inv, reason)));
    }

    /** Reads what was already refunded first, so the agent sees what is left before typing an amount. */
    private void refund(InvoiceSummary inv) {
        showResult(null);
        work.run("Reading the refunds of " + name(inv), c -> editing.invoices().withRefunds(inv), this::askRefund,
                e -> showResult(SubscriptionEditModel.resultOf(e)));
    }

    private void askRefund(InvoiceSummary inv) {
        RefundForm form = new RefundForm(inv);
        ReasonPrompt.ask(getScene().getWindow(), editing.profile(), "Refund", "Refund the payment of " + name(inv) + "?",
                form.box, form.valid).ifPresent(reason -> {
            Long amount = form.amount();
            send("Refunding " + name(inv), () -> editing.editor().refund(inv, amount, form.reason.getValue(), reason));
        });
    }

    private void send(String title, java.util.function.Supplier<EditOutcome> call) {
        showResult(new Result(SubscriptionEditModel.Ending.IN_FLIGHT, title + "…", ""));
        work.run(title, c -> call.get(), o -> {
            if (customerId != null) show(customerId);   // the invoice's new status and amounts
            showResult(SubscriptionEditModel.resultOf(o));
        }, e -> showResult(SubscriptionEditModel.resultOf(e)));
    }

    private void showResult(Result r) {
        result.setVisible(r != null);
        result.getStyleClass().removeIf(c -> c.startsWith("result-") || c.equals("edit-result"));
        if (r == null) return;
        result.getStyleClass().addAll("edit-result", "result-" + r.ending().name().toLowerCase(Locale.ROOT));
        result.setText(r.title() + (r.message().isEmpty() ? "" : "\n" + r.message()));
    }

    private static String name(InvoiceSummary inv) {
        return "invoice " + (inv.number() != null ? inv.number() : inv.id());
    }

    /** Minor units of {@code text} typed in {@code currency}'s major units: {@link RefundAmount#parse}. */
    static long parseAmount(String text, String currency) {
        return RefundAmount.parse(text, currency);
    }

    /** The refund's own fields: full or partial amount, and Stripe's reason. */
    private final class RefundForm {
        final VBox box = new VBox(8);
        final ToggleGroup kind = new ToggleGroup();
        final RadioButton full = new RadioButton();
        final RadioButton partial = new RadioButton("Partial amount");
        final TextField amountField = new TextField();
        final Label problem = new Label();
        final ComboBox<String> reason = new ComboBox<>();
        final BooleanBinding valid;
        private final InvoiceSummary inv;

        RefundForm(InvoiceSummary inv) {
            this.inv = inv;
            long left = inv.refundable();
            String cur = inv.currency();
            Label facts = new Label("Paid " + Money.format(inv.amountPaid(), cur, locale) + "; already refunded "
                    + Money.format(inv.refunded() == null ? 0 : inv.refunded(), cur, locale) + "; refundable "
                    + Money.format(left, cur, locale) + ".");
            facts.setId("refund-facts");
            full.setText("All that remains (" + Money.format(left, cur, locale) + ")");
            full.setId("refund-full");
            partial.setId("refund-partial");
            full.setToggleGroup(kind);
            partial.setToggleGroup(kind);
            full.setSelected(true);
            amountField.setId("refund-amount");
            amountField.setPromptText("e.g. 4.50 (" + (cur == null ? "" : cur.toUpperCase(Locale.ROOT)) + ")");
            amountField.disableProperty().bind(partial.selectedProperty().not());
            problem.setId("refund-amount-problem");
            problem.getStyleClass().add("problems");
            problem.setWrapText(true);
            problem.textProperty().bind(Bindings.createStringBinding(this::amountProblem, amountField.textProperty(), partial.selectedProperty()));
            reason.setId("refund-reason");
            reason.getItems().setAll(InvoiceSummary.REFUND_REASONS);
            reason.setValue(InvoiceSummary.REFUND_REASONS.get(0));
            valid = Bindings.createBooleanBinding(() -> left > 0 && amountProblem() == null && reason.getValue() != null,
                    amountField.textProperty(), partial.selectedProperty(), reason.valueProperty());
            box.getChildren().addAll(facts, full, new HBox(8, partial, amountField), problem, new Label("Stripe's refund reason:"), reason);
        }

        /** Null for a full refund (all that remains). */
        Long amount() {
            return partial.isSelected() ? RefundAmount.parse(amountField.getText(), inv.currency()) : null;
        }

        /** Why the typed amount cannot be refunded, or null. */
        String amountProblem() {
            if (!partial.isSelected() && inv.refundable() > 0) return null;   // all that remains: nothing typed to check
            return RefundAmount.problem(amountField.getText(), inv.refundable(), inv.currency(), locale);
        }
    }

}
