package ai.cascade.ops.demo;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.CustomerInvoices;
import ai.cascade.ops.billing.EditOutcome;
import ai.cascade.ops.billing.EditRecovery;
import ai.cascade.ops.billing.InvoiceSummary;
import ai.cascade.ops.billing.PlanState;
import ai.cascade.ops.billing.ProrationPreview;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.billing.SubscriptionEdit;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.billing.SubscriptionEditor;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.billing.SubscriptionSnapshot;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import com.stripe.exception.ApiConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A little real edit history for a demo whose Stripe was just seeded anew, so the Audit page and "Edits in flight"
 * show what support's work looks like: two tier changes, a cancellation at period end, a paused collection, a partial
 * refund and a payment retry that the customer's card declines. Each goes through {@link SubscriptionEditor} against
 * the demo Stripe (journal, Stripe, mirror, audit), on subscriptions chosen by id so every demo shows the same ones.
 * Every edit is best effort: one that is refused or fails is logged and the demo starts anyway.
 * <p>
 * A history cut short (the app killed mid-way) is resumed, never made twice: the edits journaled since the demo Stripe
 * was seeded are recognised by their reasons and skipped, and an edit left pending in the journal is finished by the
 * editor's own recovery (its idempotency key makes Stripe apply it at most once).
 */
final class DemoEditHistory {
    private static final Logger log = LoggerFactory.getLogger(DemoEditHistory.class);
    /** How many subscriptions of a kind are opened at most to find one without drift. */
    private static final int CANDIDATES = 20;

    /**
     * How the history went: edits Stripe applied, edits that ended failed (the declined card), edits not made, edits a
     * pass cut short had already journaled; {@code complete} when every edit was tried and none is left pending.
     */
    record Summary(int done, int failed, int notMade, int alreadyMade, boolean complete, Duration took) {}

    /** One edit of the history; its reason is fixed, so a resumed history recognises it in the journal. */
    private record Step(String what, String reason, Function<String, EditOutcome> edit) {}

    /** A subscription the history may edit, with its customer (for the invoices). */
    private record Candidate(String subscriptionId, String customerId) {}

    private final SubscriptionEditor editor;
    private final CustomerInvoices invoices;
    private final Database database;
    private final List<Tier> monthly;
    private final Set<String> used = new HashSet<>();
    /** The reasons of the edits a cut-short pass journaled: those steps are not made again. */
    private final Set<String> journaled = new HashSet<>();
    private int done;
    private int failed;
    private int notMade;
    private int alreadyMade;
    /** Postgres or Stripe did not answer: the edits after it are left out. */
    private boolean unavailable;

    private DemoEditHistory(Connections connections, Database database, List<Tier> tiers, Consumer<SagaPoint> checkpoint) {
        this.editor = new SubscriptionEditor(connections, tiers, ConnectionProfile.DEMO_NAME, Clock.systemUTC(), checkpoint);
        this.invoices = new CustomerInvoices(connections);
        this.database = database;
        this.monthly = tiers.stream().filter(t -> !t.isFree() && (t.interval() == null || "month".equals(t.interval())))
                .sorted(Comparator.comparingInt(Tier::unitAmount)).toList();
    }

    /**
     * Makes the history in the demo database at {@code postgresUrl} against the demo Stripe at {@code stripeUrl}.
     * Never throws: a history that cannot be made is logged, since the demo works without it.
     */
    static Summary make(String postgresUrl, String stripeUrl, List<Tier> tiers) {
        return make(postgresUrl, stripeUrl, tiers, null, point -> { });
    }

    /**
     * As {@link #make(String, String, List)}, resuming a history begun against the seeding made at {@code seededAt}
     * (Postgres' clock, UTC; null: nothing to resume). {@code checkpoint} is the editor's saga hook, a no-op but for the
     * crash tests that kill the process inside an edit.
     */
    static Summary make(String postgresUrl, String stripeUrl, List<Tier> tiers, LocalDateTime seededAt, Consumer<SagaPoint> checkpoint) {
        long started = System.nanoTime();
        DemoEditHistory history;
        boolean complete;
        try (Database database = new Database(PostgresAddress.parse(postgresUrl), "CASCADE Ops demo history", 2)) {
            history = new DemoEditHistory(connections(database, new StripeAccess(DemoStripe.KEY, stripeUrl)), database, tiers, checkpoint);
            if (seededAt != null) history.resumeFrom(seededAt);
            history.makeAll();
            complete = !history.unavailable && history.nothingPending();
        } catch (InvalidSettingException | RuntimeException e) {
            log.info("The demo starts without an edit history: {}", e.getMessage());
            return new Summary(0, 0, 0, 0, false, Duration.ofNanos(System.nanoTime() - started));
        }
        Summary summary = new Summary(history.done, history.failed, history.notMade, history.alreadyMade, complete,
                Duration.ofNanos(System.nanoTime() - started));
        log.info("Made the demo's edit history in {} ms: {} edits done, {} failed at Stripe, {} not made, {} made before{}",
                summary.took().toMillis(), summary.done(), summary.failed(), summary.notMade(), summary.alreadyMade(),
                complete ? "" : "; not complete: the next start goes on with it");
        return summary;
    }

