package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.DriftReport.Drift;
import ai.cascade.ops.billing.DriftReport.Kind;
import ai.cascade.ops.config.Tier;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.param.SubscriptionListParams;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Compares Postgres' mirror of the subscriptions with Stripe's, the system of record: every subscription whose tier,
 * status, period, pending cancel or paused collection differs, and those missing on either side. Stripe's side is
 * read first, page by page, into a map of compact plans; Postgres' side is then streamed through a
 * server-side cursor and compared row by row, so neither side's full objects are ever held.
 */
public final class DriftCheck {
    /** Receives a line saying how far the check has come ("2,300 Stripe subscriptions read"). */
    @FunctionalInterface
    public interface Progress {
        void report(String message);
    }

    /** How many drifts a report lists; more are counted, not kept (a broken webhook can make every row drift). */
    public static final int KEPT = 10_000;
    private static final long PAGE = 100;
    private static final int FETCH_SIZE = 2_000;
    private static final String POSTGRES_SIDE = "SELECT s.stripe_subscription_id, s.user_id, u.venice_username, s.tier, s.amount, "
            + "s.status, s.current_period_start, s.current_period_end, coalesce(o.cancel_at_period_end, false), o.pause_behavior, "
            + "o.stripe_price_id FROM subscriptions s LEFT JOIN cascade_users u ON u.id = s.user_id "
            + "LEFT JOIN ops.subscription_state o ON o.stripe_subscription_id = s.stripe_subscription_id";

    private final Connections connections;
    private final StripePlans plans;
    private final Clock clock;
    private final int kept;

    public DriftCheck(Connections connections, List<Tier> tiers) {
        this(connections, tiers, Clock.systemUTC(), KEPT);
    }

    DriftCheck(Connections connections, List<Tier> tiers, Clock clock, int kept) {
        this.connections = connections;
        this.plans = new StripePlans(tiers);
        this.clock = clock;
        this.kept = kept;
    }

    /** False when the profile has no Stripe key: there is nothing to compare with. */
    public boolean stripeConfigured() {
        return connections.stripe().isPresent();
    }

    /**
     * Reads every subscription of both sides and lists their differences. Stops between Stripe pages and Postgres
     * rows when {@code cancel} fires ({@link CancellationException}); a failure of either side is a
     * {@link BackendException} that says what to do.
     */
    public DriftReport run(CancelSignal cancel, Progress progress) {
        StripeAccess stripe = connections.stripe().orElseThrow(() -> new BackendException(Backend.STRIPE,
                "Stripe is not configured in this profile: add its secret key under File → Connections to check drift."));
        AtomicBoolean stopped = new AtomicBoolean();
        cancel.onCancel(() -> stopped.set(true));
        var started = clock.instant();
        Map<String, Compact> stripeSide = readStripe(stripe, cancel, stopped, progress);
        int stripeCount = stripeSide.size();
        DriftReport.Collector found = new DriftReport.Collector(kept);
        int postgresCount = readPostgres(stripeSide, found, cancel, stopped, progress);
        stripeSide.forEach((id, plan) -> found.add(new Drift(Kind.MISSING_IN_POSTGRES, id, null, null, List.of(), null, plan.plan())));
        return found.report(started, stripeCount, postgresCount);
    }

    /** Every Stripe subscription of any status, by id; pages follow {@code starting_after} until {@code has_more} is false. */
    private Map<String, Compact> readStripe(StripeAccess stripe, CancelSignal cancel, AtomicBoolean stopped, Progress progress) {
        Map<String, Compact> byId = new HashMap<>();
        Map<String, String> words = new HashMap<>();
        String last = null;
        boolean more = true;
        while (more) {
            if (stopped.get() || cancel.isCancelled()) throw new CancellationException("drift check cancelled");
            StripeCollection<Subscription> page = page(stripe, last);
            for (Subscription s : page.getData()) {
                byId.put(s.getId(), Compact.of(plans.of(s), words));
                last = s.getId();
            }
            more = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty();
            progress.report(String.format(Locale.getDefault(), "%,d Stripe subscriptions read", byId.size()));
        }
        return byId;
    }

    private static StripeCollection<Subscription> page(StripeAccess stripe, String startingAfter) {
        SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                .setStatus(SubscriptionListParams.Status.ALL).setLimit(PAGE);
        if (startingAfter != null) params.setStartingAfter(startingAfter);
        try {
            return stripe.client().v1().subscriptions().list(params.build());
        } catch (StripeException e) {
            throw stripe.explain("listing the subscriptions" + (startingAfter == null ? "" : " after " + startingAfter), e);
        }
    }

