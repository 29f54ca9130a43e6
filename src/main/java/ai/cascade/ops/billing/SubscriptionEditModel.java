package ai.cascade.ops.billing;

import ai.cascade.ops.database.AuditReason;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.OpsSchema;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ChangeConfirmation;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.Work;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The state of one subscription edit as the agent makes it: the snapshot opened, the action chosen and its
 * parameters, the cost preview, the reason and confirmation, and the outcome. No controls: the dialog binds to it.
 * A tier change can be applied only after a preview of that exact tier and proration behaviour.
 */
public final class SubscriptionEditModel {
    /** What the console hands the edit UI: the editor, the invoices, the profile (confirmation) and whether this login may edit. */
    public record Editing(SubscriptionEditor editor, CustomerInvoices invoices, DriftCheck drift, ConnectionProfile profile,
                          Work<Boolean> mayEdit) {
        /** May edit: the profile is not read-only and the database grants this login the edit (asked in the background). */
        public static Editing of(Connections connections, SubscriptionEditor editor, CustomerInvoices invoices, ConnectionProfile profile) {
            return new Editing(editor, invoices, new DriftCheck(connections, editor.tiers()), profile,
                    c -> !profile.readOnly() && OpsSchema.check(connections.database()).canEditSubscriptions());
        }

        /** Asks in the background; {@code then} gets false when the database cannot say (controls stay hidden). */
        public void whenAllowed(BackgroundWork work, java.util.function.Consumer<Boolean> then) {
            work.run("Checking whether this login may edit subscriptions", mayEdit, then, e -> then.accept(false));
        }
    }

    /** The edits offered, in the order shown. */
    public enum Action {
        CHANGE_TIER("Change tier"), CANCEL_AT_PERIOD_END("Cancel at period end"), UNDO_CANCEL("Undo cancel (resume)"),
        CANCEL_NOW("Cancel now"), PAUSE_COLLECTION("Pause collection"), RESUME_COLLECTION("Resume collection");

        private final String label;

