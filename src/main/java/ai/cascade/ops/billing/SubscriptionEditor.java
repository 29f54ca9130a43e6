package ai.cascade.ops.billing;

import ai.cascade.ops.database.AuditReason;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.billing.SubscriptionEdit.ChangeTier;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import com.google.gson.JsonObject;
import com.stripe.model.Subscription;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Support's edits of subscriptions, invoices and refunds, each a saga: the intent and its exact Stripe request are
 * journaled ({@code ops.subscription_edit}) with an idempotency key; Stripe is called with that key; Stripe's answer
 * is mirrored into Postgres, audited and the journal row finished in one local transaction. A crash or timeout at
 * any point leaves a pending row that {@link EditRecovery} finishes. Edits are refused when the subscription changed
 * (in Postgres or in Stripe) since it was opened. The database decides who may edit: a monitoring login's journal
 * insert is refused by Postgres before anything is sent.
 */
public final class SubscriptionEditor {
    /** Points of the saga, for the crash tests that kill the process at each. */
    public enum SagaPoint { BEFORE_STRIPE, AFTER_STRIPE, AFTER_COMMIT }

    private final Connections connections;
    private final StripePlans plans;
    private final SubscriptionMirror mirror;
    private final String profile;
    private final Clock clock;
    private final Consumer<SagaPoint> checkpoint;
    private final SagaCompletion completion;

    public SubscriptionEditor(Connections connections, List<Tier> tiers, String profile) {
        this(connections, tiers, profile, Clock.systemUTC(), p -> { });
    }

    public SubscriptionEditor(Connections connections, List<Tier> tiers, String profile, Clock clock, Consumer<SagaPoint> checkpoint) {
        this.connections = connections;
        this.plans = new StripePlans(tiers);
        this.mirror = new SubscriptionMirror(plans);
        this.profile = profile;
        this.clock = clock;
        this.checkpoint = checkpoint;
        this.completion = new SagaCompletion(plans, mirror, profile, checkpoint);
    }

    /** Every configured tier, free ones included. */
    public List<Tier> tiers() {
        return plans.tiers();
    }

    /** The configured paid tiers an agent may choose (those with a Stripe price). */
    public List<Tier> paidTiers() {
        return plans.tiers().stream().filter(t -> !t.isFree()).toList();
    }

    /** True when the profile's Stripe is the demo's local server (no real billing). */
    public boolean demoStripe() {
        return connections.stripe().map(StripeAccess::isDemo).orElse(false);
    }

    /** Reads the subscription on both sides; the snapshot is the basis of the edit's conflict check. */
    public SubscriptionSnapshot open(String stripeSubscriptionId, CancelSignal cancel) {
        StripeRequests.id(stripeSubscriptionId, "subscription");
        Optional<SubscriptionMirror.Row> row = connections.database().run("reading subscription " + stripeSubscriptionId,
                c -> mirror.read(c, stripeSubscriptionId));
        Subscription sub = stripeSubscription(stripeSubscriptionId);
        SubscriptionMirror.Row r = row.orElse(null);
        return new SubscriptionSnapshot(stripeSubscriptionId, r == null ? null : r.id(), r == null ? null : r.userId(),
                r == null ? null : r.username(), r != null && r.customerId() != null ? r.customerId() : sub == null ? null : sub.getCustomer(),
                r == null ? null : r.version(), r == null ? null : r.plan(),
                sub == null ? null : plans.of(sub), sub == null ? null : StripePlans.itemId(sub));
    }

    /** Stripe's subscription, or null when Stripe has none with this id. */
    private Subscription stripeSubscription(String id) {
        return (Subscription) calls().readIfExists(StripeRequests.readSubscription(id), "reading subscription " + id).orElse(null);
    }

    /** What a tier change would cost, from Stripe's invoice preview; changes nothing. */
    public ProrationPreview preview(SubscriptionSnapshot s, String tierName, SubscriptionEdit.ProrationBehavior behavior) {
        Tier tier = paidTier(tierName);
        requireEditable(s);
        long prorationDate = clock.instant().getEpochSecond();
        StripeRequest request = StripeRequests.preview(s.customerId(), s.stripeId(), s.itemId(), tier.stripePriceId(), behavior, prorationDate);
        com.stripe.model.Invoice invoice = (com.stripe.model.Invoice) calls().read(request, "previewing the change to " + tierName);
        return ProrationPreviews.of(tier.name(), tier.unitAmount(), prorationDate, behavior, invoice);
    }

