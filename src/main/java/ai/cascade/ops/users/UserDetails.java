package ai.cascade.ops.users;

import ai.cascade.ops.backend.LenientJson;
import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.venice.RateLimiter;
import ai.cascade.ops.venice.VeniceAnswer;
import ai.cascade.ops.venice.VeniceClient;
import ai.cascade.ops.venice.VeniceHttp;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything about one user, one part per backend, so a slow or failing backend costs only its own part.
 * Opening a user's detail is recorded first ({@link #recordAccess}): personal data access is accountable.
 * Times from Postgres are UTC as stored; the token id of a session only ever leaves here masked.
 */
public final class UserDetails {
    /** Seconds any one statement may take: a detail pane waits on people, not on reports. */
    static final int TIME_LIMIT_SECONDS = 5;
    private static final int LONGEST_METADATA = 16 * 1024;

    /** One row of {@code ops.personal_data_access}: {@code viewer} is the server's session_user, not what the client claims. */
    public record Access(long id, String viewer, LocalDateTime at) {}

    /** The {@code cascade_users} row and the user's {@code subscriptions}, newest first. */
    public record Account(int id, String username, String email, String customerId, String tier, String status,
                          LocalDateTime lastLogin, LocalDateTime createdAt, String metadata, int metadataLength,
                          List<PastSubscription> subscriptions) {
        /** True when {@link #metadata} is only the start of a larger value. */
        public boolean metadataShortened() { return metadata != null && metadata.length() < metadataLength; }
    }

    /** One row of {@code subscriptions}; {@code amount} is in the currency's minor units per period. */
    public record PastSubscription(int id, String stripeSubscriptionId, String tier, Integer amount, String status,
                                   LocalDateTime periodStart, LocalDateTime periodEnd, LocalDateTime createdAt) {}

    /** The user's login keys in Redis. */
    public record Login(Session session, RateLimit rateLimit) {}

    /** What the session key held. */
    public enum Shape { ABSENT, JSON, NOT_JSON, NOT_A_STRING, TOO_LARGE }

    /**
     * {@code cascade:session:{id}}: {@code ttlMillis} is PTTL (-1 no expiry, -2 absent), {@code maskedJti} the token id
     * masked; every field may be null, and {@code problems} says what was wrong with the value.
     */
    public record Session(Shape shape, long ttlMillis, long valueBytes, Integer userId, String username, String maskedJti,
                          Instant expiresAt, Instant createdAt, Instant lastSeen, String ip, String userAgent,
                          List<String> problems) {
        public boolean present() { return shape != Shape.ABSENT; }
    }

    /** {@code cascade:ratelimit:{id}}: the counter of the current window ({@code count} null when not a number) and PTTL. */
    public record RateLimit(boolean present, Long count, String value, long ttlMillis) {}

    /** An open collaboration session the user owns or takes part in. */
    public record Collaboration(int id, String sessionId, Integer ownerId, String ownerName, boolean owned,
                                List<String> participants, LocalDateTime createdAt) {}

    /** The customer as Stripe sees it; {@code moreSubscriptions} when Stripe has more than those listed. */
    public record StripeCustomer(String id, boolean deleted, String email, String name, Instant created, Boolean delinquent,
                                 String currency, Long balance, List<StripeSubscription> subscriptions, boolean moreSubscriptions) {}

    /** A Stripe subscription; price, amount (unit amount × quantity, minor units) and period come from its first item. */
    public record StripeSubscription(String id, String status, Instant currentPeriodEnd, boolean cancelAtPeriodEnd,
                                     String pauseBehavior, String priceId, Long amount, String currency, String interval,
                                     int items) {}

