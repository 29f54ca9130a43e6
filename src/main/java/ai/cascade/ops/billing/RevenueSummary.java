package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.Tier;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Active subscriptions and monthly recurring revenue per tier, computed in SQL in one pass over
 * {@code subscriptions}. MRR (DATA-MODEL.md) normalises each active, trialing or past_due subscription's
 * amount to a month with its tier's configured interval: a year is a twelfth, a week 52/12, a day 365/12.
 * Currencies are never added together: tiers and totals are per currency. A tier missing from the
 * configuration (or with an interval not understood) is reported as not counted rather than guessed.
 */
public final class RevenueSummary {
    /** A configured tier's figures; {@code mrr} in minor units of {@code currency}, rounded to a whole unit. */
    public record TierRevenue(String tier, String currency, String interval, long subscriptions, long active, long trialing,
                              long pastDue, long withoutAmount, BigDecimal mrr) {}

    /** All configured tiers of one currency. */
    public record CurrencyTotal(String currency, long active, long trialing, long pastDue, BigDecimal mrr) {}

    /** Subscriptions that bill (active, trialing, past_due) but whose tier cannot be priced, and why. */
    public record NotCounted(String tier, long subscriptions, String reason) {}

    public record Revenue(List<TierRevenue> tiers, List<CurrencyTotal> totals, List<NotCounted> notCounted, List<String> tiersInUse) {}

    public static final String NOT_CONFIGURED = "tier not configured — not counted in MRR";
    private static final int TIMEOUT_SECONDS = 30;
    private static final String BILLING = "s.status IN ('active', 'trialing', 'past_due')";
    // twelfths: amount × periods per year, divided by 12 once per tier, so a yearly price loses no cent to rounding
    private static final String SQL = "WITH cfg AS ("
            + "  SELECT name, billing_interval, currency, CASE billing_interval WHEN 'month' THEN 12 WHEN 'year' THEN 1 "
            + "         WHEN 'week' THEN 52 WHEN 'day' THEN 365 END AS periods_per_year"
            + "  FROM unnest(?::text[], ?::text[], ?::text[]) AS c(name, billing_interval, currency)), "
            + "per_tier AS ("
            + "  SELECT s.tier, cfg.name IS NOT NULL AS configured, cfg.currency, cfg.billing_interval, cfg.periods_per_year, "
            + "    count(*) AS subscriptions, count(*) FILTER (WHERE s.status = 'active') AS active, "
            + "    count(*) FILTER (WHERE s.status = 'trialing') AS trialing, count(*) FILTER (WHERE s.status = 'past_due') AS past_due, "
            + "    count(*) FILTER (WHERE " + BILLING + " AND s.amount IS NULL) AS without_amount, "
            + "    sum(s.amount::numeric * cfg.periods_per_year) FILTER (WHERE " + BILLING + ") AS twelfths "
            + "  FROM subscriptions s LEFT JOIN cfg ON cfg.name = s.tier GROUP BY 1, 2, 3, 4, 5) "
            + "SELECT false AS total, tier, configured, currency, billing_interval, periods_per_year, subscriptions, active, trialing, "
            + "  past_due, without_amount, round(coalesce(twelfths, 0) / 12) FROM per_tier "
            + "UNION ALL "
            + "SELECT true, NULL, true, currency, NULL, NULL, sum(subscriptions), sum(active), sum(trialing), sum(past_due), "
            + "  sum(without_amount), round(coalesce(sum(twelfths), 0) / 12) FROM per_tier "
            + "WHERE configured AND periods_per_year IS NOT NULL AND currency IS NOT NULL GROUP BY currency "
            + "ORDER BY 1, 4, 2";

    private final Connections connections;
    private final ConfiguredTiers tiers;

    public RevenueSummary(Connections connections, List<Tier> tiers) {
        this.connections = connections;
        this.tiers = new ConfiguredTiers(tiers);
    }

    /** The figures as of now; a full scan of {@code subscriptions}, limited to 30 seconds. */
    public Revenue summary(CancelSignal cancel) {
        return connections.database().prepared("summing monthly recurring revenue", TIMEOUT_SECONDS, cancel, SQL, st -> {
            st.setArray(1, st.getConnection().createArrayOf("text", tiers.names().toArray()));
            tiers.intervalArray().bind(st, 2);
            tiers.currencyArray().bind(st, 3);
            try (ResultSet rs = st.executeQuery()) {
                return read(rs);
            }
        });
    }

    private static Revenue read(ResultSet rs) throws SQLException {
        List<TierRevenue> perTier = new ArrayList<>();
        List<CurrencyTotal> totals = new ArrayList<>();
        List<NotCounted> notCounted = new ArrayList<>();
        List<String> inUse = new ArrayList<>();
        while (rs.next()) {
            long active = rs.getLong(8), trialing = rs.getLong(9), pastDue = rs.getLong(10);
            if (rs.getBoolean(1)) {
                totals.add(new CurrencyTotal(rs.getString(4), active, trialing, pastDue, rs.getBigDecimal(12)));
                continue;
            }
            String tier = rs.getString(2);
            inUse.add(tier == null ? SubscriptionQuery.NONE : tier);
            long billing = active + trialing + pastDue;
            if (!rs.getBoolean(3)) {
                if (billing > 0) notCounted.add(new NotCounted(tier == null ? SubscriptionQuery.NONE : tier, billing, NOT_CONFIGURED));
            } else if (rs.getObject(6) == null || rs.getString(4) == null) {
                if (billing > 0) notCounted.add(new NotCounted(tier, billing, rs.getString(4) == null
                        ? "no currency configured — not counted in MRR"
                        : "billing interval \"" + rs.getString(5) + "\" not understood — not counted in MRR"));
            } else {
                perTier.add(new TierRevenue(tier, rs.getString(4), rs.getString(5), rs.getLong(7), active, trialing, pastDue,
                        rs.getLong(11), rs.getBigDecimal(12)));
            }
        }
        return new Revenue(perTier, totals, notCounted, inUse);
    }
}