        Action(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** How the last apply ended, for the result panel; {@code REFUSED} and {@code ERROR} sent nothing. */
    public enum Ending { DONE, CONFLICT, FAILED, IN_FLIGHT, REFUSED, ERROR }

    public record Result(Ending ending, String title, String message) {}

    /** The longest reason the editor journals (after trimming): it goes into every audit row of the edit. */
    public static final int REASON_MAX_CHARS = AuditReason.MAX_CHARS;

    private final SubscriptionEditor editor;
    private final ConnectionProfile profile;
    private final BackgroundWork work;
    private final String stripeId;
    private final Locale locale = Locale.getDefault();

    private final ObjectProperty<SubscriptionSnapshot> snapshot = new SimpleObjectProperty<>();
    private final ObjectProperty<Action> action = new SimpleObjectProperty<>();
    private final StringProperty tier = new SimpleStringProperty();
    private final ObjectProperty<ProrationBehavior> proration = new SimpleObjectProperty<>(ProrationBehavior.CREATE_PRORATIONS);
    private final StringProperty pauseBehavior = new SimpleStringProperty(SubscriptionEdit.PAUSE_BEHAVIORS.get(0));
    private final ObjectProperty<ProrationPreview> preview = new SimpleObjectProperty<>();
    private final StringProperty reason = new SimpleStringProperty("");
    private final StringProperty typedProfileName = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty busyMessage = new SimpleStringProperty("");
    private final StringProperty previewProblem = new SimpleStringProperty();
    private final ObjectProperty<Result> result = new SimpleObjectProperty<>();
    private final ObservableList<String> tierChoices = FXCollections.observableArrayList();
    private final BooleanBinding canPreview;
    private final BooleanBinding canApply;
    private final StringBinding summary;
    private final StringBinding reasonProblem;
    private Job<?> running;

    public SubscriptionEditModel(SubscriptionEditor editor, ConnectionProfile profile, BackgroundWork work, String stripeId) {
        this.editor = editor;
        this.profile = profile;
        this.work = work;
        this.stripeId = stripeId;
        // A preview prices one tier and one behaviour: choosing another makes it stale.
        tier.addListener((o, was, now) -> preview.set(null));
        proration.addListener((o, was, now) -> preview.set(null));
        action.addListener((o, was, now) -> previewProblem.set(null));
        // Only a tier offered can be previewed: another name (a typo, a case variant, the current tier) would reach Stripe.
        canPreview = Bindings.createBooleanBinding(() -> !busy.get() && action.get() == Action.CHANGE_TIER
                && tier.get() != null && tierChoices.contains(tier.get()) && proration.get() != null && enabled(Action.CHANGE_TIER),
                busy, action, tier, proration, snapshot, tierChoices);
        reasonProblem = Bindings.createStringBinding(() -> reasonProblem(reason.get()), reason);
        canApply = Bindings.createBooleanBinding(this::applicable, busy, action, tier, proration, pauseBehavior, preview,
                reason, typedProfileName, snapshot);
        summary = Bindings.createStringBinding(this::describeChange, action, tier, pauseBehavior, preview, snapshot);
    }

    public String stripeId() { return stripeId; }

    public boolean demoStripe() { return editor.demoStripe(); }

    public ConnectionProfile profile() { return profile; }

    /** The loader of the snapshot, for the dialog's load pane (progress, cancel, retry). */
    public Work<SubscriptionSnapshot> openWork() {
        return c -> editor.open(stripeId, c);
    }

    /** Shows a snapshot (opened, or the fresh one of a conflict): the choice starts over, the last result stays. */
    public void opened(SubscriptionSnapshot s) {
        PlanState now = s.stripe();
        tierChoices.setAll(editor.paidTiers().stream()
                .filter(t -> now == null || !t.stripePriceId().equals(now.priceId())).map(Tier::name).toList());
        action.set(null);
        tier.set(tierChoices.isEmpty() ? null : tierChoices.get(0));
        preview.set(null);
        reason.set("");
        typedProfileName.set("");
        snapshot.set(s);   // last: listeners of the snapshot see the choices that go with it
    }

    /** Whether {@code a} makes sense for the subscription as Stripe has it now. */
    public boolean enabled(Action a) {
        return allowedFor(snapshot.get(), a, !tierChoices.isEmpty());
    }

    static boolean allowedFor(SubscriptionSnapshot s, Action a, boolean otherTiers) {
        if (s == null || s.stripe() == null || ended(s.stripe())) return false;
        PlanState p = s.stripe();
        return switch (a) {
            case CHANGE_TIER -> otherTiers && s.itemId() != null;
            case CANCEL_AT_PERIOD_END -> !p.cancelAtPeriodEnd();
            case UNDO_CANCEL -> p.cancelAtPeriodEnd();
            case CANCEL_NOW -> true;
            case PAUSE_COLLECTION -> p.pauseBehavior() == null;
            case RESUME_COLLECTION -> p.pauseBehavior() != null;
        };
    }

    static boolean ended(PlanState p) {
        return "canceled".equals(p.status()) || "incomplete_expired".equals(p.status());
    }

    /** Why nothing can be chosen, or null when something can. */
    public String nothingToDo() {
        SubscriptionSnapshot s = snapshot.get();
        if (s == null) return null;
        if (s.stripe() == null) return "Stripe has no subscription " + stripeId + ": there is nothing to edit. Run the drift check.";
        if (ended(s.stripe())) return "This subscription is " + s.stripe().status() + ": Stripe cannot change it any more. "
                + "A new subscription is made by the customer.";
        return null;
    }

    /** Asks Stripe what the chosen tier change would cost; changes nothing. */
    public void preview() {
        if (!canPreview.get()) return;
        SubscriptionSnapshot s = snapshot.get();
        String t = tier.get();
        ProrationBehavior b = proration.get();
        previewProblem.set(null);
        start("Previewing the cost of " + t, c -> editor.preview(s, t, b), p -> {
            // Only the preview of what is still chosen counts.
            if (t.equals(tier.get()) && b == proration.get()) preview.set(p);
        }, e -> previewProblem.set(Problems.describe(e)));
    }

    /** Sends the chosen edit; the outcome lands in {@link #resultProperty()}. */
    public void apply() {
        if (!canApply.get()) return;
        SubscriptionSnapshot s = snapshot.get();
        SubscriptionEdit edit = edit();
        String why = reason.get().strip();   // what the audit row keeps, so the check above judged the same text
        result.set(null);
        start("Applying: " + edit.describe(), c -> editor.apply(s, edit, why), this::finished, e -> result.set(resultOf(e)));
    }

    private void finished(EditOutcome o) {
        if (o.result() == EditOutcome.Result.CONFLICT && o.fresh() != null) opened(o.fresh());
        result.set(resultOf(o));
    }

    /** An outcome as the result panel says it (also the invoices' and the journal's). */
    public static Result resultOf(EditOutcome o) {
        return switch (o.result()) {
            case DONE -> new Result(Ending.DONE, "Done: journal #" + o.journalId() + (o.auditId() == null ? "" : ", audit #" + o.auditId()), o.message());
            case CONFLICT -> new Result(Ending.CONFLICT, "Conflict: nothing was sent", o.message());
            case FAILED -> new Result(Ending.FAILED, "Stripe refused it: nothing changed", o.message());
            case IN_FLIGHT -> new Result(Ending.IN_FLIGHT, "In flight: journal #" + o.journalId(), o.message()
                    + " The journal keeps the exact request; Edits in flight (or the next start) finishes it with the same idempotency key.");
        };
    }

    /** A failure as the result panel says it: a refusal sent nothing. */
    public static Result resultOf(Throwable e) {
        return e instanceof Refused ? new Result(Ending.REFUSED, "Refused: nothing was sent", e.getMessage())
                : new Result(Ending.ERROR, "Not applied", Problems.describe(e));
    }

    /** Stops waiting for the preview or the edit. An edit already sent is not undone: the journal finishes it. */
    public void cancel() {
        Job<?> j = running;
        if (j == null || j.isDone()) return;
        boolean applying = busyMessage.get().startsWith("Applying");
        j.cancel(!applying);   // never interrupt a saga mid-write: let it finish unseen
        busy.set(false);
        if (applying) result.set(new Result(Ending.IN_FLIGHT, "Stopped waiting",
                "The edit may still complete. Its journal row shows how it ended (Edits in flight)."));
    }

    private <T> void start(String title, Work<T> w, java.util.function.Consumer<T> done, java.util.function.Consumer<Throwable> failed) {
        busy.set(true);
        busyMessage.set(title + "…");
        Job<T> job = work.run(title, w, v -> { busy.set(false); done.accept(v); }, e -> { busy.set(false); failed.accept(e); });
        running = job;
    }

    /** The edit chosen now (null when none). */
    public SubscriptionEdit edit() {
        Action a = action.get();
        if (a == null) return null;
        return switch (a) {
            case CHANGE_TIER -> preview.get() == null ? null : preview.get().edit();
            case CANCEL_AT_PERIOD_END -> new SubscriptionEdit.CancelAtPeriodEnd();
            case UNDO_CANCEL -> new SubscriptionEdit.UndoCancel();
            case CANCEL_NOW -> new SubscriptionEdit.CancelNow();
            case PAUSE_COLLECTION -> new SubscriptionEdit.PauseCollection(pauseBehavior.get());
            case RESUME_COLLECTION -> new SubscriptionEdit.ResumeCollection();
        };
    }

    private boolean applicable() {
        Action a = action.get();
        if (busy.get() || a == null || !enabled(a) || profile.readOnly()) return false;
        if (reasonProblem(reason.get()) != null || !ChangeConfirmation.accepts(profile, typedProfileName.get())) return false;
        if (a == Action.PAUSE_COLLECTION) return pauseBehavior.get() != null;
        if (a == Action.CHANGE_TIER) {
            ProrationPreview p = preview.get();
            return p != null && p.tier().equals(tier.get()) && p.behavior() == proration.get();
        }
        return true;
    }

    /** Why {@code typed} cannot be the edit's reason, or null when it can ({@link AuditReason}). */
    public static String reasonProblem(String typed) {
        return AuditReason.problem(typed);
    }

    /** Before → after, one line per field that changes. */
    private String describeChange() {
        SubscriptionSnapshot s = snapshot.get();
        Action a = action.get();
        if (s == null || s.stripe() == null || a == null) return "";
        PlanState p = s.stripe();
        String end = p.periodEnd() == null ? "the end of the period" : p.periodEnd().toLocalDate() + " (UTC)";
        return switch (a) {
            case CHANGE_TIER -> tierChange(p);
            case CANCEL_AT_PERIOD_END -> "Cancel at period end: no → yes\nThe subscription stays " + p.status() + " until " + end
                    + ", then ends; no further invoice.";
            case UNDO_CANCEL -> "Cancel at period end: yes → no\nThe subscription renews at " + end + " as before.";
            case CANCEL_NOW -> "Status: " + p.status() + " → canceled, immediately\nThe customer loses access now; the current "
                    + "period is not refunded automatically (refund an invoice separately). This cannot be undone.";
            case PAUSE_COLLECTION -> "Paused collection: — → " + pauseBehavior.get() + "\nThe status stays " + p.status()
                    + "; new invoices are " + pauseMeaning(pauseBehavior.get()) + " until collection resumes.";
            case RESUME_COLLECTION -> "Paused collection: " + p.pauseBehavior() + " → —\nNew invoices are charged again.";
        };
    }

    private String tierChange(PlanState p) {
        Tier to = editor.paidTiers().stream().filter(t -> t.name().equals(tier.get())).findFirst().orElse(null);
        if (to == null) return "";
        String line = "Tier: " + p.tier() + " → " + to.name() + "\nPrice: " + p.priceId() + " → " + to.stripePriceId()
                + "\nAmount: " + amount(p.amount(), p.currency()) + " → " + Money.format(to.unitAmount(), to.currency(), locale)
                + " per " + to.interval();
        ProrationPreview pv = preview.get();
        return pv == null ? line + "\nPreview the cost to see what the customer pays." : line + "\nDue now: "
                + Money.format(pv.amountDueNow(), pv.currency(), locale) + " · proration " + Money.format(pv.prorationAmount(), pv.currency(), locale);
    }

    private static String pauseMeaning(String behavior) {
        return switch (Objects.requireNonNullElse(behavior, "")) {
            case "keep_as_draft" -> "kept as drafts";
            case "mark_uncollectible" -> "marked uncollectible";
            case "void" -> "voided";
            default -> "not collected";
        };
    }

    String amount(Integer minor, String currency) {
        return Money.describe(minor, currency, locale);
    }

    /** Each field of the two sides, and whether they differ: a mirror drift is worth seeing before editing. */
    public List<PlanState.Difference> drift() {
        SubscriptionSnapshot s = snapshot.get();
        return s == null ? List.of() : s.mirrorDifferences();
    }

    public ReadOnlyObjectProperty<SubscriptionSnapshot> snapshotProperty() { return snapshot; }
    public ObjectProperty<Action> actionProperty() { return action; }
    public StringProperty tierProperty() { return tier; }
    public ObjectProperty<ProrationBehavior> prorationProperty() { return proration; }
    public StringProperty pauseBehaviorProperty() { return pauseBehavior; }
    public ReadOnlyObjectProperty<ProrationPreview> previewProperty() { return preview; }
    public ReadOnlyStringProperty previewProblemProperty() { return previewProblem; }
    public StringProperty reasonProperty() { return reason; }
    public StringProperty typedProfileNameProperty() { return typedProfileName; }
    public ReadOnlyBooleanProperty busyProperty() { return busy; }
    public ReadOnlyStringProperty busyMessageProperty() { return busyMessage; }
    public ReadOnlyObjectProperty<Result> resultProperty() { return result; }
    public ObservableList<String> tierChoices() { return tierChoices; }
    public BooleanBinding canPreviewProperty() { return canPreview; }
    public BooleanBinding canApplyProperty() { return canApply; }
    public StringBinding summaryProperty() { return summary; }
    /** Why the reason typed cannot be saved, or null: for the hint beside a disabled Apply. */
    public StringBinding reasonProblemProperty() { return reasonProblem; }
}