    /**
     * The Venice citizen profile as the pane shows it. {@code degraded} (with {@code notice}) when Venice answered with
     * stand-in data; {@code delivery} says how it came ("From the cache (age 42 s)", "Live from Venice, 230 ms");
     * {@code cacheNote} is null, or why the cache was not used ("Uncached: Redis at … is unreachable …").
     */
    public record Citizen(boolean found, boolean degraded, String username, String firstName, String lastName, Boolean ai,
                          String socialClass, Double influence, Double ducats, String guildId, String workplace, String home,
                          Instant lastActiveAt, Instant createdAt, String notice, String delivery, String cacheNote) {
        static Citizen of(VeniceAnswer<ai.cascade.ops.venice.Citizen> answer, String username) {
            String delivery = answer.fromCache()
                    ? "From the cache shared with the backend (age " + (answer.cacheAge() == null ? "unknown" : answer.cacheAge().toSeconds() + " s") + ")"
                    : "Live from Venice, " + answer.latency().toMillis() + " ms";
            if (!answer.found())
                return new Citizen(false, false, username, null, null, null, null, null, null, null, null, null, null, null,
                        "Venice has no citizen \"" + username + "\".", delivery, answer.cacheNote());
            ai.cascade.ops.venice.Citizen c = answer.value();
            String notice = null;
            if (answer.degraded())
                notice = "Degraded: Venice answered with fallback sample data after an internal error; these values are not this citizen's, and were not cached.";
            else if (c.username() != null && !c.username().equals(username))
                notice = "Venice answered for \"" + c.username() + "\", not \"" + username + "\".";
            return new Citizen(true, notice != null, c.username() == null ? username : c.username(), c.firstName(), c.lastName(),
                    c.isAi(), c.socialClass(), c.influence(), c.ducats(), c.guildId(),
                    c.workplace() == null ? null : c.workplace().describe(), c.home(), c.lastActiveAt(), c.createdAt(),
                    notice, delivery, answer.cacheNote());
        }
    }

    private final Connections connections;
    private final String profileName;
    /** A client of this pane's own, only for connections that share none (test doubles); guarded by this. */
    private VeniceClient ownVeniceClient;

    public UserDetails(Connections connections, String profileName) {
        this.connections = connections;
        this.profileName = profileName;
    }

    /**
     * Records that the connected login is viewing this user's personal data. Throws when it cannot; the caller
     * then shows no personal data.
     */
    public Access recordAccess(int userId, CancelSignal cancel) {
        try {
            return connections.database().prepared("recording that you viewed user " + userId, TIME_LIMIT_SECONDS, cancel,
                    "INSERT INTO ops.personal_data_access(profile, user_id, what) VALUES (?, ?, 'user detail') RETURNING id, viewer, at",
                    st -> {
                        st.setString(1, profileName);
                        st.setInt(2, userId);
                        try (ResultSet rs = st.executeQuery()) {
                            rs.next();
                            return new Access(rs.getLong(1), rs.getString(2), rs.getObject(3, LocalDateTime.class));
                        }
                    });
        } catch (BackendException e) {
            throw new BackendException(e.backend(), accessRefusal(e) + " Nothing about this user is shown until the view is recorded.", e);
        }
    }

    private static String accessRefusal(BackendException e) {
        if (e.getCause() instanceof SQLException s && "42P01".equals(s.getSQLState()))
            return "This server's CASCADE Ops schema has no record of personal data access (ops.personal_data_access): "
                    + "it is older than version 2. An administrator runs the migration command.";
        return e.getMessage();
    }

