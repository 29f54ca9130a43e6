package ai.cascade.ops.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RedisAddressTest {

    @Test
    void aPlainRedisUrlIsNotTls() throws InvalidSettingException {
        RedisAddress a = RedisAddress.parse("redis://cache-1:6380");

        assertThat(a.tls()).isFalse();
        assertThat(a.host()).isEqualTo("cache-1");
        assertThat(a.port()).isEqualTo(6380);
        assertThat(a.describe()).isEqualTo("cache-1:6380");
    }

    @Test
    void aRedissUrlMeansTls() throws InvalidSettingException {
        RedisAddress a = RedisAddress.parse("rediss://cache-1.example.net:6380");

        assertThat(a.tls()).isTrue();
        assertThat(a.host()).isEqualTo("cache-1.example.net");
    }

    @Test
    void withoutAPortTheDefault6379IsUsed() throws InvalidSettingException {
        assertThat(RedisAddress.parse("redis://cache-1").port()).isEqualTo(6379);
        assertThat(RedisAddress.parse("rediss://cache-1/0").port()).isEqualTo(6379);
    }

    @Test
    void anAclUserAndPasswordAreKeptInTheUrlForTheClientButNeverPrinted() throws InvalidSettingException {
        RedisAddress a = RedisAddress.parse("redis://monitor:s3cr3t-pw@cache-1:6379/0");

        assertThat(a.url()).isEqualTo("redis://monitor:s3cr3t-pw@cache-1:6379/0");
        assertThat(a.host()).isEqualTo("cache-1");
        assertThat(a.toString()).doesNotContain("s3cr3t-pw").contains("monitor").contains("cache-1:6379");
        assertThat(a.describe()).doesNotContain("s3cr3t-pw");
    }

    @Test
    void aPercentEncodedPasswordIsAccepted() throws InvalidSettingException {
        RedisAddress a = RedisAddress.parse("redis://monitor:p%40ss%3Aw%2Frd@cache-1:6379");

        assertThat(a.host()).isEqualTo("cache-1");
        assertThat(a.toString()).doesNotContain("p%40ss");
    }

    @Test
    void aDatabaseIndexAfterTheHostIsAccepted() throws InvalidSettingException {
        assertThat(RedisAddress.parse("redis://cache-1:6379/3").host()).isEqualTo("cache-1");
        assertThat(RedisAddress.parse("redis://cache-1:6379/15").port()).isEqualTo(6379);
    }

    @Test
    void aDatabaseThatIsNotANumberIsRefused() {
        assertThatThrownBy(() -> RedisAddress.parse("redis://cache-1:6379/sessions"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("number").hasMessageContaining("sessions");
    }

    @Test
    void anIpv6LiteralIsAccepted() throws InvalidSettingException {
        RedisAddress a = RedisAddress.parse("redis://[::1]:6380");

        assertThat(a.port()).isEqualTo(6380);
        assertThat(a.host()).contains("::1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://cache-1:6379", "cache-1:6379", "unix:///var/run/redis.sock", "postgresql://db/app"})
    void aUrlWithAnotherSchemeIsRefusedWithAnExample(String url) {
        assertThatThrownBy(() -> RedisAddress.parse(url))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("redis://").hasMessageContaining("rediss://");
    }

    @Test
    void aUrlWithoutAHostIsRefused() {
        assertThatThrownBy(() -> RedisAddress.parse("redis://"))
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> RedisAddress.parse("redis://:6379/0"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("host");
    }

    @Test
    void anEmptyUrlIsRefused() {
        assertThatThrownBy(() -> RedisAddress.parse("")).isInstanceOf(InvalidSettingException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> RedisAddress.parse(null)).isInstanceOf(InvalidSettingException.class);
    }

    @Test
    void anOutOfRangePortIsRefused() {
        assertThatThrownBy(() -> RedisAddress.parse("redis://cache-1:99999"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("99999");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "redis://monitor:s3cr3t-pw@:6379/0",
            "redis://monitor:s3cr3t-pw@cache-1:6379/sessions",
            "redis://monitor:s3cr3t-pw@cache 1:6379",
            "redis://monitor:s3cr3t-pw@cache-1:99999",
            "redis://monitor:s3cr3t-pw@cache-1:6379/%zz",
            "http://monitor:s3cr3t-pw@cache-1:6379",
    })
    void aRefusedUrlNeverShowsItsPassword(String url) {
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> RedisAddress.parse(url));

        assertThat(e).as("refused: %s", url).isNotNull();
        assertThat(e.getMessage()).doesNotContain("s3cr3t-pw");
    }
}
