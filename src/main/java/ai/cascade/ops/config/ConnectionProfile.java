package ai.cascade.ops.config;

import java.util.Objects;

/**
 * A named environment: where its servers are and how carefully the console must treat it.
 * Blank addresses mean "not configured"; the console then shows that backend as such.
 */
public record ConnectionProfile(
        String name,
        boolean production,
        boolean readOnly,
        String postgresUrl,
        String redisUrl,
        String veniceUrl,
        String stripeKey) {

    public static final String DEMO_NAME = "Demo";
    public static final String ENVIRONMENT_NAME = "Environment";

    public ConnectionProfile {
        Objects.requireNonNull(name, "name");
        postgresUrl = blankToEmpty(postgresUrl);
        redisUrl = blankToEmpty(redisUrl);
        veniceUrl = blankToEmpty(veniceUrl);
        stripeKey = blankToEmpty(stripeKey);
    }

    public boolean hasPostgres() { return !postgresUrl.isEmpty(); }
    public boolean hasRedis() { return !redisUrl.isEmpty(); }
    public boolean hasVenice() { return !veniceUrl.isEmpty(); }
    public boolean hasStripe() { return !stripeKey.isEmpty(); }

    public ConnectionProfile withName(String newName) {
        return new ConnectionProfile(newName, production, readOnly, postgresUrl, redisUrl, veniceUrl, stripeKey);
    }

    public ConnectionProfile withReadOnly(boolean value) {
        return new ConnectionProfile(name, production, value, postgresUrl, redisUrl, veniceUrl, stripeKey);
    }

    /** Never prints a secret: records' generated toString would. */
    @Override
    public String toString() {
        return "ConnectionProfile[" + name + (production ? ", production" : "") + (readOnly ? ", read-only" : "")
                + ", postgres=" + masked(postgresUrl) + ", redis=" + masked(redisUrl)
                + ", venice=" + masked(veniceUrl) + ", stripe=" + Secrets.mask(stripeKey) + "]";
    }

    /** Secrets.maskUrl knows no "jdbc:" prefix (its scheme has a colon): masked without it, or the password shows. */
    private static String masked(String url) {
        return url.regionMatches(true, 0, "jdbc:", 0, 5) ? url.substring(0, 5) + Secrets.maskUrl(url.substring(5)) : Secrets.maskUrl(url);
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }
}