    /** The {@code cascade_users} row (metadata as JSON text, the first 16 KiB) and the subscription history, newest first. */
    public Account account(int userId, CancelSignal cancel) {
        Account row = connections.database().prepared("reading user " + userId, TIME_LIMIT_SECONDS, cancel,
                "SELECT id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status, last_login, created_at, "
                        + "left(metadata::text, " + LONGEST_METADATA + "), coalesce(length(metadata::text), 0) FROM cascade_users WHERE id = ?",
                st -> {
                    st.setInt(1, userId);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) return null;
                        return new Account(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getObject(7, LocalDateTime.class), rs.getObject(8, LocalDateTime.class),
                                rs.getString(9), rs.getInt(10), List.of());
                    }
                });
        if (row == null)
            throw new BackendException(Backend.POSTGRES, "There is no user " + userId + " in cascade_users (any more): refresh the list.");
        List<PastSubscription> history = connections.database().prepared("reading the subscriptions of user " + userId,
                TIME_LIMIT_SECONDS, cancel,
                "SELECT id, stripe_subscription_id, tier, amount, status, current_period_start, current_period_end, created_at "
                        + "FROM subscriptions WHERE user_id = ? ORDER BY created_at DESC NULLS LAST, id DESC",
                st -> {
                    st.setInt(1, userId);
                    return subscriptions(st);
                });
        return new Account(row.id(), row.username(), row.email(), row.customerId(), row.tier(), row.status(), row.lastLogin(),
                row.createdAt(), row.metadata(), row.metadataLength(), history);
    }

    private static List<PastSubscription> subscriptions(PreparedStatement st) throws SQLException {
        List<PastSubscription> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next())
                out.add(new PastSubscription(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getObject(4, Integer.class),
                        rs.getString(5), rs.getObject(6, LocalDateTime.class), rs.getObject(7, LocalDateTime.class),
                        rs.getObject(8, LocalDateTime.class)));
        }
        return out;
    }

    /**
     * The login session {@code cascade:session:{id}} read leniently (a value that is not JSON is reported with its
     * size, missing fields are named), its PTTL, and the rate-limit counter {@code cascade:ratelimit:{id}} with its PTTL.
     * Redis commands cannot be cancelled once sent; each is bounded by the client's 3 s timeout.
     */
    public Login login(int userId, CancelSignal cancel) {
        return LoginReader.read(connections.redis(), userId);
    }

    /** Open collaboration sessions ({@code ended_at IS NULL}) the user owns or whose participants include {@code username}. */
    public List<Collaboration> collaborations(int userId, String username, CancelSignal cancel) {
        return connections.database().prepared("reading the collaboration sessions of user " + userId, TIME_LIMIT_SECONDS, cancel,
                "SELECT c.id, c.session_id::text, c.owner_id, o.venice_username, c.participants::text, c.created_at "
                        + "FROM collaboration_sessions c LEFT JOIN cascade_users o ON o.id = c.owner_id "
                        + "WHERE c.ended_at IS NULL AND (c.owner_id = ? OR c.participants @> jsonb_build_array(?::text)) "
                        + "ORDER BY c.created_at DESC NULLS LAST, c.id DESC LIMIT 200",
                st -> {
                    st.setInt(1, userId);
                    st.setString(2, username);
                    List<Collaboration> out = new ArrayList<>();
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            Integer owner = rs.getObject(3, Integer.class);
                            out.add(new Collaboration(rs.getInt(1), rs.getString(2), owner, rs.getString(4),
                                    owner != null && owner == userId, LenientJson.strings(rs.getString(5)),
                                    rs.getObject(6, LocalDateTime.class)));
                        }
                    }
                    return out;
                });
    }

    /** True when the profile has a Stripe key: the pane offers "Load from Stripe" only then. */
    public boolean stripeConfigured() { return connections.stripe().isPresent(); }

    /** True when the profile has a Venice URL. */
    public boolean veniceConfigured() { return connections.venice().isPresent(); }

    /**
     * The customer and their ten latest subscriptions (any status) as Stripe sees them. Stripe calls cannot be
     * cancelled in flight; stripe-java's own timeouts bound them.
     */
    public StripeCustomer stripe(String customerId, CancelSignal cancel) {
        StripeAccess stripe = connections.stripe().orElseThrow(() -> new BackendException(Backend.STRIPE,
                "Stripe is not configured in the profile \"" + profileName + "\": add its secret key under File → Connections."));
        if (customerId == null || customerId.isBlank())
            throw new BackendException(Backend.STRIPE, "This user has no Stripe customer id in cascade_users.");
        return StripeLookup.load(stripe, customerId);
    }

    /**
     * The Venice citizen profile, from the cache shared with the backend when fresh, else from Venice (then cached);
     * a citizen Venice does not know is a result ({@code found} false), not an error.
     */
    public Citizen venice(String username, CancelSignal cancel) {
        VeniceClient venice = veniceClient().orElseThrow(() -> new BackendException(Backend.VENICE,
                "Venice is not configured in the profile \"" + profileName + "\": add its URL under File → Connections."));
        return Citizen.of(venice.citizen(username, cancel), username);
    }

    /** The workspace's shared client (one budget of requests); connections that share none get one of this pane's own. */
    private synchronized Optional<VeniceClient> veniceClient() {
        Optional<VeniceClient> shared = connections.veniceClient();
        if (shared.isPresent()) return shared;
        Optional<VeniceHttp> http = connections.venice();
        if (http.isEmpty()) return Optional.empty();
        if (ownVeniceClient == null)
            ownVeniceClient = new VeniceClient(http.get(), connections::redis, RateLimiter.perMinute(), Clock.systemUTC());
        return Optional.of(ownVeniceClient);
    }
}
