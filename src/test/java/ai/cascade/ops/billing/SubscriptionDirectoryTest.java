package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The subscriptions search against a real Postgres holding an awkward fixture, checked against plain Java. */
class SubscriptionDirectoryTest {
    private static SubscriptionFixture fixture;
    private static Database db;
    private static SubscriptionDirectory directory;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServers.freshDatabaseUrl("subscription_directory");
        fixture = SubscriptionFixture.write(TestServers.admin(url), 2_000, 7);
        db = TestServers.open(url);
        directory = new SubscriptionDirectory(SubscriptionFixture.connections(db), SubscriptionFixture.TIERS);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** Every row of the query, page after page forwards. */
    static List<Integer> forwards(SubscriptionQuery q, int pageSize) {
        List<Integer> ids = new ArrayList<>();
        SubscriptionRow anchor = null;
        while (true) {
            List<SubscriptionRow> page = directory.page(q, anchor, true, pageSize, CancelSignal.NONE);
            page.forEach(r -> ids.add(r.id()));
            if (page.size() < pageSize) return ids;
            anchor = page.get(page.size() - 1);
        }
    }

    /** Every row of the query, page after page backwards from the last, put back in display order. */
    static List<Integer> backwards(SubscriptionQuery q, int pageSize) {
        List<Integer> ids = new ArrayList<>();
        SubscriptionRow anchor = null;
        while (true) {
            List<SubscriptionRow> page = directory.page(q, anchor, false, pageSize, CancelSignal.NONE);
            ids.addAll(0, page.stream().map(SubscriptionRow::id).toList());
            if (page.size() < pageSize) return ids;
            anchor = page.get(0);
        }
    }

    private static void answersLikeTheOracle(SubscriptionQuery q, Predicate<SubscriptionFixture.Sub> oracle) {
        List<Integer> expected = fixture.ids(oracle, q.sort(), q.ascending());
        assertThat(forwards(q, 97)).as("%s", q).containsExactlyElementsOf(expected);
        assertThat(directory.count(q, CancelSignal.NONE).value()).as("count of %s", q).isEqualTo(expected.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"citizen", "patrician", "gondolier", "legacy_gold", SubscriptionQuery.NONE, "no_such_tier"})
    void aTierFilterFindsExactlyThatTiersSubscriptions(String tier) {
        String stored = tier.equals(SubscriptionQuery.NONE) ? null : tier;
        answersLikeTheOracle(SubscriptionQuery.all().withTiers(Set.of(tier)), s -> Objects.equals(s.tier(), stored));
    }

    @Test
    void severalTiersAreAnyOfThem() {
        answersLikeTheOracle(SubscriptionQuery.all().withTiers(Set.of("doge", "legacy_gold", SubscriptionQuery.NONE)),
                s -> s.tier() == null || s.tier().equals("doge") || s.tier().equals("legacy_gold"));
    }

