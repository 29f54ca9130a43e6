package ai.cascade.ops.billing;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.database.AuditLog;
import ai.cascade.ops.database.Database;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.model.Invoice;
import com.stripe.model.Refund;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The second half of every edit, shared by the first attempt and recovery: send the journaled request with its key,
 * then mirror Stripe's answer, append the audit entry and finish the journal row in one local transaction.
 */
final class SagaCompletion {
    private static final Logger log = LoggerFactory.getLogger(SagaCompletion.class);

    private final StripePlans plans;
    private final SubscriptionMirror mirror;
    private final String profile;
    private final Consumer<SagaPoint> checkpoint;

    SagaCompletion(StripePlans plans, SubscriptionMirror mirror, String profile, Consumer<SagaPoint> checkpoint) {
        this.plans = plans;
        this.mirror = mirror;
        this.profile = profile;
        this.checkpoint = checkpoint;
    }

    /** Sends the entry's exact request with its idempotency key and completes it. */
    EditOutcome send(JournalEntry e, StripeCalls calls, Database db) {
        checkpoint.accept(SagaPoint.BEFORE_STRIPE);
        StripeObject answer;
        try {
            answer = calls.send(e.request(), e.idempotencyKey(), describe(e));
        } catch (StripeCalls.Refusal r) {
            return failed(e, db, r.getMessage());
        } catch (StripeCalls.Unknown u) {
            return inFlight(e, db, u.getMessage());
        }
        checkpoint.accept(SagaPoint.AFTER_STRIPE);
        return complete(e, answer, calls, db, "Stripe applied it; Postgres mirrors it.");
    }

    /** Mirrors {@code answer}, audits and finishes the row; leaves it pending when Postgres cannot record it. */
    EditOutcome complete(JournalEntry e, StripeObject answer, StripeCalls calls, Database db, String note) {
        try {
            Subscription sub = subscriptionOf(answer, calls);
            Optional<Long> audit = db.run("recording edit " + e.id(), c -> record(c, e, answer, sub, note));
            checkpoint.accept(SagaPoint.AFTER_COMMIT);
            if (audit.isEmpty())
                return new EditOutcome(Result.DONE, "Edit " + e.id() + " was already finished by another console.", e.id(), null, null);
            return new EditOutcome(Result.DONE, describe(e) + ": done. " + note, e.id(), audit.get(), null);
        } catch (BackendException down) {
            log.warn("Edit {} was applied by Stripe but not recorded: {}", e.id(), down.getMessage());
            return new EditOutcome(Result.IN_FLIGHT, "Stripe applied " + describe(e) + ", but it could not be recorded yet ("
                    + down.getMessage() + "). The journal keeps the edit; Recover finishes it with the same idempotency key.",
                    e.id(), null, null);
        }
    }

    private Optional<Long> record(Connection c, JournalEntry e, StripeObject answer, Subscription sub, String note) throws SQLException {
        c.setAutoCommit(false);
        try {
            PlanState after = sub == null ? null : plans.of(sub);
            boolean mirrored = sub != null && mirror.write(c, sub.getId(), after, StripePlans.pauseResumesAt(sub));
            AuditLog.Entry entry = AuditLog.append(c, profile, action(e), e.target(), e.reason(), details(e, answer, after, mirrored, note));
            if (!EditJournal.finish(c, e.id(), "done", note + (sub != null && !mirrored ? " Postgres has no row for it." : ""))) {
                c.rollback();
                return Optional.empty();
            }
            c.commit();
            return Optional.of(entry.id());
        } finally {
            if (!c.getAutoCommit()) { c.rollback(); c.setAutoCommit(true); }
        }
    }

    /** The subscription to mirror: the answer itself, or the one an invoice belongs to (a payment can end past_due). */
    private Subscription subscriptionOf(StripeObject answer, StripeCalls calls) {
        if (answer instanceof Subscription s) return s;
        if (answer instanceof Invoice i && i.getParent() != null && i.getParent().getSubscriptionDetails() != null
                && i.getParent().getSubscriptionDetails().getSubscription() != null) {
            String id = i.getParent().getSubscriptionDetails().getSubscription();
            return (Subscription) calls.read(StripeRequests.readSubscription(id), "reading subscription " + id + " after the payment");
        }
        return null;
    }

    private static JsonObject details(JournalEntry e, StripeObject answer, PlanState after, boolean mirrored, String note) {
        JsonObject d = new JsonObject();
        d.addProperty("journal", e.id());
        d.addProperty("kind", e.kind());
        d.addProperty("requested_by", e.actor());
        d.add("before", e.beforeJson() == null ? new JsonObject() : JsonParser.parseString(e.beforeJson()).getAsJsonObject());
        JsonObject beforeJson = d.getAsJsonObject("before");
        JsonObject afterJson;
        if (answer instanceof Invoice i) {   // the invoice's "before" with what changed, so the audit shows just that
            afterJson = beforeJson == null ? new JsonObject() : beforeJson.deepCopy();
            afterJson.addProperty("invoice", i.getId());
            afterJson.addProperty("status", i.getStatus());
            afterJson.addProperty("amount_paid", i.getAmountPaid());
            afterJson.addProperty("amount_remaining", i.getAmountRemaining());
            if (after != null) afterJson.add("subscription", after.toJson());
        } else if (answer instanceof Refund r) {
            afterJson = beforeJson == null ? new JsonObject() : beforeJson.deepCopy();
            long already = beforeJson != null && beforeJson.has("refunded") && !beforeJson.get("refunded").isJsonNull()
                    ? beforeJson.get("refunded").getAsLong() : 0;
            afterJson.addProperty("invoice", e.target());
            afterJson.addProperty("refunded", already + (r.getAmount() == null ? 0 : r.getAmount()));
            afterJson.addProperty("refund", r.getId());
            afterJson.addProperty("refund_status", r.getStatus());
        } else {
            afterJson = after == null ? new JsonObject() : after.toJson();
        }
        d.add("after", afterJson);
        JsonObject req = new JsonObject();
        req.addProperty("method", e.request().method());
        req.addProperty("path", e.request().path());
        req.addProperty("form", e.request().form());
        d.add("stripe_request", req);
        d.addProperty("idempotency_key", e.idempotencyKey());
        d.addProperty("mirrored", mirrored);
        d.addProperty("note", note);
        return d;
    }

    EditOutcome failed(JournalEntry e, Database db, String why) {
        try {
            db.run("finishing edit " + e.id(), c -> EditJournal.finish(c, e.id(), "failed", why));
        } catch (BackendException pg) {
            log.warn("Edit {} failed at Stripe and the journal could not say so: {}", e.id(), pg.getMessage());
        }
        return new EditOutcome(Result.FAILED, why + " Nothing changed.", e.id(), null, null);
    }

    private static EditOutcome inFlight(JournalEntry e, Database db, String why) {
        try {
            EditJournal.attempted(db, e.id(), why);
        } catch (BackendException pg) {
            log.warn("Edit {}: could not count the attempt: {}", e.id(), pg.getMessage());
        }
        return new EditOutcome(Result.IN_FLIGHT, why + " The edit stays in the journal (#" + e.id()
                + "); Recover replays it with the same idempotency key, so Stripe applies it at most once.", e.id(), null, null);
    }

    static String action(JournalEntry e) {
        return switch (e.kind()) {
            case "retry_payment", "refund" -> "invoice." + e.kind();
            default -> "subscription." + e.kind();
        };
    }

    static String describe(JournalEntry e) {
        return e.kind().replace('_', ' ') + " of " + e.target();
    }
}
