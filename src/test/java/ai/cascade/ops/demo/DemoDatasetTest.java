package ai.cascade.ops.demo;

import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated Postgres data, checked with SQL of its own rather than with the generator's code. */
class DemoDatasetTest {
    static final int USERS = 2_000;
    static final long SEED = 7;
    static final List<Tier> TIERS = Settings.defaultTiers();
    static DataSource ds;
    static Instant before;

    @BeforeAll
    static void generate() throws SQLException {
        ds = TestServers.admin(TestServers.freshDatabaseUrl("demo_dataset"));
        assertThat(DemoDataset.completedAt(ds)).as("a fresh database has no demo data").isEmpty();
        before = Instant.now().minusSeconds(1);
        DemoDataset.generate(ds, USERS, TIERS, SEED, message -> { }, () -> false);
    }

    @Test
    void aCompletedGenerationIsMarkedWithItsMomentSizeAndSeed() {
        DemoDataset.Marker marker = DemoDataset.marker(ds).orElseThrow();
        assertThat(marker.completedAt()).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(marker.users()).isEqualTo(USERS);
        assertThat(marker.seed()).isEqualTo(SEED);
        assertThat(DemoDataset.completedAt(ds)).contains(marker.completedAt());
    }

    @Test
    void generatesExactlyTheRequestedUsersWithUniqueVenetianUsernames() throws SQLException {
        assertThat(number("SELECT count(*) FROM cascade_users")).isEqualTo(USERS);
        assertThat(number("SELECT count(DISTINCT venice_username) FROM cascade_users")).isEqualTo(USERS);
        assertThat(number("SELECT min(id) * 10000 + max(id) FROM cascade_users")).isEqualTo(10000 + USERS);
        assertThat(number("SELECT count(*) FROM cascade_users WHERE venice_username ~ '^[A-Za-z]+[_.][A-Za-z]+(_?[0-9]+)?$'"))
                .isGreaterThanOrEqualTo(USERS - 2);
        List<String> families = strings("SELECT DISTINCT split_part(venice_username, '_', 2) FROM cascade_users");
        assertThat(families).contains("Foscari", "Contarini", "Morosini", "Dandolo", "Mocenigo");
        assertThat(number("SELECT nextval(pg_get_serial_sequence('cascade_users', 'id'))"))
                .as("the backend's next sign-up gets a free id").isGreaterThan(USERS);
    }

    @Test
    void everyConfiguredTierIsPresentAndMostUsersObserve() throws SQLException {
        Set<String> tiers = Set.copyOf(strings("SELECT DISTINCT subscription_tier FROM cascade_users"));
        assertThat(tiers).containsAll(TIERS.stream().map(Tier::name).toList());
        double observers = number("SELECT count(*) FROM cascade_users WHERE subscription_tier = 'observer'") / (double) USERS;
        assertThat(observers).isBetween(0.62, 0.78);
        assertThat(number("SELECT count(*) FROM cascade_users WHERE subscription_tier <> 'observer' AND stripe_customer_id IS NULL"))
                .as("every paying user is a Stripe customer").isZero();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE subscription_tier = 'observer' AND stripe_customer_id IS NULL"))
                .as("many free users never met Stripe").isGreaterThan(USERS / 2);
    }

    @Test
    void generatesEveryStripeStatusAndUniqueStripeIds() throws SQLException {
        assertThat(strings("SELECT DISTINCT status FROM subscriptions")).containsExactlyInAnyOrder(
                "incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused");
        assertThat(strings("SELECT status FROM subscriptions GROUP BY status ORDER BY count(*) DESC LIMIT 1")).containsExactly("active");
        assertThat(number("SELECT count(*) FROM subscriptions WHERE stripe_subscription_id !~ '^sub_[A-Za-z0-9]{14}$'")).isZero();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE stripe_customer_id !~ '^cus_[A-Za-z0-9]{14}$'")).isZero();
        assertThat(number("SELECT count(DISTINCT stripe_customer_id) - count(stripe_customer_id) FROM cascade_users")).isZero();
        assertThat(number("SELECT count(DISTINCT stripe_subscription_id) - count(*) FROM subscriptions")).isZero();
    }

