package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.BackendMonitor;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The clients of one profile and the monitor that watches them. Building it does no I/O (pools connect
 * lazily), so it is safe anywhere; an invalid address disables only its own backend, with the reason.
 */
public final class Workspace implements Connections, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workspace.class);

    private final ConnectionProfile profile;
    private final Database database;
    private final RedisConnection redis;
    private final ai.cascade.ops.venice.VeniceHttp venice;
    /** Built once beside {@link #venice}: its rate limiter is this workspace's one budget of Venice requests. */
    private final ai.cascade.ops.venice.VeniceClient veniceClient;
    private final StripeAccess stripe;
    private final BackendMonitor monitor = new BackendMonitor(Duration.ofSeconds(1));
    private final Map<Backend, String> unavailable = new EnumMap<>(Backend.class);

    public Workspace(ConnectionProfile profile, String stripeApiBase) {
        this.profile = profile;
        Database db = null;
        RedisConnection r = null;
        if (profile.hasPostgres()) {
            try {
                db = new Database(PostgresAddress.parse(profile.postgresUrl()), "CASCADE Ops", 6);
            } catch (InvalidSettingException e) {
                unavailable.put(Backend.POSTGRES, e.getMessage());
            }
        }
        if (profile.hasRedis()) {
            try {
                r = new RedisConnection(RedisAddress.parse(profile.redisUrl()));
            } catch (InvalidSettingException | IllegalArgumentException e) {
                unavailable.put(Backend.REDIS, e.getMessage());
            }
        }
        this.database = db;
        this.redis = r;
        this.venice = profile.hasVenice() ? new ai.cascade.ops.venice.VeniceHttp(profile.veniceUrl()) : null;
        this.veniceClient = venice == null ? null : new ai.cascade.ops.venice.VeniceClient(venice, this::redis,
                ai.cascade.ops.venice.RateLimiter.perMinute(), java.time.Clock.systemUTC());
        this.stripe = profile.hasStripe() ? new StripeAccess(profile.stripeKey(), stripeApiBase) : null;
    }

    /**
     * Starts the health checks, every few seconds so that an outage shows within 5 s, and every second while a
     * backend is not connected so that its return does too. Venice's checks are requests within the console's budget
     * (VeniceClient.HEALTH_CHECK_EVERY), so they do not speed up; against Stripe's limit (25 reads a second in test
     * mode) one a second is negligible.
     */
    public void startMonitoring() {
        watch(Backend.POSTGRES, probe(Backend.POSTGRES), Duration.ofSeconds(3), Duration.ofSeconds(1));
        watch(Backend.REDIS, probe(Backend.REDIS), Duration.ofSeconds(3), Duration.ofSeconds(1));
        watch(Backend.VENICE, probe(Backend.VENICE), ai.cascade.ops.venice.VeniceClient.HEALTH_CHECK_EVERY,
                ai.cascade.ops.venice.VeniceClient.HEALTH_CHECK_EVERY);
        watch(Backend.STRIPE, probe(Backend.STRIPE), Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    /** One check of every backend, for the connection dialog's Test button. Blocks: call it off the FX thread. */
    public java.util.List<Health> testOnce() {
        java.util.List<Health> out = new java.util.ArrayList<>();
        for (Backend b : Backend.values()) {
            String problem = unavailable.get(b);
            ai.cascade.ops.backend.Probe p = probe(b);
            if (problem != null) out.add(new Health(b, Health.State.DOWN, null, problem, Instant.now()));
            else if (p == null) out.add(Health.notConfigured(b));
            else out.add(BackendMonitor.measure(b, p, Duration.ofSeconds(1)));
        }
        return out;
    }

    private ai.cascade.ops.backend.Probe probe(Backend b) {
        return switch (b) {
            case POSTGRES -> database == null ? null : () -> database.run("checking the connection", c -> {
                try (var st = c.createStatement()) {
                    st.setQueryTimeout(3);
                    st.execute("SELECT 1");
                }
                return null;
            });
            case REDIS -> redis == null ? null : () -> redis.run("PING", c -> { c.ping(); return null; });
            case VENICE -> veniceClient == null ? null : veniceClient::probe;   // within the same budget of requests
            case STRIPE -> stripe == null ? null : stripe::probe;
        };
    }

    private void watch(Backend b, ai.cascade.ops.backend.Probe probe, Duration every, Duration whileDown) {
        String problem = unavailable.get(b);
        if (problem != null) monitor.report(new Health(b, Health.State.DOWN, null, problem, Instant.now()));
        else monitor.watch(b, probe, every, whileDown);
    }

    public ConnectionProfile profile() { return profile; }

    public BackendMonitor monitor() { return monitor; }

    @Override
    public Database database() {
        if (database == null) throw unavailable(Backend.POSTGRES);
        return database;
    }

    @Override
    public RedisConnection redis() {
        if (redis == null) throw unavailable(Backend.REDIS);
        return redis;
    }

    public Optional<Database> databaseIfConfigured() { return Optional.ofNullable(database); }

    public Optional<StripeAccess> stripe() { return Optional.ofNullable(stripe); }

    public Optional<ai.cascade.ops.venice.VeniceHttp> venice() { return Optional.ofNullable(venice); }

    @Override
    public Optional<ai.cascade.ops.venice.VeniceClient> veniceClient() { return Optional.ofNullable(veniceClient); }

    @Override
    public boolean isConfigured(Backend b) {
        return switch (b) {
            case POSTGRES -> database != null || unavailable.containsKey(b);
            case REDIS -> redis != null || unavailable.containsKey(b);
            case VENICE -> venice != null;
            case STRIPE -> stripe != null;
        };
    }

    private BackendException unavailable(Backend b) {
        String why = unavailable.get(b);
        return new BackendException(b, why != null ? why
                : b.label() + " is not configured in the profile \"" + profile.name() + "\". Add it under File → Connections.");
    }

    @Override
    public void close() {
        monitor.close();
        for (AutoCloseable c : new AutoCloseable[]{database, redis, venice}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing a connection of profile {} failed: {}", profile.name(), e.getMessage());
            }
        }
    }
}
