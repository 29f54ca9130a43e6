package ai.cascade.ops.config;

import java.util.Map;
import java.util.Optional;

/**
 * Decides which profile a start uses: the backend's own environment variables when present
 * (DATABASE_URL, REDIS_URL, VENICE_API_URL, STRIPE_API_KEY), else the last active profile, else the demo.
 */
public final class ProfileChoice {
    private ProfileChoice() {}

    public static Optional<ConnectionProfile> fromEnvironment(Map<String, String> env) {
        String pg = env.getOrDefault("DATABASE_URL", "");
        String redis = env.getOrDefault("REDIS_URL", "");
        String venice = env.getOrDefault("VENICE_API_URL", "");
        String stripe = env.getOrDefault("STRIPE_API_KEY", "");
        if (pg.isBlank() && redis.isBlank() && venice.isBlank() && stripe.isBlank()) return Optional.empty();
        boolean production = "true".equalsIgnoreCase(env.getOrDefault("CASCADE_OPS_PRODUCTION", ""));
        return Optional.of(new ConnectionProfile(ConnectionProfile.ENVIRONMENT_NAME, production, false, pg, redis, venice, stripe));
    }

    /** Empty means: run the embedded demo. */
    public static Optional<ConnectionProfile> atStart(Settings settings, Map<String, String> env) {
        Optional<ConnectionProfile> fromEnv = fromEnvironment(env);
        if (fromEnv.isPresent()) return fromEnv;
        if (settings.activeProfile == null || settings.activeProfile.equals(ConnectionProfile.DEMO_NAME)) return Optional.empty();
        return settings.profile(settings.activeProfile);
    }
}