    @Test
    void subscriptionsChargeTheirTiersPriceOverTheTiersInterval() throws SQLException {
        StringBuilder prices = new StringBuilder("(VALUES ('legacy_gold', 4900, 'month')");
        for (Tier t : TIERS) prices.append(", ('").append(t.name()).append("', ").append(t.unitAmount()).append(", '").append(t.interval()).append("')");
        String join = "FROM subscriptions s JOIN " + prices + ") AS p(tier, amount, iv) ON p.tier = s.tier ";
        assertThat(number("SELECT count(*) FROM subscriptions")).isEqualTo(number("SELECT count(*) " + join));
        assertThat(number("SELECT count(*) " + join + "WHERE s.amount <> p.amount")).isZero();
        assertThat(number("SELECT count(*) " + join + "WHERE s.status <> 'trialing' AND s.current_period_end - s.current_period_start "
                + "NOT BETWEEN CASE p.iv WHEN 'year' THEN interval '365 days' ELSE interval '28 days' END "
                + "AND CASE p.iv WHEN 'year' THEN interval '366 days' ELSE interval '31 days' END")).isZero();
        assertThat(number("SELECT count(*) FROM subscriptions WHERE status = 'trialing' AND current_period_end - current_period_start <> interval '14 days'")).isZero();
        assertThat(number("SELECT count(*) FROM subscriptions s JOIN cascade_users u ON u.id = s.user_id WHERE s.created_at < u.created_at "
                + "OR s.current_period_start < u.created_at OR s.current_period_end <= s.current_period_start")).isZero();
    }

    @Test
    void eachPayingUserHasOneCurrentSubscriptionAndSomeAnOlderCanceledOne() throws SQLException {
        assertThat(number("SELECT count(*) FROM cascade_users u WHERE subscription_tier <> 'observer' "
                + "AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id)")).isZero();
        long twice = number("SELECT count(*) FROM (SELECT user_id FROM subscriptions s JOIN cascade_users u ON u.id = s.user_id "
                + "WHERE u.subscription_tier <> 'observer' GROUP BY user_id HAVING count(*) = 2) x");
        long paying = number("SELECT count(*) FROM cascade_users WHERE subscription_tier <> 'observer'");
        assertThat(twice / (double) paying).isBetween(0.08, 0.30);
        assertThat(number("SELECT count(*) FROM (SELECT user_id FROM subscriptions GROUP BY user_id HAVING count(*) > 2) x")).isZero();
        assertThat(number("SELECT count(*) FROM cascade_users u JOIN subscriptions s ON s.user_id = u.id "
                + "WHERE u.subscription_tier = 'observer' AND s.status = 'canceled'")).as("free users who once paid").isPositive();
    }

    @Test
    void theUserMirrorsTheTierAndStatusOfTheirLatestSubscription() throws SQLException {
        String latest = "SELECT DISTINCT ON (user_id) user_id, tier, status FROM subscriptions ORDER BY user_id, created_at DESC, id DESC";
        assertThat(number("SELECT count(*) FROM cascade_users u JOIN (" + latest + ") l ON l.user_id = u.id "
                + "WHERE u.subscription_tier <> 'observer' AND u.subscription_tier IS DISTINCT FROM l.tier")).isZero();
        assertThat(number("SELECT count(*) FROM cascade_users u JOIN (" + latest + ") l ON l.user_id = u.id "
                + "WHERE u.subscription_status IS DISTINCT FROM l.status")).as("the two lost mirrors (NULL status)").isEqualTo(2);
        assertThat(number("SELECT count(*) FROM cascade_users u JOIN (" + latest + ") l ON l.user_id = u.id "
                + "WHERE l.status IN ('canceled', 'incomplete_expired') AND u.subscription_tier <> 'observer'"))
                .as("a subscription that ended leaves its user on the free tier").isZero();
    }

    @Test
    void somePaidPeriodsEndWithinTheNextSevenDays() throws SQLException {
        assertThat(number("SELECT count(*) FROM subscriptions WHERE status = 'active' AND current_period_end "
                + "BETWEEN (now() AT TIME ZONE 'UTC') AND (now() AT TIME ZONE 'UTC') + interval '7 days'")).isGreaterThanOrEqualTo(2);
        assertThat(number("SELECT count(*) FROM subscriptions WHERE status = 'active' AND current_period_end < now() AT TIME ZONE 'UTC'"))
                .as("an active subscription's period has not ended").isZero();
    }