    /**
     * Applies {@code edit} to the subscription the agent opened as {@code seen}. Returns how it ended; throws
     * {@link Refused} for bad input or a login that may not edit (nothing journaled, nothing sent).
     */
    public EditOutcome apply(SubscriptionSnapshot seen, SubscriptionEdit edit, String reason) {
        String why = reason(reason);
        requireEditable(seen);
        String priceId = null;
        if (edit instanceof ChangeTier t) {
            priceId = paidTier(t.tier()).stripePriceId();
            if (priceId.equals(seen.stripe().priceId()))
                throw new Refused("The subscription is already on the tier " + t.tier() + " (" + priceId + "): nothing to change.");
        }
        checkMakesSense(seen.stripe(), edit);
        StripeRequest request = StripeRequests.of(edit, seen.stripeId(), seen.itemId(), priceId);
        EditJournal.Intent intent = new EditJournal.Intent(profile, edit.kind(), seen.stripeId(), seen.stripeId(), why,
                seen.stripe().toJson().toString(), request, newKey());
        Optional<JournalEntry> begun = begin(intent, seen);
        if (begun.isEmpty()) return conflict(0, seen, "Postgres", null);
        JournalEntry entry = begun.get();
        SubscriptionSnapshot fresh;
        try {
            fresh = open(seen.stripeId(), CancelSignal.NONE);   // Stripe's side of the conflict check
        } catch (BackendException e) {   // nothing was sent: the row must not stay pending for recovery to send later
            finishQuietly(entry.id(), "failed", "Not sent: " + e.getMessage());
            return new EditOutcome(Result.FAILED, "Nothing was sent to Stripe: " + e.getMessage(), entry.id(), null, null);
        }
        if (!sameAtStripe(seen, fresh)) {
            finishQuietly(entry.id(), "refused", "Refused: the subscription changed in Stripe since it was opened.");
            return conflict(entry.id(), seen, "Stripe", fresh);
        }
        return completion.send(entry, calls(), connections.database());
    }

    private static boolean sameAtStripe(SubscriptionSnapshot seen, SubscriptionSnapshot fresh) {
        return fresh.stripe() != null && fresh.stripe().equals(seen.stripe()) && java.util.Objects.equals(fresh.itemId(), seen.itemId());
    }

    private EditOutcome conflict(long journalId, SubscriptionSnapshot seen, String where, SubscriptionSnapshot fresh) {
        SubscriptionSnapshot now = fresh != null ? fresh : open(seen.stripeId(), CancelSignal.NONE);
        List<String> changes = new ArrayList<>();
        if (seen.postgres() != null && now.postgres() != null)
            seen.postgres().differences(now.postgres()).forEach(d -> changes.add("Postgres " + d));
        if (seen.stripe() != null && now.stripe() != null)
            seen.stripe().differences(now.stripe()).forEach(d -> changes.add("Stripe " + d));
        String what = changes.isEmpty() ? "it was written again since (e.g. by the backend's webhook)" : String.join("; ", changes);
        return new EditOutcome(Result.CONFLICT, "Not changed: subscription " + seen.stripeId() + " changed in " + where
                + " since you opened it — " + what + ". Review the current state below and make the edit again if it still applies.",
                journalId, null, now);
    }

    /**
     * Retries paying an open invoice (Stripe charges the customer's default payment method). {@code subscriptionId}
     * (may be null) is mirrored afterwards, since a paid invoice can end a past_due status.
     */
    public EditOutcome retryPayment(InvoiceSummary invoice, String reason) {
        String why = reason(reason);
        if (!"open".equals(invoice.status()))
            throw new Refused("Only an open invoice can be paid; " + invoice.id() + " is " + invoice.status() + ": nothing was sent.");
        EditJournal.Intent intent = new EditJournal.Intent(profile, "retry_payment", null, invoice.id(), why,
                invoice.toJson().toString(), StripeRequests.payInvoice(invoice.id()), newKey());
        JournalEntry entry = begin(intent, null).orElseThrow();
        return completion.send(entry, calls(), connections.database());
    }

