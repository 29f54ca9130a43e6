package ai.cascade.ops.billing;

import ai.cascade.ops.billing.SubscriptionEditModel.Action;
import ai.cascade.ops.billing.SubscriptionEditModel.Result;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.FactList;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Edits one Stripe subscription: the state on both sides (drift highlighted), one action among those that make
 * sense, a cost preview for a tier change, a before → after summary, a reason, the production confirmation, and
 * how it ended. A conflict shows the fresh state, ready to decide again.
 */
public final class SubscriptionEditDialog extends FxmlView {
    @FXML private Label title;
    @FXML private HBox demoBanner;
    @FXML private LoadPane loadPane;
    @FXML private GridPane stateGrid;
    @FXML private Label driftNote;
    @FXML private Label nothingNote;
    @FXML private VBox actionList;
    @FXML private ScrollPane scroller;
    @FXML private VBox optionsCard;
    @FXML private VBox tierBox;
    @FXML private ComboBox<String> tierChoice;
    @FXML private ComboBox<ProrationBehavior> prorationChoice;
    @FXML private Button previewButton;
    @FXML private Label previewProblem;
    @FXML private VBox previewBox;
    @FXML private FactList previewFacts;
    @FXML private VBox previewLines;
    @FXML private HBox pauseBox;
    @FXML private ComboBox<String> pauseChoice;
    @FXML private HBox cancelNowWarning;
    @FXML private VBox confirmCard;
    @FXML private Label summary;
    @FXML private TextField reasonField;
    @FXML private VBox productionBox;
    @FXML private Label productionLabel;
    @FXML private TextField profileNameField;
    @FXML private Button applyButton;
    @FXML private Label applyHint;
    @FXML private VBox resultBox;
    @FXML private Label resultTitle;
    @FXML private Label resultMessage;
    @FXML private ProgressIndicator busyIndicator;
    @FXML private Label busyLabel;
    @FXML private Button cancelButton;
    @FXML private Button closeButton;

    private final SubscriptionEditModel model;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private final Runnable afterChange;
    private final Map<Action, RadioButton> actions = new EnumMap<>(Action.class);
    private final ToggleGroup group = new ToggleGroup();
    private final Locale locale = Locale.getDefault();

    /** {@code afterChange} runs (on the FX thread) after an edit was done, e.g. to reload the page behind. */
    public SubscriptionEditDialog(SubscriptionEditModel model, BackgroundWork work, TimeDisplay time, Runnable afterChange) {
        this.model = model;
        this.work = work;
        this.time = time;
        this.afterChange = afterChange;
    }

    /** Opens the dialog in its own window (not waiting for it) and starts loading. */
    public static SubscriptionEditDialog show(Window owner, SubscriptionEditModel.Editing editing, BackgroundWork work,
                                              TimeDisplay time, String stripeId, Runnable afterChange) {
        SubscriptionEditDialog d = new SubscriptionEditDialog(
                new SubscriptionEditModel(editing.editor(), editing.profile(), work, stripeId), work, time, afterChange);
        Stage stage = new Stage();
        if (owner != null) {
            stage.initOwner(owner);
            stage.initModality(Modality.WINDOW_MODAL);
        }
        stage.setTitle("Edit subscription " + stripeId);
        Scene scene = new Scene(d.root(), 900, 760);
        if (owner != null && owner.getScene() != null) scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        stage.setOnHidden(e -> { d.model.cancel(); d.loadPane.cancel(); });
        stage.show();
        d.load();
        return d;
    }

    public SubscriptionEditModel model() { return model; }

    /** Reads the subscription on both sides in the background (progress and Cancel in the pane). */
    public void load() {
        root();
        loadPane.load(work, "Reading subscription " + model.stripeId() + " from Postgres and Stripe", model.openWork(), model::opened);
    }

