package ai.cascade.ops.users;

import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever is typed into the user search — quotes, %, _, backslashes, emoji, SQL, 10,000 characters —
 * the service answers exactly what a plain-Java filter of the same fixture answers, with no error.
 * Run on a C-collation database and on an ICU (en-US) one, where the prefix range is built differently.
 */
class UserSearchProperties {
    private static UserFixture fixture;
    private static Database cDb;
    private static Database icuDb;
    private static UserDirectory onC;
    private static UserDirectory onIcu;

    @BeforeContainer
    static void fill() throws Exception {
        fixture = UserFixture.generate(1_500, 7);
        String c = TestServers.freshDatabaseUrl("search_c");
        String icu = TestServers.freshDatabaseUrl("search_icu", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        fixture.writeTo(TestServers.admin(c));
        fixture.writeTo(TestServers.admin(icu));
        cDb = TestServers.open(c);
        icuDb = TestServers.open(icu);
        onC = new UserDirectory(UserDirectoryTest.connections(cDb));
        onIcu = new UserDirectory(UserDirectoryTest.connections(icuDb));
    }

    @AfterContainer
    static void close() {
        cDb.close();
        icuDb.close();
    }

    @Property(tries = 2000)
    void anyTypedTextFindsExactlyWhatTheOracleFinds(@ForAll("typed") String typed) {
        check(onC, typed);
    }

    @Property(tries = 1000)
    void underALinguisticCollationThePrefixSearchStillFindsExactlyTheMatches(@ForAll("typed") String typed) {
        check(onIcu, typed);
    }

    private static void check(UserDirectory directory, String typed) {
        List<Integer> want = SearchOracle.answer(fixture, typed, UserSort.ID, true).stream().map(UserFixture.User::id).toList();
        List<Integer> got = UserDirectoryTest.all(directory, UserQuery.of(typed).withSort(UserSort.ID, true), 500);
        assertThat(got).as("search for [%s]", typed).containsExactlyElementsOf(want);
    }

    @Provide
    Arbitrary<String> typed() {
        Arbitrary<UserFixture.User> someone = Arbitraries.of(fixture.users);
        Arbitrary<String> prefixes = someone.flatMap(u -> Arbitraries.integers().between(1, u.username().length())
                .map(n -> safeCut(u.username(), n)));
        Arbitrary<String> emails = someone.filter(u -> u.email() != null)
                .flatMap(u -> Arbitraries.of(u.email(), u.email().toUpperCase(), u.email().toLowerCase(), " " + u.email() + " "));
        Arbitrary<String> stripeIds = someone.filter(u -> u.customerId() != null)
                .flatMap(u -> Arbitraries.of(u.customerId(), u.subscriptionIds().get(0), u.customerId() + "x", "sub_" + u.id()));
        Arbitrary<String> ids = Arbitraries.integers().between(-5, 2_100).map(String::valueOf);
        Arbitrary<String> nasty = Arbitraries.strings().withChars("aAzZ09_%'\"\\;-@. éß😀\u0000\t").ofMinLength(0).ofMaxLength(12);
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(8);
        Arbitrary<String> sql = Arbitraries.of("' OR 1=1 --", "'; DROP TABLE cascade_users; --", "%", "_", "\\", "%_%", "\\%", "''",
                "\" OR \"\"=\"", "1; SELECT pg_sleep(10)", "*", "$1", "E'\\x00'", "cus_' OR '1'='1", "sub_%", "@", "a@", "@b");
        Arbitrary<String> huge = Arbitraries.of("F", "a", "%", "é").map(s -> s.repeat(10_000));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, prefixes), net.jqwik.api.Tuple.of(2, emails), net.jqwik.api.Tuple.of(2, stripeIds),
                net.jqwik.api.Tuple.of(1, ids), net.jqwik.api.Tuple.of(4, nasty), net.jqwik.api.Tuple.of(1, anyUnicode),
                net.jqwik.api.Tuple.of(1, sql), net.jqwik.api.Tuple.of(1, huge));
    }

    /** The first n chars, without splitting an emoji (a broken surrogate is its own case, tested via anyUnicode). */
    private static String safeCut(String s, int n) {
        if (n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) n++;
        return s.substring(0, Math.min(n, s.length()));
    }
}
