package ai.cascade.ops.users;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The users search against a real Postgres holding an awkward fixture, checked against plain Java. */
class UserDirectoryTest {
    private static UserFixture fixture;
    private static Database db;
    private static UserDirectory directory;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServers.freshDatabaseUrl("user_directory");
        fixture = UserFixture.generate(2_000, 42);
        fixture.writeTo(TestServers.admin(url));
        db = TestServers.open(url);
        directory = new UserDirectory(connections(db));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static Connections connections(Database database) {
        return new Connections() {
            @Override public Database database() { return database; }
            @Override public RedisConnection redis() { throw new UnsupportedOperationException("no Redis here"); }
        };
    }

    static List<Integer> all(UserDirectory d, UserQuery q, int pageSize) {
        List<Integer> ids = new ArrayList<>();
        UserRow anchor = null;
        while (true) {
            List<UserRow> page = d.page(q, anchor, true, pageSize, CancelSignal.NONE);
            page.forEach(r -> ids.add(r.id()));
            if (page.size() < pageSize) return ids;
            anchor = page.get(page.size() - 1);
        }
    }

    private static List<Integer> expected(String typed, UserSort sort, boolean asc) {
        return SearchOracle.answer(fixture, typed, sort, asc).stream().map(UserFixture.User::id).toList();
    }

    @Test
    void aNumberFindsTheUserWithThatId() {
        assertThat(all(directory, UserQuery.of("17"), 50)).containsExactly(17);
        assertThat(all(directory, UserQuery.of("99999999999"), 50)).as("beyond int4: nobody, no SQL error").isEmpty();
    }

    @Test
    void stripeIdsFindTheirUser() {
        UserFixture.User paid = fixture.users.stream().filter(u -> u.customerId() != null).findFirst().orElseThrow();
        assertThat(all(directory, UserQuery.of(paid.customerId()), 50)).containsExactly(paid.id());
        assertThat(all(directory, UserQuery.of(paid.subscriptionIds().get(0)), 50)).containsExactly(paid.id());
        assertThat(all(directory, UserQuery.of("cus_doesNotExist"), 50)).isEmpty();
    }

    @Test
    void anEmailMatchesExactlyInAnyCase() {
        UserFixture.User u = fixture.users.stream().filter(x -> x.email() != null && x.email().matches("[A-Za-z]+@example.org")).findFirst().orElseThrow();
        assertThat(all(directory, UserQuery.of(u.email().toUpperCase()), 50)).containsExactlyElementsOf(expected(u.email(), UserSort.ID, true));
        assertThat(all(directory, UserQuery.of(u.email().substring(1)), 50)).as("not a prefix search").doesNotContain(u.id());
    }

    @Test
    void aUsernamePrefixIsCaseSensitiveAndTakesPercentAndUnderscoreLiterally() {
        assertThat(names(all(directory, UserQuery.of("Fos"), 50))).containsExactlyInAnyOrder("Foscari_Banker", "Foscari", "Fos%ter", "Fos_ter");
        assertThat(names(all(directory, UserQuery.of("Fos_"), 50))).containsExactly("Fos_ter");
        assertThat(names(all(directory, UserQuery.of("Fos%"), 50))).containsExactly("Fos%ter");
        assertThat(names(all(directory, UserQuery.of("back\\"), 50))).containsExactly("back\\slash");
        assertThat(names(all(directory, UserQuery.of("O'"), 50))).contains("O'Brien");
        assertThat(all(directory, UserQuery.of("😀").withSort(UserSort.ID, true), 50)).containsExactlyElementsOf(expected("😀", UserSort.ID, true));
    }

    @Test
    void aUsernamePrefixListsInUsernameOrderUnlessAnotherOrderIsAsked() {
        assertThat(UserQuery.of("Fos").sort()).isEqualTo(UserSort.USERNAME);
        assertThat(UserQuery.of("a@b.c").sort()).isEqualTo(UserSort.ID);
        assertThat(names(all(directory, UserQuery.of("Fos"), 2))).containsExactly("Fos%ter", "Fos_ter", "Foscari", "Foscari_Banker");
        assertThat(names(all(directory, UserQuery.of("Fos").withSort(UserSort.ID, false), 2)))
                .containsExactlyElementsOf(expected("Fos", UserSort.ID, false).stream().map(id -> fixture.users.get(id - 1).username()).toList());
    }

    @ParameterizedTest
    @EnumSource(UserSort.class)
    void pagingForwardVisitsEveryMatchOnceInOrderAndBackwardRetracesIt(UserSort sort) {
        for (boolean asc : new boolean[]{true, false}) {
            UserQuery q = UserQuery.of("").withSort(sort, asc).withTiers(Set.of("citizen", "observer"));
            List<Integer> want = SearchOracle.answer(fixture, "", sort, asc).stream()
                    .filter(u -> Set.of("citizen", "observer").contains(u.tier())).map(UserFixture.User::id).toList();
            List<Integer> forward = all(directory, q, 37);
            assertThat(forward).as(sort + (asc ? " asc" : " desc")).containsExactlyElementsOf(want);

            List<Integer> backward = new ArrayList<>();
            UserRow anchor = null;
            while (true) {   // from the end towards the start
                List<UserRow> page = directory.page(q, anchor, false, 37, CancelSignal.NONE);
                for (int i = page.size() - 1; i >= 0; i--) backward.add(0, page.get(i).id());
                if (page.size() < 37) break;
                anchor = page.get(0);
            }
            assertThat(backward).as("backwards, " + sort).containsExactlyElementsOf(want);
        }
    }

    @Test
    void filtersByStatusNoStatusAndLastLoginCombine() {
        var from = java.time.LocalDateTime.of(2026, 3, 1, 0, 0);
        var to = java.time.LocalDateTime.of(2026, 6, 1, 0, 0);
        UserQuery q = UserQuery.of("").withStatuses(Set.of("past_due", UserQuery.NO_STATUS)).withLastLogin(from, to);
        List<Integer> want = fixture.users.stream()
                .filter(u -> u.status() == null || u.status().equals("past_due"))
                .filter(u -> u.lastLogin() != null && !u.lastLogin().isBefore(from) && u.lastLogin().isBefore(to))
                .map(UserFixture.User::id).toList();
        assertThat(want).isNotEmpty();
        assertThat(all(directory, q, 100)).containsExactlyElementsOf(want);
    }

    @Test
    void smallResultsAreCountedExactly() {
        RowCount n = directory.count(UserQuery.of("Fos"), CancelSignal.NONE);
        assertThat(n).isEqualTo(new RowCount(4, true));
        assertThat(directory.count(UserQuery.of(""), CancelSignal.NONE)).isEqualTo(new RowCount(fixture.users.size(), true));
    }

    @Test
    void anEmailSearchNamesTheIndexThatWouldServeIt() {
        assertThat(directory.indexAdvice(UserQuery.of("a@example.org"), CancelSignal.NONE))
                .containsExactly("CREATE INDEX CONCURRENTLY idx_cascade_users_email_lower ON cascade_users (lower(email));");
        assertThat(directory.indexAdvice(UserQuery.of("Fos"), CancelSignal.NONE)).as("the username index serves it").isEmpty();
        assertThat(directory.indexAdvice(UserQuery.of("cus_x"), CancelSignal.NONE)).isEmpty();
    }

    @Test
    void theTiersInUseIncludeOnesNoLongerConfigured() {
        assertThat(directory.tiersInUse(CancelSignal.NONE)).contains("legacy_gold", "observer");
    }

    private static List<String> names(List<Integer> ids) {
        return ids.stream().map(id -> fixture.users.get(id - 1).username()).toList();
    }
}