    /** For the screenshot tour: once loaded, chooses a tier change to the first other tier and previews it. */
    public void previewFirstTierChange() {
        root();
        Runnable go = () -> {
            if (!model.enabled(Action.CHANGE_TIER)) return;
            model.actionProperty().set(Action.CHANGE_TIER);
            model.preview();
        };
        if (model.snapshotProperty().get() != null) go.run();
        else model.snapshotProperty().addListener((o, was, now) -> { if (was == null && now != null) go.run(); });
    }

    @Override
    protected void didLoad() {
        title.setText("Edit subscription " + model.stripeId());
        for (Node n : List.of(demoBanner, optionsCard, tierBox, pauseBox, cancelNowWarning, previewBox, productionBox, resultBox, nothingNote))
            n.managedProperty().bind(n.visibleProperty());
        demoBanner.setVisible(model.demoStripe());
        bindActions();
        bindTierChange();
        bindConfirmation();
        bindBusy();
        model.snapshotProperty().addListener((o, was, s) -> showState(s));
        model.resultProperty().addListener((o, was, r) -> showResult(r));
        closeButton.setOnAction(e -> { if (root().getScene() != null && root().getScene().getWindow() != null) root().getScene().getWindow().hide(); });
    }

    private void bindActions() {
        for (Action a : Action.values()) {
            RadioButton b = new RadioButton(a.label());
            b.setId("edit-action-" + a.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            b.setToggleGroup(group);
            b.setUserData(a);
            b.setDisable(true);
            actions.put(a, b);
            actionList.getChildren().add(b);
        }
        group.selectedToggleProperty().addListener((o, was, t) -> model.actionProperty().set(t == null ? null : (Action) t.getUserData()));
        model.actionProperty().addListener((o, was, a) -> {
            if (a == null) group.selectToggle(null);
            else if (group.getSelectedToggle() != actions.get(a)) group.selectToggle(actions.get(a));
        });
        tierBox.visibleProperty().bind(model.actionProperty().isEqualTo(Action.CHANGE_TIER));
        pauseBox.visibleProperty().bind(model.actionProperty().isEqualTo(Action.PAUSE_COLLECTION));
        cancelNowWarning.visibleProperty().bind(model.actionProperty().isEqualTo(Action.CANCEL_NOW));
        optionsCard.visibleProperty().bind(tierBox.visibleProperty().or(pauseBox.visibleProperty()).or(cancelNowWarning.visibleProperty()));
        confirmCard.disableProperty().bind(model.actionProperty().isNull());
        pauseChoice.getItems().setAll(SubscriptionEdit.PAUSE_BEHAVIORS);
        pauseChoice.valueProperty().bindBidirectional(model.pauseBehaviorProperty());
    }

    private void bindTierChange() {
        tierChoice.setItems(model.tierChoices());
        tierChoice.valueProperty().bindBidirectional(model.tierProperty());
        prorationChoice.getItems().setAll(ProrationBehavior.values());
        prorationChoice.setConverter(converter(b -> b.stripe() + " — " + b.describe()));
        prorationChoice.valueProperty().bindBidirectional(model.prorationProperty());
        previewButton.disableProperty().bind(model.canPreviewProperty().not());
        previewButton.setOnAction(e -> model.preview());
        previewProblem.textProperty().bind(model.previewProblemProperty());
        model.previewProperty().addListener((o, was, p) -> showPreview(p));
    }

    private void bindConfirmation() {
        summary.textProperty().bind(model.summaryProperty());
        summary.visibleProperty().bind(summary.textProperty().isNotEmpty());
        summary.managedProperty().bind(summary.visibleProperty());
        reasonField.textProperty().bindBidirectional(model.reasonProperty());
        profileNameField.textProperty().bindBidirectional(model.typedProfileNameProperty());
        productionBox.setVisible(model.profile().production());
        productionLabel.setText("This is the PRODUCTION profile. Type its name, " + model.profile().name() + ", to confirm:");
        applyButton.disableProperty().bind(model.canApplyProperty().not());
        applyButton.setOnAction(e -> model.apply());
        applyHint.textProperty().bind(Bindings.createStringBinding(this::applyHint, model.canApplyProperty(),
                model.actionProperty(), model.previewProperty(), model.reasonProperty(), model.reasonProblemProperty(), model.busyProperty()));
    }

    /** Says what is missing before Apply, so a disabled button is never a riddle. */
    private String applyHint() {
        if (model.busyProperty().get() || model.canApplyProperty().get()) return "";
        Action a = model.actionProperty().get();
        if (a == null) return "Choose what to do first.";
        if (a == Action.CHANGE_TIER && model.previewProperty().get() == null) return "Preview the cost of this tier and proration first.";
        if (model.reasonProperty().get() == null || model.reasonProperty().get().isBlank()) return "Give a reason.";
        if (model.reasonProblemProperty().get() != null) return model.reasonProblemProperty().get();
        if (model.profile().readOnly()) return "The profile is read-only.";
        return model.profile().production() ? "Type the profile's name to confirm." : "";
    }

    private void bindBusy() {
        busyIndicator.visibleProperty().bind(model.busyProperty());
        cancelButton.visibleProperty().bind(model.busyProperty());
        busyLabel.textProperty().bind(Bindings.when(model.busyProperty()).then(model.busyMessageProperty()).otherwise(""));
        cancelButton.setOnAction(e -> model.cancel());
        actionList.disableProperty().bind(model.busyProperty());
    }

    private void showState(SubscriptionSnapshot s) {
        if (s == null) return;
        for (Action a : Action.values()) actions.get(a).setDisable(!model.enabled(a));
        String nothing = model.nothingToDo();
        nothingNote.setText(nothing == null ? "" : nothing);
        nothingNote.setVisible(nothing != null);
        StateTable.fill(stateGrid, s, time, locale);
        List<PlanState.Difference> drift = model.drift();
        driftNote.getStyleClass().removeAll("warning", "text-muted");
        driftNote.getStyleClass().add(drift.isEmpty() ? "text-muted" : "warning");
        driftNote.setText(!s.inPostgres() ? "Postgres has no row for this subscription: an edit changes Stripe, and the mirror writes the row it finds."
                : !s.inStripe() ? "Stripe has no such subscription."
                : drift.isEmpty() ? "Postgres mirrors Stripe." : "Postgres differs from Stripe in " + drift.size()
                + (drift.size() == 1 ? " field" : " fields") + " (highlighted): a webhook not yet arrived, or a drift. An edit mirrors Stripe's answer.");
    }

    private void showPreview(ProrationPreview p) {
        previewBox.setVisible(p != null);
        previewFacts.clear();
        previewLines.getChildren().clear();
        if (p == null) return;
        previewFacts.add("Proration", money(p.prorationAmount(), p.currency()), "Credit for the unused time on the old price plus the charge for the new one.")
                .add("Due now", money(p.amountDueNow(), p.currency()))
                .add("Next invoice", money(p.nextInvoiceTotal(), p.currency()) + " on " + time.formatUtc(p.nextInvoiceAt()));
        for (ProrationPreview.Line l : p.lines()) {
            Label line = new Label(money(l.amount(), p.currency()) + "  " + l.description());
            line.setWrapText(true);
            if (l.proration()) line.getStyleClass().add("proration-line");
            previewLines.getChildren().add(line);
        }
        javafx.application.Platform.runLater(() -> reveal(previewBox));
    }

    /** Scrolls so {@code n} is in view (the preview appears below the fold); before any layout, to the end. */
    private void reveal(Node n) {
        double content = scroller.getContent().getLayoutBounds().getHeight();
        double viewport = scroller.getViewportBounds().getHeight();
        if (content <= 0 || viewport <= 0) {
            scroller.setVvalue(scroller.getVmax());
            return;
        }
        if (content <= viewport) return;
        double bottom = scroller.getContent().sceneToLocal(n.localToScene(n.getLayoutBounds())).getMaxY();
        double top = Math.max(0, Math.min(bottom - viewport, content - viewport));
        scroller.setVvalue(Math.max(scroller.getVvalue(), top / (content - viewport) * scroller.getVmax()));
    }

    private void showResult(Result r) {
        resultBox.setVisible(r != null);
        resultBox.getStyleClass().removeIf(c -> c.startsWith("result-"));
        if (r == null) return;
        resultBox.getStyleClass().add("result-" + r.ending().name().toLowerCase(Locale.ROOT));
        resultTitle.setText(r.title());
        resultMessage.setText(r.message());
        if (r.ending() == SubscriptionEditModel.Ending.DONE) {
            afterChange.run();
            loadPane.load(work, "Reading the subscription as it is now", model.openWork(), model::opened);
        }
    }

    private String money(long minor, String currency) {
        return Money.format(minor, currency, locale);
    }

    static <T> StringConverter<T> converter(Function<T, String> text) {
        return new StringConverter<>() {
            @Override public String toString(T t) { return t == null ? "" : text.apply(t); }
            @Override public T fromString(String s) { throw new UnsupportedOperationException(); }
        };
    }

    /** The side-by-side table: a field per row, Stripe and Postgres in columns, differing fields highlighted. */
    static final class StateTable {
        private StateTable() {}

        static void fill(GridPane grid, SubscriptionSnapshot s, TimeDisplay time, Locale locale) {
            grid.getChildren().clear();
            head(grid, 0, "", "Stripe", "Postgres (mirror)");
            PlanState st = s.stripe(), pg = s.postgres();
            row(grid, 1, "Tier", st, pg, PlanState::tier);
            row(grid, 2, "Price", st, pg, PlanState::priceId);
            row(grid, 3, "Amount", st, pg, p -> Money.describe(p.amount(), p.currency(), locale));
            row(grid, 4, "Status", st, pg, PlanState::status);
            row(grid, 5, "Period start", st, pg, p -> when(time, p.periodStart()));
            row(grid, 6, "Period end", st, pg, p -> when(time, p.periodEnd()));
            row(grid, 7, "Cancel at period end", st, pg, p -> p.cancelAtPeriodEnd() ? "yes" : "no");
            row(grid, 8, "Paused collection", st, pg, p -> p.pauseBehavior() == null ? "no" : p.pauseBehavior());
            head(grid, 9, "Customer", Objects.requireNonNullElse(s.customerId(), "—"),
                    s.username() == null ? "—" : s.username() + (s.userId() == null ? "" : " (user " + s.userId() + ")"));
        }

        private static String when(TimeDisplay time, LocalDateTime t) {
            return time.formatUtc(t);
        }

        private static void head(GridPane grid, int row, String name, String a, String b) {
            Label n = new Label(name), x = new Label(a), y = new Label(b);
            for (Label l : List.of(n, x, y)) l.getStyleClass().add(row == 0 ? "state-head" : "state-name");
            grid.addRow(row, n, x, y);
        }

        private static void row(GridPane grid, int row, String name, PlanState st, PlanState pg, Function<PlanState, String> field) {
            String a = st == null ? "—" : Objects.requireNonNullElse(field.apply(st), "—");
            String b = pg == null ? "—" : Objects.requireNonNullElse(field.apply(pg), "—");
            Label n = new Label(name), x = new Label(a), y = new Label(b);
            n.getStyleClass().add("state-name");
            // The price is the one field the backend does not store: no price on its side is no drift.
            boolean differs = st != null && pg != null && !a.equals(b) && !(name.equals("Price") && pg.priceId() == null);
            if (differs) {
                x.getStyleClass().add("drift");
                y.getStyleClass().add("drift");
            }
            x.setId("edit-stripe-" + name.toLowerCase(Locale.ROOT).replace(' ', '-'));
            y.setId("edit-postgres-" + name.toLowerCase(Locale.ROOT).replace(' ', '-'));
            grid.addRow(row, n, x, y);
        }
    }
}
