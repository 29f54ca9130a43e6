package ai.cascade.ops.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileChoiceTest {
    private static final ConnectionProfile STAGING = new ConnectionProfile("Staging", false, true,
            "postgresql://ops@db-staging/cascade", "redis://cache-staging:6379", "", "");

    private static Settings settingsWithActive(String active) {
        Settings s = new Settings();
        s.profiles.add(STAGING);
        s.activeProfile = active;
        return s;
    }

    @Test
    void theBackendsEnvironmentVariablesGiveAProfileNamedEnvironment() {
        Map<String, String> env = Map.of(
                "DATABASE_URL", "postgresql://cascade:pw@db:5432/cascade?sslmode=require",
                "REDIS_URL", "redis://cache:6379/0",
                "VENICE_API_URL", "https://serenissima.ai/api",
                "STRIPE_API_KEY", "sk_test_51Hx9aZ2eZvKYlo2C0123456789abcd");

        ConnectionProfile p = ProfileChoice.atStart(settingsWithActive("Staging"), env).orElseThrow();

        assertThat(p.name()).isEqualTo(ConnectionProfile.ENVIRONMENT_NAME).isEqualTo("Environment");
        assertThat(p.postgresUrl()).isEqualTo("postgresql://cascade:pw@db:5432/cascade?sslmode=require");
        assertThat(p.redisUrl()).isEqualTo("redis://cache:6379/0");
        assertThat(p.veniceUrl()).isEqualTo("https://serenissima.ai/api");
        assertThat(p.stripeKey()).isEqualTo("sk_test_51Hx9aZ2eZvKYlo2C0123456789abcd");
        assertThat(p.production()).isFalse();
        assertThat(p.readOnly()).isFalse();
    }

    @Test
    void oneEnvironmentVariableIsEnoughAndTheOthersAreNotConfigured() {
        ConnectionProfile p = ProfileChoice.fromEnvironment(Map.of("REDIS_URL", "redis://cache:6379")).orElseThrow();

        assertThat(p.hasRedis()).isTrue();
        assertThat(p.hasPostgres()).isFalse();
        assertThat(p.hasVenice()).isFalse();
        assertThat(p.hasStripe()).isFalse();
    }

    @Test
    void blankEnvironmentVariablesCountAsAbsent() {
        Map<String, String> env = Map.of("DATABASE_URL", "", "REDIS_URL", "  ", "VENICE_API_URL", "", "STRIPE_API_KEY", "");

        assertThat(ProfileChoice.fromEnvironment(env)).isEmpty();
        assertThat(ProfileChoice.atStart(settingsWithActive("Staging"), env)).contains(STAGING);
    }

    @Test
    void theEnvironmentMayMarkItselfAsProduction() {
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://db/cascade", "CASCADE_OPS_PRODUCTION", "TRUE");

        assertThat(ProfileChoice.fromEnvironment(env).orElseThrow().production()).isTrue();
    }

    @Test
    void withoutEnvironmentVariablesTheSettingsActiveProfileIsUsed() {
        assertThat(ProfileChoice.atStart(settingsWithActive("Staging"), Map.of())).contains(STAGING);
    }

    @Test
    void withNeitherEnvironmentNorAnActiveProfileTheDemoRuns() {
        assertThat(ProfileChoice.atStart(new Settings(), Map.of())).isEmpty();
    }

    @Test
    void anActiveDemoProfileMeansTheDemo() {
        assertThat(ProfileChoice.atStart(settingsWithActive(ConnectionProfile.DEMO_NAME), Map.of())).isEmpty();
    }

    @Test
    void anActiveProfileThatNoLongerExistsFallsBackToTheDemo() {
        assertThat(ProfileChoice.atStart(settingsWithActive("Deleted long ago"), Map.of())).isEqualTo(Optional.empty());
    }
}
