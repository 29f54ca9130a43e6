package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Monthly recurring revenue computed by Postgres, checked against the same sums done in plain Java. */
class RevenueSummaryTest {
    private static final Set<String> BILLING = Set.of("active", "trialing", "past_due");
    private static SubscriptionFixture fixture;
    private static Database db;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServers.freshDatabaseUrl("revenue_summary");
        fixture = SubscriptionFixture.write(TestServers.admin(url), 2_000, 23);
        db = TestServers.open(url);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static RevenueSummary.Revenue summary(List<Tier> tiers) {
        return new RevenueSummary(SubscriptionFixture.connections(db), tiers).summary(CancelSignal.NONE);
    }

    /** Twelfths of a month's revenue: amount × periods per year, so the oracle rounds once, like the SQL. */
    private static BigInteger twelfths(SubscriptionFixture.Sub s) {
        Tier t = SubscriptionFixture.TIERS.stream().filter(x -> x.name().equals(s.tier())).findFirst().orElseThrow();
        int perYear = switch (t.interval()) {
            case "month" -> 12;
            case "year" -> 1;
            case "week" -> 52;
            default -> 365;
        };
        return BigInteger.valueOf((long) s.amount() * perYear);
    }

    private static BigDecimal monthly(BigInteger twelfths) {
        return new BigDecimal(twelfths).divide(BigDecimal.valueOf(12), 0, RoundingMode.HALF_UP);
    }

    private static boolean billedInConfiguredTier(SubscriptionFixture.Sub s) {
        return BILLING.contains(Objects.toString(s.status())) && s.tier() != null && !s.tier().equals("legacy_gold");
    }

    @Test
    void eachTiersMrrIsItsBillingSubscriptionsNormalisedToAMonth() {
        RevenueSummary.Revenue r = summary(SubscriptionFixture.TIERS);
        Map<String, List<SubscriptionFixture.Sub>> byTier = fixture.subs.stream().filter(RevenueSummaryTest::billedInConfiguredTier)
                .collect(Collectors.groupingBy(SubscriptionFixture.Sub::tier, TreeMap::new, Collectors.toList()));
        assertThat(r.tiers()).extracting(RevenueSummary.TierRevenue::tier).containsExactlyInAnyOrderElementsOf(byTier.keySet());
        for (RevenueSummary.TierRevenue t : r.tiers()) {
            List<SubscriptionFixture.Sub> subs = byTier.get(t.tier());
            BigInteger sum = subs.stream().filter(s -> s.amount() != null).map(RevenueSummaryTest::twelfths).reduce(BigInteger.ZERO, BigInteger::add);
            assertThat(t.mrr()).as("MRR of %s", t.tier()).isEqualByComparingTo(monthly(sum));
            assertThat(t.active()).as("active in %s", t.tier()).isEqualTo(subs.stream().filter(s -> s.status().equals("active")).count());
            assertThat(t.trialing()).isEqualTo(subs.stream().filter(s -> s.status().equals("trialing")).count());
            assertThat(t.pastDue()).isEqualTo(subs.stream().filter(s -> s.status().equals("past_due")).count());
            assertThat(t.withoutAmount()).isEqualTo(subs.stream().filter(s -> s.amount() == null).count());
        }
        assertThat(r.tiers()).filteredOn(t -> t.tier().equals("patrician")).singleElement()
                .satisfies(t -> assertThat(t.interval()).isEqualTo("year"));
    }

    @Test
    void totalsArePerCurrencyAndNeverAddEurosToDollars() {
        RevenueSummary.Revenue r = summary(SubscriptionFixture.TIERS);
        Map<String, String> currency = Map.of("citizen", "EUR", "merchant", "EUR", "patrician", "EUR", "doge", "USD",
                "doge_annual", "USD", "gondolier", "JPY");
        Map<String, BigInteger> expected = new TreeMap<>();
        fixture.subs.stream().filter(RevenueSummaryTest::billedInConfiguredTier).filter(s -> s.amount() != null)
                .forEach(s -> expected.merge(currency.get(s.tier()), twelfths(s), BigInteger::add));
        assertThat(r.totals()).extracting(RevenueSummary.CurrencyTotal::currency).containsExactly("EUR", "JPY", "USD");
        for (RevenueSummary.CurrencyTotal t : r.totals()) {
            assertThat(t.mrr()).as("MRR in %s", t.currency()).isEqualByComparingTo(monthly(expected.get(t.currency())));
            long active = r.tiers().stream().filter(x -> x.currency().equals(t.currency())).mapToLong(RevenueSummary.TierRevenue::active).sum();
            assertThat(t.active()).isEqualTo(active);
        }
    }

