package ai.cascade.ops.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    private static final String STRIPE_KEY = "sk_live_51Hx9aZ2eZvKYlo2C0123456789abcdWXYZ";

    @Property(tries = 2000)
    void maskNeverRevealsTheFirstEightCharactersOfALongSecret(@ForAll @StringLength(min = 13, max = 120) String secret) {
        String masked = Secrets.mask(secret);

        assertThat(masked).doesNotContain(secret.substring(0, 8));
        assertThat(masked).endsWith(secret.substring(secret.length() - 4));
    }

    @Property(tries = 2000)
    void maskNeverRevealsThePrefixOfAStripeStyleKey(@ForAll("stripeKeys") String key) {
        String masked = Secrets.mask(key);

        assertThat(masked).doesNotContain(key.substring(0, 8));
        assertThat(masked).doesNotContain(key.substring(8, key.length() - 4));
        assertThat(masked).endsWith(key.substring(key.length() - 4));
    }

    @Property(tries = 500)
    void aShortSecretIsHiddenCompletely(@ForAll @StringLength(min = 1, max = 12) String secret) {
        String masked = Secrets.mask(secret);

        assertThat(masked).isNotEmpty();
        assertThat(masked.chars().allMatch(c -> c == '\u2022')).as("only dots: %s", masked).isTrue();
    }

    @Test
    void maskShowsOnlyTheLastFourCharacters() {
        assertThat(Secrets.mask(STRIPE_KEY)).isEqualTo("\u2022\u2022\u2022\u2022WXYZ");
    }

    @Test
    void maskOfNothingIsEmpty() {
        assertThat(Secrets.mask(null)).isEmpty();
        assertThat(Secrets.mask("")).isEmpty();
    }

    @Test
    void maskUrlHidesThePasswordOfAPostgresUrl() {
        String masked = Secrets.maskUrl("postgresql://cascade:s3cr3t-pw@db.internal:5432/cascade?sslmode=require");

        assertThat(masked).doesNotContain("s3cr3t-pw")
                .isEqualTo("postgresql://cascade:\u2022\u2022\u2022\u2022@db.internal:5432/cascade?sslmode=require");
    }

    @Test
    void maskUrlHidesThePasswordOfARedisUrlWithAnAclUser() {
        assertThat(Secrets.maskUrl("rediss://monitor:s3cr3t-pw@cache-1:6380/0"))
                .isEqualTo("rediss://monitor:\u2022\u2022\u2022\u2022@cache-1:6380/0");
    }

    @Test
    void maskUrlHidesAPasswordWithoutAUser() {
        assertThat(Secrets.maskUrl("redis://:s3cr3t-pw@cache-1:6379")).doesNotContain("s3cr3t-pw").contains("cache-1:6379");
    }

    @Test
    void maskUrlHidesAPercentEncodedPassword() {
        String encoded = URLEncoder.encode("p@ss:w/rd?#", StandardCharsets.UTF_8);

        assertThat(Secrets.maskUrl("postgresql://ops:" + encoded + "@db/app")).doesNotContain(encoded).doesNotContain("p%40ss");
    }

    @Test
    void maskUrlHidesAPasswordWithAnUnencodedAtSignWhole() {
        // PostgresAddress reads the last "@" as the end of the credentials, so this URL is accepted and must be masked whole.
        String masked = Secrets.maskUrl("postgresql://ops:p@ssw0rd@db.internal/app");

        assertThat(masked).doesNotContain("ssw0rd").endsWith("@db.internal/app");
    }

    @Test
    void maskUrlHidesAPasswordGivenAsAQueryParameter() {
        String masked = Secrets.maskUrl("postgresql://db.internal/app?user=ops&password=s3cr3t-pw&sslmode=require");

        assertThat(masked).doesNotContain("s3cr3t-pw").contains("user=ops").contains("sslmode=require");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "postgresql://db.internal:5432/cascade?sslmode=require",
            "postgresql://ops@db.internal/cascade",
            "redis://cache-1:6379/0",
            "rediss://cache-1:6380",
            "https://serenissima.ai/api",
            "https://serenissima.ai/api/citizens/@someone",
            "",
    })
    void maskUrlLeavesAUrlWithoutAPasswordUnchanged(String url) {
        assertThat(Secrets.maskUrl(url)).isEqualTo(url);
    }

    @Test
    void maskUrlOfNothingIsEmpty() {
        assertThat(Secrets.maskUrl(null)).isEmpty();
    }

    @Test
    void aProfileNeverPrintsItsStripeKeyOrPasswords() {
        ConnectionProfile p = new ConnectionProfile("Production", true, true,
                "postgresql://ops:pg-s3cr3t@db.internal:5432/cascade",
                "rediss://monitor:redis-s3cr3t@cache-1:6380/0",
                "https://venice-user:venice-s3cr3t@serenissima.ai/api",
                STRIPE_KEY);

        String text = p.toString();

        assertThat(text).doesNotContain("pg-s3cr3t").doesNotContain("redis-s3cr3t").doesNotContain("venice-s3cr3t")
                .doesNotContain(STRIPE_KEY.substring(0, 8)).doesNotContain(STRIPE_KEY);
        assertThat(text).contains("Production").contains("db.internal").contains("cache-1").contains("WXYZ");
    }

    @Test
    void aProfileWithAPasswordInTheQueryDoesNotPrintIt() {
        ConnectionProfile p = new ConnectionProfile("Staging", false, false,
                "postgresql://db.internal/cascade?user=ops&password=pg-s3cr3t", "", "", "");

        assertThat(p.toString()).doesNotContain("pg-s3cr3t");
    }

    @Provide
    Arbitrary<String> stripeKeys() {
        Arbitrary<String> prefix = Arbitraries.of("sk_live_", "sk_test_", "rk_live_", "rk_test_");
        Arbitrary<String> body = Arbitraries.strings().alpha().numeric().ofMinLength(24).ofMaxLength(99);
        return prefix.flatMap(p -> body.map(b -> p + b));
    }

    /** Found by ProfileFuzzTest: a URL without a valid scheme still carries credentials. */
    @org.junit.jupiter.api.Test
    void credentialsWithoutAValidSchemeAreHiddenToo() {
        for (String url : java.util.List.of("://:PgSecret61a@", "://ops:PgSecret61a@host/db", "ops:PgSecret61a@host", "1x://u:PgSecret61a@h", "redis://ops:?PgSecret61a@cache/0", "redis://ops:#PgSecret61a@cache/0"))
            org.assertj.core.api.Assertions.assertThat(Secrets.maskUrl(url)).as(url).doesNotContain("PgSecret");
    }
}
