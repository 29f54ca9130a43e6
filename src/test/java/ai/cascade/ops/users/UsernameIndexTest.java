package ai.cascade.ops.users;

import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A username prefix search is served by the backend's plain username index, also on a database whose
 * collation is not C (where {@code LIKE 'x%'} could not use it). Checked with EXPLAIN of the very
 * statement the search runs.
 */
class UsernameIndexTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"})
    void aPrefixSearchUsesTheUsernameIndexUnderEveryCollation(String createOptions) throws Exception {
        String url = TestServers.freshDatabaseUrl("username_index", createOptions);
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO cascade_users (venice_username, email) SELECT (ARRAY['Foscari_', 'Dandolo_', 'Venier_', 'Morosini_'])[1 + g % 4] "
                    + "|| md5(g::text), 'u' || g || '@example.org' FROM generate_series(1, 50000) AS g");
            st.execute("ANALYZE cascade_users");
        }
        try (Database db = TestServers.open(url)) {
            UserDirectory directory = new UserDirectory(UserDirectoryTest.connections(db));
            for (UserQuery q : new UserQuery[]{UserQuery.of("Foscari_ab").withSort(UserSort.USERNAME, true), UserQuery.of("Venier_0a1")}) {
                String plan = explain(url, directory.sqlFor(q, null, true, 200));
                assertThat(plan).as("plan for %s on [%s]", q.text(), createOptions)
                        .containsPattern("Index.*(idx_venice_username|cascade_users_venice_username_key)")
                        .doesNotContain("Seq Scan");
            }
            String emailPlan = explain(url, directory.sqlFor(UserQuery.of("u7@example.org"), null, true, 200));
            assertThat(emailPlan).as("no index for email: the advice names one").contains("Seq Scan");
        }
    }

    private static String explain(String url, String sql) throws Exception {
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) plan.append(rs.getString(1)).append('\n');
            return plan.toString();
        }
    }
}
