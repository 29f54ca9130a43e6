package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.database.AuditLog;
import com.google.gson.JsonObject;
import com.stripe.model.Invoice;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Finishes journal rows left pending by a crash, a timeout or an outage (at start-up and on demand). While Stripe
 * still remembers the idempotency key the exact request is replayed, so Stripe applies it at most once. A cancel-now
 * (DELETE, which keys do not protect) and any row older than the key's lifetime are rolled forward from Stripe's
 * current state instead of being sent again.
 */
public final class EditRecovery {
    /** Stripe forgets keys after 24 h; an hour of margin for clocks and slow recoveries. */
    static final Duration KEY_LIFETIME = Duration.ofHours(23);

    /** What a pass over the pending rows did. */
    public record Report(int done, int failed, int stillPending, List<String> messages) {}

    private final Connections connections;
    private final SagaCompletion completion;
    private final Supplier<StripeCalls> calls;
    private final String profile;
    private final Clock clock;

    EditRecovery(Connections connections, SagaCompletion completion, Supplier<StripeCalls> calls, String profile, Clock clock) {
        this.connections = connections;
        this.completion = completion;
        this.calls = calls;
        this.profile = profile;
        this.clock = clock;
    }

    /** Finishes every pending row it can, oldest first. */
    public Report finishAll(CancelSignal cancel) {
        int done = 0, failed = 0, pending = 0;
        List<String> messages = new ArrayList<>();
        for (JournalEntry e : EditJournal.pending(connections.database(), 500, cancel)) {
            if (cancel.isCancelled()) break;
            EditOutcome o = finish(e);
            switch (o.result()) {
                case DONE -> done++;
                case IN_FLIGHT -> pending++;
                default -> failed++;
            }
            messages.add("#" + e.id() + " " + o.message());
        }
        return new Report(done, failed, pending, messages);
    }

    /** Finishes one pending row (the journal view's Retry). */
    public EditOutcome finish(long journalId) {
        JournalEntry e = EditJournal.byId(connections.database(), journalId)
                .orElseThrow(() -> new Refused("There is no edit #" + journalId + " in the journal."));
        if (!e.pending()) throw new Refused("Edit #" + journalId + " is already " + e.state() + ": nothing to do.");
        return finish(e);
    }

    private EditOutcome finish(JournalEntry e) {
        StripeCalls stripe = calls.get();
        try {
            if (!e.request().mutates())
                return completion.complete(e, stripe.read(e.request(), "reading " + e.target()), stripe, connections.database(),
                        "Postgres now mirrors Stripe's state.");
            if ("DELETE".equals(e.request().method())) return finishCancelNow(e, stripe);
            if (age(e).compareTo(KEY_LIFETIME) > 0) return rollForward(e, stripe);
        } catch (ai.cascade.ops.backend.BackendException down) {
            return new EditOutcome(Result.IN_FLIGHT, "Not finished yet: " + down.getMessage(), e.id(), null, null);
        }
        return completion.send(e, stripe, connections.database());
    }

    /** DELETE is not idempotent by key: read first; "already canceled" is the success a replay would have had. */
    private EditOutcome finishCancelNow(JournalEntry e, StripeCalls stripe) {
        Subscription now = (Subscription) stripe.read(StripeRequests.readSubscription(e.target()), "reading " + e.target());
        if ("canceled".equals(now.getStatus()))
            return completion.complete(e, now, stripe, connections.database(), "Stripe shows it canceled; Postgres mirrors it.");
        return completion.send(e, stripe, connections.database());
    }

    /** Past the key's lifetime a replay could apply twice: mirror Stripe's state, and say whether the edit is in it. */
    private EditOutcome rollForward(JournalEntry e, StripeCalls stripe) {
        String path = e.request().path();
        if (path.startsWith("/v1/subscriptions/")) {
            Subscription now = (Subscription) stripe.read(StripeRequests.readSubscription(e.target()), "reading " + e.target());
            if (JournaledIntent.visibleIn(e.request(), now))
                return completion.complete(e, now, stripe, connections.database(),
                        "Rolled forward: Stripe's state already shows the edit (its key had expired, so it was not replayed).");
            return completion.failed(e, connections.database(), "Not applied: Stripe's state does not show this edit and its "
                    + "idempotency key has expired, so it was not replayed. Make the edit again if it still applies.");
        }
        if (path.startsWith("/v1/invoices/")) {
            StripeObject inv = stripe.read(StripeRequest.get(path.substring(0, path.length() - "/pay".length())), "reading " + e.target());
            if (inv instanceof Invoice i && "paid".equals(i.getStatus()))
                return completion.complete(e, inv, stripe, connections.database(), "Rolled forward: Stripe shows the invoice paid.");
        }
        return completion.failed(e, connections.database(), "Not replayed: its idempotency key has expired. Check the customer's "
                + "invoices and refunds in Stripe before doing it again.");
    }

    /** Marks a pending row abandoned (nothing more will be sent for it), with an audit entry in the same transaction. */
    public void abandon(long journalId, String reason) {
        if (reason == null || reason.isBlank()) throw new Refused("Give a reason for abandoning the edit: it is recorded in the audit log.");
        JournalEntry e = EditJournal.byId(connections.database(), journalId)
                .orElseThrow(() -> new Refused("There is no edit #" + journalId + " in the journal."));
        boolean finished = connections.database().run("abandoning edit " + journalId, c -> {
            c.setAutoCommit(false);
            try {
                if (!EditJournal.finish(c, journalId, "abandoned", "Abandoned: " + reason.strip())) return false;
                JsonObject d = new JsonObject();
                d.addProperty("journal", journalId);
                d.addProperty("kind", e.kind());
                d.addProperty("requested_by", e.actor());
                d.addProperty("idempotency_key", e.idempotencyKey());
                d.addProperty("note", "Nothing more will be sent to Stripe for it; Stripe may or may not have applied it.");
                AuditLog.append(c, profile, "journal.abandon", e.target(), reason.strip(), d);
                c.commit();
                return true;
            } finally {
                if (!c.getAutoCommit()) { c.rollback(); c.setAutoCommit(true); }
            }
        });
        if (!finished) throw new Refused("Edit #" + journalId + " was finished meanwhile: nothing abandoned.");
    }

    private Duration age(JournalEntry e) {
        return Duration.between(e.createdAt(), LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
    }
}