    /** Refunds {@code amount} (minor units; null = all that remains) of the invoice's payment. */
    public EditOutcome refund(InvoiceSummary invoice, Long amount, String refundReason, String reason) {
        String why = reason(reason);
        if (invoice.paymentIntentId() == null)
            throw new Refused("Invoice " + invoice.id() + " has no card payment to refund (" + invoice.status() + "): nothing was sent.");
        long refundable = invoice.refundable();
        if (amount != null && amount <= 0)
            throw new Refused("A refund must be more than zero: nothing was sent.");
        if (amount != null && amount > refundable)
            throw new Refused("The refund (" + Money.format(amount, invoice.currency(), java.util.Locale.getDefault()) + ") is more than what can still be refunded of "
                    + invoice.id() + " (" + Money.format(refundable, invoice.currency(), java.util.Locale.getDefault()) + "): nothing was sent.");
        if (refundable <= 0) throw new Refused("Nothing of " + invoice.id() + " is left to refund: nothing was sent.");
        if (refundReason != null && !InvoiceSummary.REFUND_REASONS.contains(refundReason))
            throw new Refused("Stripe accepts the refund reasons " + InvoiceSummary.REFUND_REASONS + ", not \"" + refundReason + "\".");
        EditJournal.Intent intent = new EditJournal.Intent(profile, "refund", null, invoice.id(), why, invoice.toJson().toString(),
                StripeRequests.refund(invoice.paymentIntentId(), amount, refundReason), newKey());
        JournalEntry entry = begin(intent, null).orElseThrow();
        return completion.send(entry, calls(), connections.database());
    }

    /** Makes Postgres mirror Stripe's current state of a subscription (the drift check's action); journaled and audited. */
    public EditOutcome adoptStripe(String stripeSubscriptionId, String reason) {
        String why = reason(reason);
        SubscriptionSnapshot seen = open(stripeSubscriptionId, CancelSignal.NONE);
        if (seen.stripe() == null)
            throw new Refused("Stripe has no subscription " + stripeSubscriptionId + ": there is no state to adopt. "
                    + "The Postgres row is the backend's; Ops never deletes it.");
        JsonObject before = seen.postgres() == null ? new JsonObject() : seen.postgres().toJson();
        EditJournal.Intent intent = new EditJournal.Intent(profile, "adopt_stripe", stripeSubscriptionId, stripeSubscriptionId, why,
                before.toString(), StripeRequests.readSubscription(stripeSubscriptionId), newKey());
        Optional<JournalEntry> begun = begin(intent, seen);
        if (begun.isEmpty()) return conflict(0, seen, "Postgres", null);
        return completion.send(begun.get(), calls(), connections.database());
    }

    /** Journal rows left pending (crash, timeout), oldest first. */
    public List<JournalEntry> unfinished(CancelSignal cancel) {
        return EditJournal.pending(connections.database(), 500, cancel);
    }

    /** The latest journal rows of any state, newest first. */
    public List<JournalEntry> recent(int limit, CancelSignal cancel) {
        return EditJournal.recent(connections.database(), limit, cancel);
    }

    /** The recovery of pending rows (start-up and on demand). */
    public EditRecovery recovery() {
        return new EditRecovery(connections, completion, this::calls, profile, clock);
    }

    /** Writes the journal row; empty when Postgres' row changed since {@code seen} (a conflict, nothing written). */
    private Optional<JournalEntry> begin(EditJournal.Intent intent, SubscriptionSnapshot seen) {
        Database db = connections.database();
        try {
            return db.run("journaling the edit of " + intent.target(), c -> {
                c.setAutoCommit(false);
                try {
                    if (seen != null && seen.inPostgres()) {
                        Optional<SubscriptionMirror.Row> now = mirror.read(c, seen.stripeId());
                        if (now.isEmpty() || !now.get().version().equals(seen.version())) {
                            c.rollback();
                            return Optional.<JournalEntry>empty();
                        }
                    }
                    JournalEntry e = EditJournal.insert(c, intent);
                    c.commit();
                    return Optional.of(e);
                } finally {
                    if (!c.getAutoCommit()) { c.rollback(); c.setAutoCommit(true); }
                }
            });
        } catch (BackendException e) {
            throw journalRefusal(db, intent, e);
        }
    }

