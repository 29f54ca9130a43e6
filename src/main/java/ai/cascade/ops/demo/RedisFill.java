package ai.cascade.ops.demo;

/**
 * How many keys the demo wrote into Redis, per key family of DATA-MODEL.md. {@code sessions}
 * includes the {@code malformedSessions} (missing fields, not JSON, very large); {@code other} counts
 * keys outside the contract.
 */
public record RedisFill(int sessions, int malformedSessions, int blacklisted, int rateLimits, int patterns,
                        int veniceCache, int other) {

    public int total() {
        return sessions + blacklisted + rateLimits + patterns + veniceCache + other;
    }
}
