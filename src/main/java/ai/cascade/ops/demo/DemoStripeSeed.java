package ai.cascade.ops.demo;

import ai.cascade.ops.config.Tier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Fills the local Stripe from the demo data: a customer per Stripe customer id, a subscription per
 * subscription row (with its item, price and invoices), and deliberate drift for the drift check.
 * All in SQL ({@code db/demo-stripe/seed.sql}): a million-user demo must not wait on row-by-row Java.
 */
final class DemoStripeSeed {
    private static final Logger log = LoggerFactory.getLogger(DemoStripeSeed.class);

    private DemoStripeSeed() {}

    /** Seeds when {@code demo_stripe.objects} is empty; the caller holds the mutation lock. */
    static void seedIfEmpty(Connection c, List<Tier> tiers, long now) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM demo_stripe.objects)")) {
            rs.next();
            if (rs.getBoolean(1)) return;
        }
        seed(c, tiers, now);
    }

    /** Forgets every object, key and logged request, then seeds anew (a demo reset). */
    static void reseed(Connection c, List<Tier> tiers, long now) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("TRUNCATE demo_stripe.objects, demo_stripe.idempotency, demo_stripe.requests");
        }
        seed(c, tiers, now);
    }

    private static void seed(Connection c, List<Tier> tiers, long now) throws SQLException {
        long started = System.nanoTime();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE seed_tiers(name text, price_id text, interval text, currency text, amount int, position int) ON COMMIT DROP");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO seed_tiers VALUES (?, ?, ?, ?, ?, ?)")) {
            int position = 0;
            for (Tier t : tiers) {
                if (t.isFree()) continue;   // the free tier has no Stripe price
                ps.setString(1, t.name());
                ps.setString(2, t.stripePriceId());
                ps.setString(3, t.interval() == null ? "month" : t.interval());
                ps.setString(4, t.currency() == null ? "eur" : t.currency().toLowerCase(java.util.Locale.ROOT));
                ps.setInt(5, t.unitAmount());
                ps.setInt(6, position++);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        String script = DemoStripeStore.resource("seed.sql").replace("${now}", Long.toString(now));
        try (Statement st = c.createStatement()) {
            // building the list indexes once at the end is cheaper than growing them row by row; createSchema makes them again
            st.execute("DROP INDEX IF EXISTS demo_stripe.objects_newest, demo_stripe.objects_by_customer, demo_stripe.objects_by_subscription");
            for (String statement : script.split(";\\s*\\n")) {   // one at a time, so a slow one shows in the log
                if (statement.isBlank()) continue;
                long t = System.nanoTime();
                st.execute(statement);
                log.debug("Seeding step took {} ms: {}", (System.nanoTime() - t) / 1_000_000, firstLine(statement));
            }
        }
        DemoStripeStore.createSchema(c);
        recordSeeding(c);
        log.info("Seeded the demo Stripe from the demo data in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Records, in the seed's own transaction, which dataset the objects came from (a kill before the commit leaves the
     * previous record, so the next start seeds again); the edit history against them is still to be made.
     */
    private static void recordSeeding(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_stripe.seeding(only_row, dataset, seeded_at) "
                + "VALUES (true, ?, now() AT TIME ZONE 'UTC') ON CONFLICT (only_row) DO UPDATE "
                + "SET dataset = EXCLUDED.dataset, seeded_at = EXCLUDED.seeded_at, history_made_at = NULL")) {
            ps.setObject(1, currentDataset(c));
            ps.executeUpdate();
        }
    }

    /** The completion time of the demo dataset in Postgres now (its identity), or null when there is no complete one. */
    static LocalDateTime currentDataset(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('demo.dataset') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) return null;
            }
            try (ResultSet rs = st.executeQuery("SELECT max(completed_at) FROM demo.dataset")) {
                rs.next();
                return rs.getObject(1, LocalDateTime.class);
            }
        }
    }

    private static String firstLine(String statement) {
        return statement.lines().filter(l -> !l.isBlank() && !l.startsWith("--")).findFirst().orElse("").strip();
    }
}
