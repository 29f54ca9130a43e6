package ai.cascade.ops.users;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.testing.TestServers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every search kind, in every order and page size, against the real Postgres: the pages walked end to end are exactly
 * the plain-Java oracle's answer in its order, the count agrees, and the text is understood as the kind its shape says.
 * {@link UserSearchProperties} covers the id order on two collations; this covers the orders and keyset paging.
 */
class UserSearchFuzzTest {
    private static UserFixture fixture;
    private static Database db;
    private static UserDirectory directory;

    @BeforeContainer
    static void fill() throws Exception {
        fixture = UserFixture.generate(400, 19);
        String url = TestServers.freshDatabaseUrl("search_fuzz");
        fixture.writeTo(TestServers.admin(url));
        db = TestServers.open(url);
        directory = new UserDirectory(UserDirectoryTest.connections(db));
    }

    @AfterContainer
    static void close() {
        db.close();
    }

    @Property(tries = 250, seed = "20261125")
    void anyTextInAnyOrderPagesToExactlyTheOraclesAnswer(@ForAll("typed") String typed, @ForAll UserSort sort,
                                                        @ForAll boolean ascending, @ForAll @IntRange(min = 1, max = 60) int pageSize) {
        List<Integer> want = SearchOracle.answer(fixture, typed, sort, ascending).stream().map(UserFixture.User::id).toList();
        UserQuery query = UserQuery.of(typed).withSort(sort, ascending);
        List<Integer> got = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> UserDirectoryTest.all(directory, query, pageSize));
        assertThat(got).as("[%s] by %s %s, pages of %d", typed, sort, ascending ? "asc" : "desc", pageSize).containsExactlyElementsOf(want);
        RowCount count = directory.count(query, CancelSignal.NONE);
        assertThat(count.exact()).isTrue();
        assertThat(count.value()).isEqualTo(want.size());
    }

    @Property(tries = 1000, seed = "20261125")
    void anyTextIsUnderstoodAsTheKindItsShapeSays(@ForAll("typed") String typed) {
        SearchText s = SearchText.parse(typed);
        String t = typed.strip();
        SearchText.Kind want;
        if (t.isEmpty()) want = SearchText.Kind.EVERYONE;
        else if (t.length() > 255 || t.contains("\u0000") || hasLoneSurrogate(t)) want = SearchText.Kind.IMPOSSIBLE;
        else if (t.matches("[0-9]+")) want = new java.math.BigInteger(t).compareTo(java.math.BigInteger.valueOf(Integer.MAX_VALUE)) <= 0
                ? SearchText.Kind.USER_ID : SearchText.Kind.IMPOSSIBLE;
        else if (t.startsWith("cus_")) want = SearchText.Kind.CUSTOMER_ID;
        else if (t.startsWith("sub_")) want = SearchText.Kind.SUBSCRIPTION_ID;
        else if (t.indexOf('@') > 0) want = SearchText.Kind.EMAIL;
        else want = SearchText.Kind.USERNAME_PREFIX;
        assertThat(s.kind()).as("[%s]", typed).isEqualTo(want);
        assertThat(s.toString()).isNotBlank();
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) return true;
            if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) return true;
        }
        return false;
    }

    @Provide
    Arbitrary<String> typed() {
        Arbitrary<UserFixture.User> someone = Arbitraries.of(fixture.users);
        Arbitrary<String> prefixes = someone.flatMap(u -> Arbitraries.integers().between(1, Math.min(4, u.username().length()))
                .map(n -> u.username().substring(0, n)));
        Arbitrary<String> emails = someone.filter(u -> u.email() != null).map(u -> u.email().toUpperCase());
        Arbitrary<String> ids = Arbitraries.integers().between(0, 450).map(String::valueOf);
        Arbitrary<String> nasty = Arbitraries.strings().withChars("aAeE0_%'\"\\;-@.: \t\u0000\u202eé").ofMaxLength(6);
        Arbitrary<String> edges = Arbitraries.of("", " ", "%", "_", "\\", "'", "00", "2147483647", "2147483648", "99999999999",
                "cus_", "sub_", "@", "a@", "😀", "\u202e", "\ud800", "a".repeat(255), "a".repeat(256), "\n");
        return Arbitraries.frequencyOf(Tuple.of(5, prefixes), Tuple.of(1, emails), Tuple.of(1, ids), Tuple.of(3, nasty), Tuple.of(1, edges));
    }
}