    /**
     * Stripe's side of one subscription, as small as it can be while the whole account is held: times as epoch seconds
     * (two LocalDateTimes cost ~150 bytes), no boxed amount, and the repeated words (price ids, statuses, currencies)
     * shared rather than copied from each parsed page. Measured with the map's entry and the id: 1M take ~165 MB.
     */
    private record Compact(String tier, String priceId, int amount, String currency, String status, long start, long end,
                           boolean cancelAtPeriodEnd, String pauseBehavior) {
        private static final int NO_AMOUNT = Integer.MIN_VALUE;
        private static final long NO_TIME = Long.MIN_VALUE;

        static Compact of(PlanState p, Map<String, String> words) {
            return new Compact(shared(p.tier(), words), shared(p.priceId(), words), p.amount() == null ? NO_AMOUNT : p.amount(),
                    shared(p.currency(), words), shared(p.status(), words), seconds(p.periodStart()), seconds(p.periodEnd()),
                    p.cancelAtPeriodEnd(), shared(p.pauseBehavior(), words));
        }

        PlanState plan() {
            return new PlanState(tier, priceId, amount == NO_AMOUNT ? null : amount, currency, status, time(start), time(end),
                    cancelAtPeriodEnd, pauseBehavior);
        }

        private static String shared(String word, Map<String, String> words) {
            return word == null ? null : words.computeIfAbsent(word, w -> w);
        }

        private static long seconds(LocalDateTime t) {
            return t == null ? NO_TIME : t.toEpochSecond(ZoneOffset.UTC);
        }

        private static LocalDateTime time(long seconds) {
            return seconds == NO_TIME ? null : LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        }
    }

    private int readPostgres(Map<String, Compact> stripeSide, DriftReport.Collector found, CancelSignal cancel,
                             AtomicBoolean stopped, Progress progress) {
        try {
            int n = connections.database().run("reading the subscriptions to compare with Stripe",
                    c -> compare(c, stripeSide, found, cancel, stopped, progress));
            if (stopped.get() || cancel.isCancelled()) throw new CancellationException("drift check cancelled");
            return n;
        } catch (BackendException e) {
            // a cancel stops the query on the server, which answers with an error: that is the cancel, not a failure
            if (stopped.get() || cancel.isCancelled()) throw new CancellationException("drift check cancelled");
            throw e;
        }
    }

    /** Streams Postgres' rows, taking each matched one out of {@code stripeSide}: what is left is missing in Postgres. */
    private int compare(Connection c, Map<String, Compact> stripeSide, DriftReport.Collector found, CancelSignal cancel,
                        AtomicBoolean stopped, Progress progress) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);   // pgjdbc uses a cursor (fetch size) only inside a transaction
        try (PreparedStatement st = c.prepareStatement(POSTGRES_SIDE)) {
            st.setFetchSize(FETCH_SIZE);
            cancel.onCancel(() -> cancelQuietly(st));
            int n = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (!stopped.get() && rs.next()) {
                    compareRow(rs, stripeSide, found);
                    if (++n % FETCH_SIZE == 0)
                        progress.report(String.format(Locale.getDefault(), "%,d Postgres subscriptions compared", n));
                }
            }
            progress.report(String.format(Locale.getDefault(), "%,d Postgres subscriptions compared", n));
            return n;
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private void compareRow(ResultSet rs, Map<String, Compact> stripeSide, DriftReport.Collector found) throws SQLException {
        String id = rs.getString(1);
        Integer userId = rs.getObject(2, Integer.class);
        String username = rs.getString(3);
        PlanState postgres = postgresPlan(rs);
        if (id == null || id.isBlank()) {
            found.add(new Drift(Kind.NO_STRIPE_ID, id, username, userId, List.of(), postgres, null));
            return;
        }
        Compact held = stripeSide.remove(id);
        if (held == null) {
            found.add(new Drift(Kind.MISSING_IN_STRIPE, id, username, userId, List.of(), postgres, null));
            return;
        }
        PlanState stripe = held.plan();
        List<PlanState.Difference> differences = postgres.differences(stripe);
        if (!differences.isEmpty()) found.add(new Drift(Kind.DIFFERENT, id, username, userId, differences, postgres, stripe));
    }

    /** Postgres' plan as {@link SubscriptionMirror} reads it; the currency in lower case, as Stripe writes it. */
    private PlanState postgresPlan(ResultSet rs) throws SQLException {
        String tier = rs.getString(4);
        String currency = plans.tier(tier).map(Tier::currency).map(x -> x.toLowerCase(Locale.ROOT)).orElse(null);
        return new PlanState(tier, rs.getString(11), rs.getObject(5, Integer.class), currency, rs.getString(6),
                rs.getObject(7, LocalDateTime.class), rs.getObject(8, LocalDateTime.class), rs.getBoolean(9), rs.getString(10));
    }

    private static void cancelQuietly(PreparedStatement st) {
        try {
            st.cancel();
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(DriftCheck.class).debug("cancel failed: {}", e.getMessage());
        }
    }
}