    @Test
    void timestampsAreUtcAndSpreadOverTheirWindows() throws SQLException {
        Instant now = Instant.now();
        Instant newestLogin = instant("SELECT max(last_login) FROM cascade_users");
        assertThat(newestLogin).isBetween(now.minus(Duration.ofDays(2)), now.plusSeconds(5));
        assertThat(instant("SELECT min(last_login) FROM cascade_users")).isAfter(now.minus(Duration.ofDays(91)));
        assertThat(instant("SELECT min(created_at) FROM cascade_users")).isBetween(now.minus(Duration.ofDays(731)), now.minus(Duration.ofDays(600)));
        assertThat(number("SELECT count(*) FROM cascade_users WHERE last_login < created_at")).isZero();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE last_login IS NULL")).isPositive();
    }

    @Test
    void patternsLiveFiveMinutesAndSomeHaveExpired() throws SQLException {
        assertThat(number("SELECT count(*) FROM consciousness_patterns")).isEqualTo(50);
        assertThat(number("SELECT count(*) FROM consciousness_patterns WHERE expires_at - cached_at <> interval '300 seconds'")).isZero();
        long expired = number("SELECT count(*) FROM consciousness_patterns WHERE expires_at <= now() AT TIME ZONE 'UTC'");
        assertThat(expired).isBetween(5L, 40L);
        assertThat(number("SELECT count(*) FROM consciousness_patterns WHERE venice_source ~ '^citizens/[A-Z][a-z]+_[A-Z][a-z]+$'")).isPositive();
        assertThat(strings("SELECT DISTINCT pattern_type FROM consciousness_patterns")).contains("mood_cycle", "trade_route");
        assertThat(number("SELECT count(*) FROM consciousness_patterns WHERE jsonb_typeof(pattern_data) <> 'object'")).isZero();
    }

    @Test
    void collaborationSessionsAreLiveOrEndedAndNameRealUsers() throws SQLException {
        assertThat(number("SELECT count(*) FROM collaboration_sessions")).isEqualTo(30);
        assertThat(number("SELECT count(*) FROM collaboration_sessions WHERE ended_at IS NULL "
                + "AND created_at > (now() AT TIME ZONE 'UTC') - interval '3 hours'")).isPositive();
        assertThat(number("SELECT count(*) FROM collaboration_sessions WHERE ended_at IS NULL "
                + "AND created_at <= (now() AT TIME ZONE 'UTC') - interval '3 hours 1 minute'")).isZero();
        assertThat(number("SELECT count(*) FROM collaboration_sessions WHERE ended_at IS NOT NULL")).isPositive();
        assertThat(number("SELECT count(*) FROM collaboration_sessions WHERE ended_at <= created_at")).isZero();
        assertThat(number("SELECT count(*) FROM collaboration_sessions WHERE jsonb_array_length(participants) NOT BETWEEN 1 AND 6")).isZero();
        assertThat(number("SELECT count(*) FROM collaboration_sessions c, jsonb_array_elements_text(c.participants) p(name) "
                + "WHERE NOT EXISTS (SELECT 1 FROM cascade_users u WHERE u.venice_username = p.name)")).isZero();
        assertThat(number("SELECT count(*) FROM collaboration_sessions c JOIN cascade_users u ON u.id = c.owner_id "
                + "WHERE c.participants ->> 0 <> u.venice_username")).as("the owner takes part").isZero();
        assertThat(number("SELECT count(DISTINCT session_id) FROM collaboration_sessions")).isEqualTo(30);
    }

