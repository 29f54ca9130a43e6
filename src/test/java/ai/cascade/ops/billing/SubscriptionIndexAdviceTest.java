package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The advice is ready to run, and right: once its index exists the advice is gone and the query uses
 * that index. Each test has its own database, since it adds indexes.
 */
class SubscriptionIndexAdviceTest {

    /**
     * A database with the fixture where the planner avoids what {@code avoid} names (sequential scans, sorts),
     * so an index that can serve a search or give its order is used even on a small table.
     */
    private static Database preferringIndexes(String hint, String... avoid) throws SQLException {
        String url = TestServers.freshDatabaseUrl(hint);
        DataSource admin = TestServers.admin(url);
        SubscriptionFixture.write(admin, 300, 11);
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            String name = url.substring(url.lastIndexOf('/') + 1);
            for (String setting : avoid) st.execute("ALTER DATABASE " + name + " SET " + setting + " = off");
        }
        return TestServers.open(url);
    }

    private static void run(Database db, List<String> statements) {
        db.run("creating the advised indexes", c -> {
            try (Statement st = c.createStatement()) {
                for (String sql : statements) st.execute(sql);   // CONCURRENTLY runs outside a transaction: autocommit
            }
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE subscriptions");
            }
            return null;
        });
    }

    @Test
    void eachAdvisedFilterIndexIsUsedOnceCreatedAndThenNoLongerAdvised() throws SQLException {
        try (Database db = preferringIndexes("advice_filters", "enable_seqscan")) {
            SubscriptionDirectory directory = new SubscriptionDirectory(SubscriptionFixture.connections(db), SubscriptionFixture.TIERS);
            SubscriptionQuery byStatus = SubscriptionQuery.all().withStatuses(Set.of("paused"));
            SubscriptionQuery endingSoon = SubscriptionQuery.all().withEndingWithinDays(7);
            SubscriptionQuery byCustomer = SubscriptionQuery.all().withText("cus_F21");
            List<String> advice = new java.util.ArrayList<>();
            for (SubscriptionQuery q : List.of(byStatus, endingSoon, byCustomer)) advice.addAll(directory.indexAdvice(q, CancelSignal.NONE));
            assertThat(advice).hasSize(3).allMatch(s -> s.startsWith("CREATE INDEX CONCURRENTLY "));

            run(db, advice);

            assertThat(directory.plan(byStatus, CancelSignal.NONE)).contains("idx_subscriptions_status");
            assertThat(directory.plan(endingSoon, CancelSignal.NONE)).contains("idx_subscriptions_current_period_end");
            assertThat(directory.plan(byCustomer, CancelSignal.NONE)).contains("idx_subscriptions_user_id");
            for (SubscriptionQuery q : List.of(byStatus, endingSoon, byCustomer))
                assertThat(directory.indexAdvice(q, CancelSignal.NONE)).as("advice for %s once its index exists", q).isEmpty();
        }
    }

    @Test
    void eachAdvisedSortIndexServesTheKeysetOnceCreated() throws SQLException {
        try (Database db = preferringIndexes("advice_sorts", "enable_seqscan", "enable_sort")) {
            SubscriptionDirectory directory = new SubscriptionDirectory(SubscriptionFixture.connections(db), SubscriptionFixture.TIERS);
            for (SubscriptionSort sort : List.of(SubscriptionSort.AMOUNT, SubscriptionSort.PERIOD_END, SubscriptionSort.CREATED)) {
                SubscriptionQuery q = SubscriptionQuery.all().withSort(sort, false);
                List<String> advice = directory.indexAdvice(q, CancelSignal.NONE);
                assertThat(advice).as("advice for %s", sort).hasSize(1);

                run(db, advice);

                String name = "idx_subscriptions_" + sort.name().toLowerCase() + "_order";
                assertThat(directory.plan(q, CancelSignal.NONE)).as("plan for %s", sort).contains("Index Scan Backward using " + name)
                        .doesNotContain("Sort Key");
                assertThat(directory.indexAdvice(q, CancelSignal.NONE)).isEmpty();
            }
        }
    }
}