    @Test
    void subscriptionsOfATierMissingFromTheConfigurationAreReportedNotGuessed() {
        RevenueSummary.Revenue r = summary(SubscriptionFixture.TIERS);
        long legacy = fixture.subs.stream().filter(s -> "legacy_gold".equals(s.tier()) && BILLING.contains(Objects.toString(s.status()))).count();
        long noTier = fixture.subs.stream().filter(s -> s.tier() == null && BILLING.contains(Objects.toString(s.status()))).count();
        assertThat(r.notCounted()).containsExactlyInAnyOrder(
                new RevenueSummary.NotCounted("legacy_gold", legacy, "tier not configured — not counted in MRR"),
                new RevenueSummary.NotCounted(SubscriptionQuery.NONE, noTier, "tier not configured — not counted in MRR"));
        assertThat(r.tiers()).noneMatch(t -> t.tier().equals("legacy_gold"));
        assertThat(r.tiersInUse()).contains("legacy_gold", SubscriptionQuery.NONE, "citizen", "gondolier");
    }

    @Test
    void aTierWhoseIntervalIsNotUnderstoodIsNotCounted() {
        List<Tier> tiers = new ArrayList<>(SubscriptionFixture.TIERS);
        tiers.replaceAll(t -> t.name().equals("merchant") ? new Tier("merchant", "price_m", "quarter", "eur", 2900) : t);
        RevenueSummary.Revenue r = summary(tiers);
        assertThat(r.tiers()).noneMatch(t -> t.tier().equals("merchant"));
        assertThat(r.notCounted()).anySatisfy(n -> {
            assertThat(n.tier()).isEqualTo("merchant");
            assertThat(n.reason()).contains("\"quarter\" not understood");
        });
        BigDecimal eurWithout = r.totals().stream().filter(t -> t.currency().equals("EUR")).findFirst().orElseThrow().mrr();
        BigDecimal eurWith = summary(SubscriptionFixture.TIERS).totals().stream().filter(t -> t.currency().equals("EUR")).findFirst().orElseThrow().mrr();
        assertThat(eurWithout).isLessThan(eurWith);
    }

    @Test
    void anEmptyTableHasNoRevenueAndNothingToReport() throws Exception {
        try (Database empty = TestServers.freshDatabase("revenue_empty")) {
            RevenueSummary.Revenue r = new RevenueSummary(SubscriptionFixture.connections(empty), SubscriptionFixture.TIERS).summary(CancelSignal.NONE);
            assertThat(r.tiers()).isEmpty();
            assertThat(r.totals()).isEmpty();
            assertThat(r.notCounted()).isEmpty();
        }
    }

    @Test
    void amountsReadAsMoneyInTheirCurrency() {
        assertThat(Money.format(900, "eur", Locale.US)).isEqualTo("€9.00");
        assertThat(Money.format(9900, "USD", Locale.US)).isEqualTo("$99.00");
        assertThat(Money.format(500, "jpy", Locale.US)).isEqualTo("¥500");
        assertThat(Money.format(new BigDecimal("249167"), "EUR", Locale.US)).isEqualTo("€2,491.67");
        assertThat(Money.format(1234, "xts", Locale.US)).as("a code without a symbol").isEqualTo("XTS12.34");
        assertThat(Money.format(1234, "zzz", Locale.US)).as("a code Java does not know").isEqualTo("12.34 ZZZ");
        assertThat(Money.describe(4900, null, Locale.US)).isEqualTo("4,900 minor units");
        assertThat(Money.describe(null, "EUR", Locale.US)).isEqualTo("—");
    }
}