    @Test
    void messyRecordsArePresentOnPurpose() throws SQLException {
        assertThat(number("SELECT count(*) FROM cascade_users WHERE email IS NULL")).isPositive();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE email <> lower(email)")).isPositive();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE subscription_status IS NULL AND subscription_tier <> 'observer'")).isEqualTo(2);
        assertThat(number("SELECT count(*) FROM cascade_users WHERE subscription_tier = 'legacy_gold'")).isEqualTo(2);
        assertThat(strings("SELECT venice_username FROM cascade_users WHERE venice_username !~ '^[ -~]*$'"))
                .containsExactlyInAnyOrder("Zuàne_Bragadin", "Nicolò_Tron");
        assertThat(strings("SELECT DISTINCT jsonb_typeof(metadata) FROM cascade_users WHERE metadata IS NOT NULL"))
                .containsExactlyInAnyOrder("object", "string", "array");
        assertThat(number("SELECT count(*) FROM cascade_users WHERE metadata IS NULL")).isPositive();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE metadata = '{}'::jsonb")).isPositive();
        assertThat(number("SELECT count(*) FROM cascade_users WHERE metadata ->> 'locale' = 'it' AND metadata ? 'source'")).isGreaterThan(USERS / 3);
    }

    @Test
    void theSameSeedGivesTheSameUsersAndAnotherSeedOthers() throws SQLException {
        DataSource twin = TestServers.admin(TestServers.freshDatabaseUrl("demo_dataset_twin"));
        DemoDataset.generate(twin, USERS, TIERS, SEED, message -> { }, () -> false);
        String rows = "SELECT venice_username || coalesce(email, '') || coalesce(stripe_customer_id, '') || subscription_tier FROM cascade_users ORDER BY id";
        assertThat(strings(twin, rows)).isEqualTo(strings(ds, rows));
        assertThat(strings(twin, "SELECT stripe_subscription_id FROM subscriptions ORDER BY id"))
                .isEqualTo(strings(ds, "SELECT stripe_subscription_id FROM subscriptions ORDER BY id"));
        DemoDataset.generate(twin, USERS, TIERS, SEED + 1, message -> { }, () -> false);
        List<String> other = strings(twin, "SELECT venice_username FROM cascade_users ORDER BY id");
        List<String> mine = strings(ds, "SELECT venice_username FROM cascade_users ORDER BY id");
        assertThat(other.stream().filter(n -> !mine.contains(n)).count()).isGreaterThan(USERS / 2);
    }

    @Test
    void aDemoStartedDaysLaterStillShowsLiveSessionsAndFreshPatterns() throws SQLException {
        DataSource old = TestServers.admin(TestServers.freshDatabaseUrl("demo_dataset_old"));
        DemoDataset.generate(old, 300, TIERS, SEED, message -> { }, () -> false);
        Instant completed = DemoDataset.completedAt(old).orElseThrow();
        String live = "SELECT count(*) FROM collaboration_sessions WHERE ended_at IS NULL AND created_at > (now() AT TIME ZONE 'UTC') - interval '3 hours'";
        String fresh = "SELECT count(*) FROM consciousness_patterns WHERE expires_at > now() AT TIME ZONE 'UTC'";
        try (Connection c = old.getConnection(); Statement st = c.createStatement()) {   // as if generated two days ago
            st.execute("UPDATE consciousness_patterns SET cached_at = cached_at - interval '2 days', expires_at = expires_at - interval '2 days'");
            st.execute("UPDATE collaboration_sessions SET created_at = created_at - interval '2 days', ended_at = ended_at - interval '2 days'");
            st.execute("UPDATE demo.dataset SET clock = clock - interval '2 days'");
        }
        assertThat(strings(old, live)).containsExactly("0");

        Duration moved = DemoDataset.shiftLiveRowsToNow(old);

        assertThat(moved).isBetween(Duration.ofDays(2), Duration.ofDays(2).plusMinutes(5));
        assertThat(number(old, live)).isPositive();
        assertThat(number(old, fresh)).isPositive();
        assertThat(DemoDataset.completedAt(old)).contains(completed);
    }

    @Test
    void usernamesStayUniqueFarBeyondTheFirstRoundOfNameCombinations() {
        VenetianNames names = new VenetianNames(SEED);
        int count = 3 * VenetianNames.COMBINATIONS + 17;
        Set<String> seen = java.util.stream.IntStream.range(0, count).mapToObj(names::username).collect(Collectors.toSet());
        assertThat(seen).hasSize(count);
        assertThat(names.username(VenetianNames.CAPACITY - 1)).isNotIn(seen);
    }

    private static long number(String sql) throws SQLException {
        return number(ds, sql);
    }

    private static long number(DataSource ds, String sql) throws SQLException {
        return Long.parseLong(strings(ds, sql).get(0));
    }

    private static Instant instant(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        return strings(ds, sql);
    }

    static List<String> strings(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }
}