    @Test
    void everyStripeStatusAndTheMissingOneFilterExactly() {
        for (String status : SubscriptionQuery.STATUSES)
            answersLikeTheOracle(SubscriptionQuery.all().withStatuses(Set.of(status)), s -> status.equals(s.status()));
        answersLikeTheOracle(SubscriptionQuery.all().withStatuses(Set.of(SubscriptionQuery.NONE)), s -> s.status() == null);
        answersLikeTheOracle(SubscriptionQuery.all().withStatuses(Set.of("active", "past_due", SubscriptionQuery.NONE)),
                s -> s.status() == null || s.status().equals("active") || s.status().equals("past_due"));
        assertThat(fixture.subs.stream().map(SubscriptionFixture.Sub::status).distinct().count()).as("the fixture has every status and none").isEqualTo(9);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 30, 365})
    void periodEndingWithinNDaysCountsFromNowInUtc(int days) {
        answersLikeTheOracle(SubscriptionQuery.all().withEndingWithinDays(days), s -> fixture.endsWithin(s, days));
    }

    @Test
    void filtersCombine() {
        SubscriptionQuery q = SubscriptionQuery.all().withTiers(Set.of("citizen", "merchant")).withStatuses(Set.of("active", "trialing"))
                .withEndingWithinDays(30).withSort(SubscriptionSort.PERIOD_END, false);
        answersLikeTheOracle(q, s -> (Objects.equals(s.tier(), "citizen") || Objects.equals(s.tier(), "merchant"))
                && (Objects.equals(s.status(), "active") || Objects.equals(s.status(), "trialing")) && fixture.endsWithin(s, 30));
    }

    @Test
    void theSearchTextFindsBySubscriptionCustomerUserEmailOrUsername() {
        SubscriptionFixture.Sub some = fixture.subs.stream().filter(s -> s.subscriptionId() != null && s.userId() != null).findFirst().orElseThrow();
        answersLikeTheOracle(SubscriptionQuery.all().withText(some.subscriptionId()), s -> some.subscriptionId().equals(s.subscriptionId()));
        SubscriptionFixture.User user = fixture.users.get(some.userId() - 1);
        answersLikeTheOracle(SubscriptionQuery.all().withText(" " + user.id() + " "), s -> Objects.equals(s.userId(), user.id()));
        answersLikeTheOracle(SubscriptionQuery.all().withText("cus_F21"), s -> Objects.equals(s.userId(), 21));
        answersLikeTheOracle(SubscriptionQuery.all().withText("CITIZEN42@example.org"), s -> Objects.equals(s.userId(), 42));
        answersLikeTheOracle(SubscriptionQuery.all().withText("Citizen_1"),
                s -> s.username() != null && s.username().startsWith("Citizen_1"));
        answersLikeTheOracle(SubscriptionQuery.all().withText("sub_nobody"), s -> false);
        assertThat(forwards(SubscriptionQuery.all().withText("99999999999"), 50)).as("beyond int4: nobody, no SQL error").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SubscriptionSort.class)
    void pagingVisitsEveryMatchingRowOnceInOrderForwardsAndBackwards(SubscriptionSort sort) {
        for (boolean ascending : new boolean[]{true, false}) {
            for (SubscriptionQuery q : List.of(SubscriptionQuery.all(), SubscriptionQuery.all().withStatuses(Set.of("active", "canceled")))) {
                SubscriptionQuery sorted = q.withSort(sort, ascending);
                List<Integer> expected = fixture.ids(s -> q.statuses().isEmpty() || s.status() != null && q.statuses().contains(s.status()), sort, ascending);
                assertThat(forwards(sorted, 97)).as("forwards %s", sorted).containsExactlyElementsOf(expected);
                assertThat(backwards(sorted, 97)).as("backwards %s", sorted).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void aRowCarriesItsUsernameAndItsTiersConfiguredCurrency() {
        List<SubscriptionRow> rows = directory.page(SubscriptionQuery.all(), null, true, 2_000, CancelSignal.NONE);
        assertThat(rows).hasSize(fixture.subs.size());
        for (SubscriptionRow r : rows) {
            SubscriptionFixture.Sub s = fixture.subs.get(r.id() - 1);
            assertThat(r).usingRecursiveComparison().ignoringFields("currency")
                    .isEqualTo(new SubscriptionRow(s.id(), s.userId(), s.username(), s.subscriptionId(), s.tier(), s.amount(), null,
                            s.status(), s.periodStart(), s.periodEnd(), s.createdAt()));
            String expected = s.tier() == null ? null : switch (s.tier()) {
                case "doge", "doge_annual" -> "USD";
                case "gondolier" -> "JPY";
                case "legacy_gold" -> null;
                default -> "EUR";
            };
            assertThat(r.currency()).as("currency of %s", s.tier()).isEqualTo(expected);
        }
    }

    @Test
    void aSearchBySubscriptionIdUsesTheUniqueIndexAndNeedsNoAdvice() {
        String id = fixture.subs.stream().map(SubscriptionFixture.Sub::subscriptionId).filter(Objects::nonNull).findFirst().orElseThrow();
        SubscriptionQuery q = SubscriptionQuery.all().withText(id).withStatuses(Set.of("active"));
        assertThat(directory.plan(q, CancelSignal.NONE)).contains("subscriptions_stripe_subscription_id_key");
        assertThat(directory.indexAdvice(q, CancelSignal.NONE)).isEmpty();
    }

    @Test
    void theFirstPageByIdWalksThePrimaryKey() {
        assertThat(directory.plan(SubscriptionQuery.all(), CancelSignal.NONE)).contains("Index Scan using subscriptions_pkey");
    }

    @Test
    void filtersWithoutAnIndexComeWithTheIndexThatWouldServeThem() {
        assertThat(directory.indexAdvice(SubscriptionQuery.all().withStatuses(Set.of("paused")), CancelSignal.NONE))
                .containsExactly("CREATE INDEX CONCURRENTLY idx_subscriptions_status ON subscriptions (status);");
        assertThat(directory.indexAdvice(SubscriptionQuery.all().withEndingWithinDays(7), CancelSignal.NONE))
                .containsExactly("CREATE INDEX CONCURRENTLY idx_subscriptions_current_period_end ON subscriptions (current_period_end);");
        assertThat(directory.indexAdvice(SubscriptionQuery.all().withText("cus_F21"), CancelSignal.NONE))
                .containsExactly("CREATE INDEX CONCURRENTLY idx_subscriptions_user_id ON subscriptions (user_id);");
        assertThat(directory.indexAdvice(SubscriptionQuery.all().withSort(SubscriptionSort.AMOUNT, false), CancelSignal.NONE))
                .containsExactly("CREATE INDEX CONCURRENTLY idx_subscriptions_amount_order ON subscriptions ((coalesce(amount::bigint, -2147483649)), id);");
        assertThat(directory.indexAdvice(SubscriptionQuery.all(), CancelSignal.NONE)).as("by id: the primary key").isEmpty();
    }

    @Test
    void textNoSubscriptionCanHaveRunsNoQuery() {
        SubscriptionQuery q = SubscriptionQuery.all().withText("sub_" + "x".repeat(300));
        assertThat(directory.page(q, null, true, 10, CancelSignal.NONE)).isEmpty();
        assertThat(directory.count(q, CancelSignal.NONE).value()).isZero();
        assertThat(Arrays.asList(SubscriptionQuery.STATUSES.toArray())).hasSize(8);
    }
}
