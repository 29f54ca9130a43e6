package ai.cascade.ops.billing;

import ai.cascade.ops.config.Tier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.Set;

/**
 * Postgres' side of a subscription: the backend's {@code subscriptions} row and the user's mirrored columns, plus
 * Ops' own {@code ops.subscription_state} for what has no backend column. Writes are idempotent (the backend's
 * webhook writes the same values) and always touch the row, so its {@code xmin} moves and stale edits are refused.
 */
final class SubscriptionMirror {
    /** Statuses after which the user is back on the free tier. */
    private static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");
    static final String FREE_TIER = "observer";

    /** The Postgres side as read, with its row versions. */
    record Row(int id, Integer userId, String username, String customerId, String version, PlanState plan) {}

    private final StripePlans plans;

    SubscriptionMirror(StripePlans plans) {
        this.plans = plans;
    }

    Optional<Row> read(Connection c, String stripeSubscriptionId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT s.id, s.user_id, u.venice_username, u.stripe_customer_id, s.tier, s.amount, s.status, "
                        + "s.current_period_start, s.current_period_end, coalesce(o.cancel_at_period_end, false), o.pause_behavior, "
                        + "o.stripe_price_id, s.xmin::text || '/' || coalesce(o.xmin::text, '-') "
                        + "FROM subscriptions s LEFT JOIN cascade_users u ON u.id = s.user_id "
                        + "LEFT JOIN ops.subscription_state o ON o.stripe_subscription_id = s.stripe_subscription_id "
                        + "WHERE s.stripe_subscription_id = ?")) {
            st.setQueryTimeout(5);
            st.setString(1, stripeSubscriptionId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                String tier = rs.getString(5);
                String currency = plans.tier(tier).map(Tier::currency).map(code -> code.toLowerCase(java.util.Locale.ROOT)).orElse(null);
                PlanState plan = new PlanState(tier, rs.getString(12), rs.getObject(6, Integer.class), currency, rs.getString(7),
                        rs.getObject(8, LocalDateTime.class), rs.getObject(9, LocalDateTime.class), rs.getBoolean(10), rs.getString(11));
                return Optional.of(new Row(rs.getInt(1), rs.getObject(2, Integer.class), rs.getString(3), rs.getString(4),
                        rs.getString(13), plan));
            }
        }
    }

    /**
     * Writes Stripe's state into Postgres on the caller's transaction. Returns false when Postgres has no row for the
     * subscription (the backend creates rows; Ops never inserts into its tables) — Ops' own state is written anyway.
     */
    boolean write(Connection c, String stripeSubscriptionId, PlanState stripe, LocalDateTime pauseResumesAt) throws SQLException {
        Integer userId = null;
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE subscriptions SET tier = coalesce(?, tier), amount = ?, status = ?, current_period_start = ?, "
                        + "current_period_end = ? WHERE stripe_subscription_id = ? RETURNING user_id")) {
            st.setQueryTimeout(5);
            st.setString(1, stripe.tier());
            if (stripe.amount() == null) st.setNull(2, Types.INTEGER); else st.setInt(2, stripe.amount());
            st.setString(3, stripe.status());
            st.setObject(4, stripe.periodStart());
            st.setObject(5, stripe.periodEnd());
            st.setString(6, stripeSubscriptionId);
            boolean found;
            try (ResultSet rs = st.executeQuery()) {
                found = rs.next();
                if (found) userId = rs.getObject(1, Integer.class);
            }
            writeOwnState(c, stripeSubscriptionId, stripe, pauseResumesAt);
            if (!found) return false;
        }
        if (userId != null) writeUser(c, userId, stripeSubscriptionId, stripe);
        return true;
    }

    /** The user's columns follow only their latest subscription: adopting an old one must not change their tier. */
    private static void writeUser(Connection c, int userId, String stripeSubscriptionId, PlanState stripe) throws SQLException {
        boolean ended = ENDED.contains(stripe.status());
        if (!ended && stripe.tier() == null) return;   // a price the configuration does not know: leave the tier as it is
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE cascade_users u SET subscription_tier = ?, subscription_status = ? WHERE u.id = ? AND NOT EXISTS ("
                        + "SELECT 1 FROM subscriptions o, subscriptions s WHERE s.stripe_subscription_id = ? AND o.user_id = u.id "
                        + "AND o.id <> s.id AND (o.created_at, o.id) > (s.created_at, s.id))")) {
            st.setQueryTimeout(5);
            st.setString(1, ended ? FREE_TIER : stripe.tier());
            st.setString(2, stripe.status());
            st.setInt(3, userId);
            st.setString(4, stripeSubscriptionId);
            st.executeUpdate();
        }
    }

    private static void writeOwnState(Connection c, String id, PlanState stripe, LocalDateTime pauseResumesAt) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO ops.subscription_state AS o (stripe_subscription_id, cancel_at_period_end, pause_behavior, "
                        + "pause_resumes_at, stripe_price_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (stripe_subscription_id) DO UPDATE SET "
                        + "cancel_at_period_end = excluded.cancel_at_period_end, pause_behavior = excluded.pause_behavior, "
                        + "pause_resumes_at = excluded.pause_resumes_at, stripe_price_id = excluded.stripe_price_id, "
                        + "updated_at = now() AT TIME ZONE 'UTC'")) {
            st.setQueryTimeout(5);
            st.setString(1, id);
            st.setBoolean(2, stripe.cancelAtPeriodEnd());
            st.setString(3, stripe.pauseBehavior());
            st.setObject(4, pauseResumesAt);
            st.setString(5, stripe.priceId());
            st.executeUpdate();
        }
    }
}
