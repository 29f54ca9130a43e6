package ai.cascade.ops.sessions;

import ai.cascade.ops.users.UserDetails.Shape;

import java.time.Instant;
import java.util.List;

/**
 * One {@code cascade:session:*} key as read by a refresh, joined with its user. Every field but {@code key}
 * may be null: a malformed value is a row with its {@code problems}, never a dropped one. The token id is
 * only ever held masked; revoking reads the value again.
 *
 * @param userId      the user id in the key's name, null when the name is not a number
 * @param userExists  false when no {@code cascade_users} row has that id (any more)
 * @param keyExpiresAtMillis when the key expires (epoch millis, from PTTL at read time), or -1 without expiry
 * @param fingerprint a digest of the value, to tell a changed session from an unchanged one between refreshes
 */
public record SessionRow(String key, Integer userId, String username, String tier, boolean userExists, Shape shape,
                         long valueBytes, long keyExpiresAtMillis, String maskedJti, Instant tokenExpires,
                         Instant createdAt, Instant lastSeen, String ip, String userAgent, List<String> problems,
                         long fingerprint) {

    /** True when the value holds a token id, so the token can be blacklisted. */
    public boolean hasTokenId() { return maskedJti != null; }

    /** Seconds the key has left at {@code nowMillis}; -1 when it has no expiry. */
    public long ttlSecondsAt(long nowMillis) {
        if (keyExpiresAtMillis < 0) return -1;
        return Math.max(0, (keyExpiresAtMillis - nowMillis + 999) / 1000);
    }

    /**
     * The same session read again: only the key's expiry may have moved (a value that did not change is not parsed
     * twice). Within a second it is the same expiry seen through another read's timing: the row itself is kept.
     */
    public SessionRow withKeyExpiresAt(long millis) {
        return Math.abs(millis - keyExpiresAtMillis) < 1000 && (millis < 0) == (keyExpiresAtMillis < 0) ? this : new SessionRow(key, userId, username, tier, userExists, shape, valueBytes, millis,
                maskedJti, tokenExpires, createdAt, lastSeen, ip, userAgent, problems, fingerprint);
    }

    /** What is wrong, in one line ("" when nothing is). */
    public String problemText() { return String.join(" ", problems); }
}