    /**
     * Finishes edits a killed pass left pending (exactly one Stripe mutation each, thanks to their keys), then learns
     * which edits were journaled since the seeding and which subscriptions they took, so none is made twice.
     */
    private void resumeFrom(LocalDateTime seededAt) {
        EditRecovery.Report recovered = editor.recovery().finishAll(CancelSignal.NONE);
        if (recovered.done() + recovered.failed() + recovered.stillPending() > 0)
            log.info("Demo history: finished the edits a stopped start left pending: {}", recovered.messages());
        database.run("reading the demo's edit history so far", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT reason, stripe_subscription_id FROM ops.subscription_edit "
                    + "WHERE profile = ? AND created_at >= ?")) {
                ps.setString(1, ConnectionProfile.DEMO_NAME);
                ps.setObject(2, seededAt);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        journaled.add(rs.getString(1));
                        if (rs.getString(2) != null) used.add(rs.getString(2));
                    }
                }
            }
            return null;
        });
    }

    private boolean nothingPending() {
        return database.run("looking for demo edits left pending", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM ops.subscription_edit WHERE state = 'pending')");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    /** The editor uses Postgres and Stripe only; Redis is not part of an edit. */
    private static Connections connections(Database database, StripeAccess stripe) {
        return new Connections() {
            @Override public Database database() { return database; }

            @Override public RedisConnection redis() {
                throw new BackendException(Backend.REDIS, "The demo's edit history has no Redis connection: edits do not use Redis.");
            }

            @Override public Optional<StripeAccess> stripe() { return Optional.of(stripe); }
        };
    }

    private void makeAll() {
        for (Step step : steps()) {
            if (journaled.contains(step.reason())) {
                alreadyMade++;
                continue;
            }
            attempt(step.what(), () -> step.edit().apply(step.reason()));
        }
    }

    private List<Step> steps() {
        Optional<Tier[]> up = tierStep(true);
        Optional<Tier[]> down = tierStep(false);
        String upTo = up.map(s -> s[1].name()).orElse("");
        String downTo = down.map(s -> s[1].name()).orElse("");
        return List.of(
                new Step("an upgrade", "Customer asked by e-mail to upgrade to " + upTo
                        + "; the proration goes on their next invoice, as the preview showed them.",
                        reason -> up.map(s -> upgrade(s, reason)).orElse(null)),
                new Step("a downgrade", "Customer asked by phone to move down to " + downTo + "; no proration, as offered in the ticket.",
                        reason -> down.map(s -> downgrade(s, reason)).orElse(null)),
                new Step("a cancellation at period end", "Customer is closing their workshop at the end of the season and asked by "
                        + "e-mail to cancel at the end of the period.", reason -> editAny(new SubscriptionEdit.CancelAtPeriodEnd(), reason)),
                new Step("a paused collection", "Customer is travelling for two months; collection paused at their request, "
                        + "invoices kept as drafts.", reason -> editAny(new SubscriptionEdit.PauseCollection("keep_as_draft"), reason)),
                new Step("a partial refund", "The service was down for most of the customer's working day; half of the invoice "
                        + "refunded as a goodwill gesture.", this::partialRefund),
                new Step("a payment retry", "Customer says they updated their card and asked us to retry the open invoice.",
                        this::retryDeclinedPayment));
    }

    /**
     * Runs one edit; null means no subscription or invoice fits it. A refusal leaves out that edit only; Postgres or
     * Stripe not answering leaves out the rest too, since each would wait on the same failure.
     */
    private void attempt(String what, Supplier<EditOutcome> edit) {
        if (unavailable) {
            notMade++;
            return;
        }
        try {
            EditOutcome outcome = edit.get();
            if (outcome == null) {
                notMade++;
                log.info("Demo history: no subscription or invoice fits {}; left out", what);
                return;
            }
            switch (outcome.result()) {
                case DONE -> done++;
                case FAILED -> failed++;
                default -> notMade++;
            }
            log.info("Demo history: {} ended {}: {}", what, outcome.result(), outcome.message());
        } catch (BackendException e) {
            notMade++;
            if (!unreachable(e)) {
                log.info("Demo history: {} was not made: {}", what, e.getMessage());
                return;
            }
            unavailable = true;
            log.info("Demo history: {} and the edits after it were not made: {}", what, e.getMessage());
        } catch (RuntimeException e) {   // a Refused, or a surprise: the demo starts anyway
            notMade++;
            log.info("Demo history: {} was not made: {}", what, e.getMessage());
        }
    }

    /** Stripe or Postgres did not answer at all (as opposed to refusing one request). */
    private static boolean unreachable(BackendException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ApiConnectionException || t instanceof SQLTransientConnectionException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) return true;
        }
        return false;
    }

    /** The cheapest (up) or dearest (down) monthly tier with a neighbour in the same currency, and that neighbour. */
    private Optional<Tier[]> tierStep(boolean upward) {
        List<Tier> order = new ArrayList<>(monthly);
        if (!upward) java.util.Collections.reverse(order);
        for (int i = 0; i < order.size(); i++)
            for (int j = i + 1; j < order.size(); j++)
                if (sameCurrency(order.get(i), order.get(j)) && order.get(i).unitAmount() != order.get(j).unitAmount())
                    return Optional.of(new Tier[]{order.get(i), order.get(j)});
        return Optional.empty();
    }

    private static boolean sameCurrency(Tier a, Tier b) {
        return String.valueOf(a.currency()).equalsIgnoreCase(String.valueOf(b.currency()));
    }

    private EditOutcome upgrade(Tier[] step, String reason) {
        return clean(List.of(step[0].name())).map(s -> {
            ProrationPreview preview = editor.preview(s, step[1].name(), ProrationBehavior.CREATE_PRORATIONS);
            return editor.apply(s, preview.edit(), reason);
        }).orElse(null);
    }

    private EditOutcome downgrade(Tier[] step, String reason) {
        long now = Clock.systemUTC().instant().getEpochSecond();
        return clean(List.of(step[0].name())).map(s -> editor.apply(s,
                new SubscriptionEdit.ChangeTier(step[1].name(), ProrationBehavior.NONE, now), reason)).orElse(null);
    }

    private EditOutcome editAny(SubscriptionEdit edit, String reason) {
        return clean(monthly.stream().map(Tier::name).toList()).map(s -> editor.apply(s, edit, reason)).orElse(null);
    }

    /** Half of a customer's last paid invoice, refunded as a goodwill gesture. */
    private EditOutcome partialRefund(String reason) {
        for (Candidate c : candidates(monthly.stream().map(Tier::name).toList())) {
            if (c.customerId() == null || used.contains(c.subscriptionId())) continue;
            Optional<InvoiceSummary> paid = invoices.recent(c.customerId()).stream()
                    .filter(i -> "paid".equals(i.status()) && i.paymentIntentId() != null).findFirst().map(invoices::withRefunds);
            if (paid.isEmpty() || paid.get().refundable() < 2) continue;
            used.add(c.subscriptionId());
            return editor.refund(paid.get(), paid.get().refundable() / 2, "requested_by_customer", reason);
        }
        return null;
    }

    /** An open invoice of a customer whose card declines again: the retry ends failed, as it would in real life. */
    private EditOutcome retryDeclinedPayment(String reason) {
        Optional<String[]> declined = database.run("finding a declined invoice of the demo Stripe", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT i.id, i.customer FROM demo_stripe.objects i "
                    + "JOIN demo_stripe.objects c ON c.id = i.customer AND c.object = 'customer' "
                    + "WHERE i.object = 'invoice' AND i.body->>'status' = 'open' AND c.demo_state->>'declines' = 'true' ORDER BY i.id LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[]{rs.getString(1), rs.getString(2)}) : Optional.<String[]>empty();
            }
        });
        if (declined.isEmpty()) return null;
        return invoices.recent(declined.get()[1]).stream().filter(i -> i.id().equals(declined.get()[0])).findFirst()
                .map(i -> editor.retryPayment(i, reason))
                .orElse(null);
    }

    /** The first unused active subscription of these tiers, by id, that is the same in Postgres and Stripe and not cancelling or paused. */
    private Optional<SubscriptionSnapshot> clean(List<String> tiers) {
        for (Candidate c : candidates(tiers)) {
            if (used.contains(c.subscriptionId())) continue;
            SubscriptionSnapshot s = editor.open(c.subscriptionId(), CancelSignal.NONE);
            if (!s.inPostgres() || !s.inStripe() || !s.mirrorDifferences().isEmpty() || !untouched(s.stripe())) continue;
            used.add(c.subscriptionId());
            return Optional.of(s);
        }
        return Optional.empty();
    }

    private static boolean untouched(PlanState stripe) {
        return "active".equals(stripe.status()) && !stripe.cancelAtPeriodEnd() && stripe.pauseBehavior() == null;
    }

    private List<Candidate> candidates(List<String> tiers) {
        if (tiers.isEmpty()) return List.of();
        return database.run("choosing the demo's edited subscriptions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.stripe_subscription_id, u.stripe_customer_id FROM subscriptions s "
                    + "LEFT JOIN cascade_users u ON u.id = s.user_id WHERE s.status = 'active' AND s.stripe_subscription_id IS NOT NULL "
                    + "AND s.tier = ANY (?) ORDER BY s.id LIMIT " + (CANDIDATES + used.size()))) {
                ps.setArray(1, c.createArrayOf("text", tiers.toArray()));
                List<Candidate> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Candidate(rs.getString(1), rs.getString(2)));
                }
                return out;
            }
        });
    }
}
