package ai.cascade.ops.demo;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.CustomerInvoices;
import ai.cascade.ops.billing.EditOutcome;
import ai.cascade.ops.billing.InvoiceSummary;
import ai.cascade.ops.billing.PlanState;
import ai.cascade.ops.billing.ProrationPreview;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.billing.SubscriptionEdit;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.billing.SubscriptionEditor;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A little real edit history for a demo whose Stripe was just seeded anew, so the Audit page and "Edits in flight"
 * show what support's work looks like: two tier changes, a cancellation at period end, a paused collection, a partial
 * refund and a payment retry that the customer's card declines. Each goes through {@link SubscriptionEditor} against
 * the demo Stripe (journal, Stripe, mirror, audit), on subscriptions chosen by id so every demo shows the same ones.
 * Every edit is best effort: one that is refused or fails is logged and the demo starts anyway.
 */
final class DemoEditHistory {
    private static final Logger log = LoggerFactory.getLogger(DemoEditHistory.class);
    /** How many subscriptions of a kind are opened at most to find one without drift. */
    private static final int CANDIDATES = 20;

    /** How the history went: edits Stripe applied, edits that ended failed (the declined card), edits not made. */
    record Summary(int done, int failed, int notMade, Duration took) {}

    /** A subscription the history may edit, with its customer (for the invoices). */
    private record Candidate(String subscriptionId, String customerId) {}

    private final SubscriptionEditor editor;
    private final CustomerInvoices invoices;
    private final Database database;
    private final List<Tier> monthly;
    private final Set<String> used = new HashSet<>();
    private int done;
    private int failed;
    private int notMade;
    /** Postgres or Stripe did not answer: the edits after it are left out. */
    private boolean unavailable;

    private DemoEditHistory(Connections connections, Database database, List<Tier> tiers) {
        this.editor = new SubscriptionEditor(connections, tiers, ConnectionProfile.DEMO_NAME);
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
        long started = System.nanoTime();
        DemoEditHistory history;
        try (Database database = new Database(PostgresAddress.parse(postgresUrl), "CASCADE Ops demo history", 2)) {
            history = new DemoEditHistory(connections(database, new StripeAccess(DemoStripe.KEY, stripeUrl)), database, tiers);
            history.makeAll();
        } catch (InvalidSettingException | RuntimeException e) {
            log.info("The demo starts without an edit history: {}", e.getMessage());
            return new Summary(0, 0, 0, Duration.ofNanos(System.nanoTime() - started));
        }
        Summary summary = new Summary(history.done, history.failed, history.notMade, Duration.ofNanos(System.nanoTime() - started));
        log.info("Made the demo's edit history in {} ms: {} edits done, {} failed at Stripe, {} not made",
                summary.took().toMillis(), summary.done(), summary.failed(), summary.notMade());
        return summary;
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
        Optional<Tier[]> up = tierStep(true);
        Optional<Tier[]> down = tierStep(false);
        attempt("an upgrade", () -> up.map(this::upgrade).orElse(null));
        attempt("a downgrade", () -> down.map(this::downgrade).orElse(null));
        attempt("a cancellation at period end", () -> editAny(new SubscriptionEdit.CancelAtPeriodEnd(),
                "Customer is closing their workshop at the end of the season and asked by e-mail to cancel at the end of the period."));
        attempt("a paused collection", () -> editAny(new SubscriptionEdit.PauseCollection("keep_as_draft"),
                "Customer is travelling for two months; collection paused at their request, invoices kept as drafts."));
        attempt("a partial refund", this::partialRefund);
        attempt("a payment retry", this::retryDeclinedPayment);
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

    private EditOutcome upgrade(Tier[] step) {
        return clean(List.of(step[0].name())).map(s -> {
            ProrationPreview preview = editor.preview(s, step[1].name(), ProrationBehavior.CREATE_PRORATIONS);
            return editor.apply(s, preview.edit(), "Customer asked by e-mail to upgrade to " + step[1].name()
                    + "; the proration goes on their next invoice, as the preview showed them.");
        }).orElse(null);
    }

    private EditOutcome downgrade(Tier[] step) {
        long now = Clock.systemUTC().instant().getEpochSecond();
        return clean(List.of(step[0].name())).map(s -> editor.apply(s,
                new SubscriptionEdit.ChangeTier(step[1].name(), ProrationBehavior.NONE, now),
                "Customer asked by phone to move down to " + step[1].name() + "; no proration, as offered in the ticket.")).orElse(null);
    }

    private EditOutcome editAny(SubscriptionEdit edit, String reason) {
        return clean(monthly.stream().map(Tier::name).toList()).map(s -> editor.apply(s, edit, reason)).orElse(null);
    }

    /** Half of a customer's last paid invoice, refunded as a goodwill gesture. */
    private EditOutcome partialRefund() {
        for (Candidate c : candidates(monthly.stream().map(Tier::name).toList())) {
            if (c.customerId() == null || used.contains(c.subscriptionId())) continue;
            Optional<InvoiceSummary> paid = invoices.recent(c.customerId()).stream()
                    .filter(i -> "paid".equals(i.status()) && i.paymentIntentId() != null).findFirst().map(invoices::withRefunds);
            if (paid.isEmpty() || paid.get().refundable() < 2) continue;
            used.add(c.subscriptionId());
            return editor.refund(paid.get(), paid.get().refundable() / 2, "requested_by_customer",
                    "The service was down for most of the customer's working day; half of the invoice refunded as a goodwill gesture.");
        }
        return null;
    }

    /** An open invoice of a customer whose card declines again: the retry ends failed, as it would in real life. */
    private EditOutcome retryDeclinedPayment() {
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
                .map(i -> editor.retryPayment(i, "Customer says they updated their card and asked us to retry the open invoice."))
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
