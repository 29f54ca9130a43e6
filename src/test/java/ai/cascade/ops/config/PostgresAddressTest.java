package ai.cascade.ops.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PostgresAddressTest {
    private static final String PASSWORD = "Tr0ub4dor-Secret";

    @Test
    void aLibpqUriWithSslmodeBecomesAJdbcUrlWithoutCredentials() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://cascade:" + PASSWORD + "@db.internal:5432/cascade?sslmode=require");

        assertThat(a.host()).isEqualTo("db.internal");
        assertThat(a.port()).isEqualTo(5432);
        assertThat(a.database()).isEqualTo("cascade");
        assertThat(a.user()).isEqualTo("cascade");
        assertThat(a.password()).isEqualTo(PASSWORD);
        assertThat(a.parameters()).containsEntry("sslmode", "require");
        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/cascade");
    }

    @Test
    void thePostgresSchemeIsAcceptedLikePostgresql() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgres://ops:pw@pg-1:6543/app");

        assertThat(a.describe()).isEqualTo("pg-1:6543/app");
        assertThat(a.user()).isEqualTo("ops");
    }

    @Test
    void withoutAPortTheDefault5432IsUsed() throws InvalidSettingException {
        assertThat(PostgresAddress.parse("postgresql://ops@pg-1/app").port()).isEqualTo(5432);
    }

    @Test
    void withoutADatabaseTheUserNameIsTheDatabaseAsInLibpq() throws InvalidSettingException {
        assertThat(PostgresAddress.parse("postgresql://alice:pw@pg-1:5432").database()).isEqualTo("alice");
        assertThat(PostgresAddress.parse("postgresql://alice@pg-1/").database()).isEqualTo("alice");
    }

    @Test
    void withoutADatabaseOrUserTheDatabaseIsPostgres() throws InvalidSettingException {
        assertThat(PostgresAddress.parse("postgresql://pg-1").database()).isEqualTo("postgres");
    }

    @Test
    void aPercentEncodedPasswordWithAtColonAndSlashIsDecoded() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://ops:p%40ss%3Aw%2Fo%2Brd%25@pg-1:5432/app");

        assertThat(a.password()).isEqualTo("p@ss:w/o+rd%");
        assertThat(a.host()).isEqualTo("pg-1");
        assertThat(a.database()).isEqualTo("app");
    }

    @Test
    void aPlusInThePasswordStaysAPlusAsInLibpq() throws InvalidSettingException {
        assertThat(PostgresAddress.parse("postgresql://ops:a+b@pg-1/app").password()).isEqualTo("a+b");
    }

    @Test
    void anIpv6LiteralKeepsItsBracketsAndItsPort() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://ops:pw@[::1]:5433/app");

        assertThat(a.host()).isEqualTo("[::1]");
        assertThat(a.port()).isEqualTo(5433);
        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/app");
    }

    @Test
    void anIpv6LiteralWithoutAPortUsesTheDefault() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://[2001:db8::7]/app");

        assertThat(a.host()).isEqualTo("[2001:db8::7]");
        assertThat(a.port()).isEqualTo(5432);
    }

    @Test
    void aJdbcUrlIsAcceptedToo() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("jdbc:postgresql://pg-1:5432/app?sslmode=verify-full");

        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://pg-1:5432/app");
        assertThat(a.parameters()).containsEntry("sslmode", "verify-full");
    }

    @Test
    void userAndPasswordMayComeAsQueryParameters() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://pg-1/app?user=ops&password=" + PASSWORD + "&sslmode=require");

        assertThat(a.user()).isEqualTo("ops");
        assertThat(a.password()).isEqualTo(PASSWORD);
        assertThat(a.parameters()).containsOnlyKeys("sslmode");
        assertThat(a.jdbcUrl()).doesNotContain(PASSWORD).doesNotContain("password");
    }

    @Test
    void unknownLibpqParametersAreNotPassedOn() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://pg-1/app?target_session_attrs=read-write&application_name=x");

        assertThat(a.parameters()).containsOnlyKeys("application_name");
    }

    @Test
    void neitherTheJdbcUrlNorTheDescriptionNorToStringShowThePassword() throws InvalidSettingException {
        PostgresAddress a = PostgresAddress.parse("postgresql://ops:" + PASSWORD + "@pg-1:5432/app");

        assertThat(a.jdbcUrl()).doesNotContain(PASSWORD);
        assertThat(a.describe()).doesNotContain(PASSWORD);
        assertThat(a.toString()).doesNotContain(PASSWORD).contains("ops@pg-1:5432/app");
    }

    @Test
    void aDatabaseNameWithASpaceIsEncodedInTheJdbcUrl() throws InvalidSettingException {
        assertThat(PostgresAddress.parse("postgresql://pg-1/my%20app").jdbcUrl()).isEqualTo("jdbc:postgresql://pg-1:5432/my%20app");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "mysql://ops:" + PASSWORD + "@db:3306/app",
            "mysql://ops:" + PASSWORD + "-and-a-tail-long-enough-to-be-cut-off@db:3306/app",
            "ops:" + PASSWORD + "@db:5432/app",
            "postgresql://ops:" + PASSWORD + "@db:99999/app",
            "postgresql://ops:" + PASSWORD + "@db:0/app",
            "postgresql://ops:" + PASSWORD + "@db:abc/app",
            "postgresql://ops:" + PASSWORD + "@db:/app",
            "postgresql://ops:" + PASSWORD + "%zz@db:5432/app",
            "postgresql://ops:" + PASSWORD + "%@db:5432/app",
            "postgresql://ops:" + PASSWORD + "@[::1/app",
            "postgresql://ops:" + PASSWORD + "@db host/app",
    })
    void badInputIsRefusedWithAMessageThatDoesNotShowThePassword(String url) {
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> PostgresAddress.parse(url));

        assertThat(e).as("refused: %s", url).isNotNull();
        assertThat(e.getMessage()).isNotBlank().doesNotContain(PASSWORD).doesNotContain(PASSWORD.substring(0, 6));
    }

    @Test
    void anotherDatabaseSchemeIsRefusedWithAnExample() {
        assertThatThrownBy(() -> PostgresAddress.parse("mysql://ops:pw@db/app"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("postgresql://");
    }

    @Test
    void anOutOfRangePortIsNamedInTheMessage() {
        assertThatThrownBy(() -> PostgresAddress.parse("postgresql://ops:pw@db:99999/app"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("99999").hasMessageContaining("65535");
    }

    @Test
    void aPortThatIsNotANumberIsRefused() {
        assertThatThrownBy(() -> PostgresAddress.parse("postgresql://ops:pw@db:abc/app"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("port");
    }

    @Test
    void anEmptyOrMissingUrlIsRefused() {
        assertThatThrownBy(() -> PostgresAddress.parse("")).isInstanceOf(InvalidSettingException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> PostgresAddress.parse("   ")).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> PostgresAddress.parse(null)).isInstanceOf(InvalidSettingException.class);
    }

    @Test
    void aBrokenPercentEscapeIsRefusedWithAHowToFix() {
        assertThatThrownBy(() -> PostgresAddress.parse("postgresql://ops:50%off@db/app"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("%XX")
                .hasMessageNotContaining("50%off");
    }

    @Test
    void aPasswordWithAnUnencodedQuestionMarkIsNotEchoedAsAPort() {
        // "abc?def" splits the URL at the "?": the part before it would otherwise be read as host "ops" and port "abc".
        assertThatThrownBy(() -> PostgresAddress.parse("postgresql://ops:abc?def@db.internal:5432/app"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageNotContaining("abc");
    }

    /** Oracle: the generator's own user and password, percent-encoded the way a person or a script would. */
    @Property(tries = 2000)
    void anyPercentEncodedUserAndPasswordComeBackUnchanged(@ForAll("credentials") String user,
                                                           @ForAll("credentials") String password) throws InvalidSettingException {
        String url = "postgresql://" + encode(user) + ":" + encode(password) + "@db.internal:5432/cascade?sslmode=require";

        PostgresAddress a = PostgresAddress.parse(url);

        assertThat(a.user()).isEqualTo(user);
        assertThat(a.password()).isEqualTo(password);
        assertThat(a.host()).isEqualTo("db.internal");
        assertThat(a.database()).isEqualTo("cascade");
        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/cascade");
    }

    @Property(tries = 2000)
    void anyTextAfterTheSchemeIsParsedOrRefusedButNeverCrashes(@ForAll("urlishText") String tail) {
        try {
            PostgresAddress a = PostgresAddress.parse("postgresql://" + tail);
            assertThat(a.port()).isBetween(1, 65535);
            assertThat(a.jdbcUrl()).startsWith("jdbc:postgresql://");
        } catch (InvalidSettingException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** URLEncoder writes form encoding; a URI needs %20 for a space (a "+" is a literal plus in libpq). */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Provide
    Arbitrary<String> credentials() {
        Arbitrary<Integer> special = Arbitraries.of((int) '@', (int) ':', (int) '/', (int) '?', (int) '#', (int) '%',
                (int) '+', (int) ' ', (int) '&', (int) '=', (int) '[', (int) ']');
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7e);
        Arbitrary<Integer> anyUnicode = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        return Arbitraries.frequencyOf(Tuple.of(2, special), Tuple.of(3, ascii), Tuple.of(2, anyUnicode))
                .list().ofMaxSize(24)
                .map(cps -> {
                    StringBuilder b = new StringBuilder();
                    cps.forEach(b::appendCodePoint);
                    return b.toString();
                });
    }

    @Provide
    Arbitrary<String> urlishText() {
        Arbitrary<Character> structural = Arbitraries.of('@', ':', '/', '?', '#', '%', '[', ']', '&', '=', '+', ' ', '.');
        Arbitrary<Character> digitsAndHex = Arbitraries.chars().with("0123456789abcdefABCDEF");
        Arbitrary<Character> anything = Arbitraries.chars();
        return Arbitraries.frequencyOf(Tuple.of(3, structural), Tuple.of(3, digitsAndHex), Tuple.of(1, anything))
                .list().ofMaxSize(40)
                .map(cs -> {
                    StringBuilder b = new StringBuilder();
                    cs.forEach(b::append);
                    return b.toString();
                });
    }
}