    private RuntimeException journalRefusal(Database db, EditJournal.Intent intent, BackendException e) {
        if (e.getCause() instanceof SQLException s) {
            if ("42501".equals(s.getSQLState()))
                return new Refused("Postgres refused: the login \"" + db.address().user() + "\" may not edit subscriptions "
                        + "(only members of cascade_ops_support may). Nothing was sent to Stripe.", e);
            if ("23505".equals(s.getSQLState()))
                return new Refused("Another edit of " + intent.subscriptionId() + " is in flight (see Edits in flight): "
                        + "finish or abandon it first. Nothing was sent to Stripe.", e);
            if ("42P01".equals(s.getSQLState()) || "3F000".equals(s.getSQLState()))
                return new Refused("This server's CASCADE Ops schema has no journal of edits (ops.subscription_edit): it is older than "
                        + "version 3. An administrator runs the migration command. Nothing was sent to Stripe.", e);
        }
        return new BackendException(Backend.POSTGRES, e.getMessage() + " Nothing was sent to Stripe.", e);
    }

    private void finishQuietly(long id, String state, String outcome) {
        connections.database().run("finishing edit " + id, c -> EditJournal.finish(c, id, state, outcome));
    }

    private StripeCalls calls() {
        return new StripeCalls(connections.stripe().orElseThrow(() -> new Refused(
                "Stripe is not configured in the profile \"" + profile + "\": add its secret key under File → Connections.")));
    }

    private Tier paidTier(String name) {
        Tier t = plans.tier(name).orElseThrow(() -> new Refused("There is no tier \"" + name + "\" in the configuration: "
                + "the tiers are " + plans.tiers().stream().map(Tier::name).toList() + "."));
        if (t.isFree())
            throw new Refused("The tier \"" + name + "\" has no Stripe price id: it cannot be billed. To end a paid plan, cancel it; "
                    + "to bill this tier, add its price id to the configuration.");
        return t;
    }

    private static void requireEditable(SubscriptionSnapshot s) {
        if (s.stripeId() == null || s.stripeId().isBlank())
            throw new Refused("This subscription has no Stripe subscription id: it cannot be edited through Stripe.");
        if (s.stripe() == null)
            throw new Refused("Stripe has no subscription " + s.stripeId() + ": run the drift check; nothing was sent.");
    }

    private static void checkMakesSense(PlanState now, SubscriptionEdit edit) {
        boolean ended = "canceled".equals(now.status()) || "incomplete_expired".equals(now.status());
        if (ended)
            throw new Refused("The subscription is " + now.status() + ": Stripe cannot " + edit.describe().toLowerCase(java.util.Locale.ROOT)
                    + ". A new subscription is made by the customer.");
        if (edit instanceof SubscriptionEdit.CancelAtPeriodEnd && now.cancelAtPeriodEnd())
            throw new Refused("The subscription already cancels at the end of its period.");
        if (edit instanceof SubscriptionEdit.UndoCancel && !now.cancelAtPeriodEnd())
            throw new Refused("The subscription has no pending cancellation to undo.");
        if (edit instanceof SubscriptionEdit.PauseCollection p) {
            if (!SubscriptionEdit.PAUSE_BEHAVIORS.contains(p.behavior()))
                throw new Refused("Stripe pauses collection as " + SubscriptionEdit.PAUSE_BEHAVIORS + ", not \"" + p.behavior() + "\".");
            if (p.behavior().equals(now.pauseBehavior())) throw new Refused("Collection is already paused (" + p.behavior() + ").");
        }
        if (edit instanceof SubscriptionEdit.ResumeCollection && now.pauseBehavior() == null)
            throw new Refused("Collection is not paused.");
    }

    private static String reason(String reason) {
        String problem = AuditReason.problem(reason);
        if (problem != null) throw new Refused(problem + " Nothing was changed.");
        return reason.strip();
    }

    private static String newKey() {
        return "cascade-ops-" + UUID.randomUUID();
    }
}
