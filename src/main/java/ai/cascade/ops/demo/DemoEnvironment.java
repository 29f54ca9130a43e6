package ai.cascade.ops.demo;

import ai.cascade.ops.billing.SubscriptionEditor;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.OpsSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The zero-config demo: an embedded Postgres whose data lives in the demo folder (generated once,
 * reused by later starts) and an embedded Redis filled anew at every start, since Redis in the
 * demo holds only short-lived keys (sessions, caches) and keeps nothing on disk.
 */
public final class DemoEnvironment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoEnvironment.class);
    /** One fixed seed: every demo shows the same users. */
    public static final long SEED = 20260101L;
    public static final String DATABASE = "cascade_demo";

    private final EmbeddedServers servers;
    private final DataSource data;
    private final BooleanSupplier cancelled;
    private DemoStripe stripe;
    private DemoTraffic traffic;

    private DemoEnvironment(EmbeddedServers servers, DataSource data, BooleanSupplier cancelled) {
        this.servers = servers;
        this.data = data;
        this.cancelled = cancelled;
    }

    /**
     * Starts the servers in {@code demoFolder}, generates the data when there is no complete dataset
     * of {@code users} users, and fills Redis. Interrupting the calling thread cancels a generation.
     */
    public static DemoEnvironment start(Path demoFolder, int users, List<Tier> tiers, Consumer<String> progress)
            throws IOException, SQLException {
        return start(demoFolder, users, tiers, progress, () -> Thread.currentThread().isInterrupted());
    }

    /** As {@link #start(Path, int, List, Consumer)}, with an explicit cancel signal for the generation. */
    public static DemoEnvironment start(Path demoFolder, int users, List<Tier> tiers, Consumer<String> progress,
                                        BooleanSupplier cancelled) throws IOException, SQLException {
        progress.accept("Starting the embedded PostgreSQL and Redis…");
        EmbeddedServers servers = EmbeddedServers.start(demoFolder.resolve("pgdata"), demoFolder.resolve("pg-binaries"));
        try {
            progress.accept("Preparing the demo database…");
            DemoEnvironment demo = new DemoEnvironment(servers, prepareDatabase(servers), cancelled);
            ensureData(demo.data, users, tiers, progress, cancelled);
            demo.fillRedis(progress);
            demo.stripe = startStripe(demo.data, demo.postgresUrl(), tiers, progress, point -> { });
            return demo;
        } catch (SQLException | RuntimeException e) {   // a half-started demo must not leave servers running
            servers.close();
            throw e;
        }
    }

    private static DataSource prepareDatabase(EmbeddedServers servers) throws SQLException {
        try (Connection c = servers.admin("postgres").getConnection();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        }
        DataSource ds = servers.admin(DATABASE);
        OpsSchema.migrateBackendForDemo(ds);
        OpsSchema.migrateOps(ds);
        // The database page's Statements tab reads it; the server preloads the library (EmbeddedServers).
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        return ds;
    }

    /**
     * Generates unless a complete dataset of this size is there; otherwise brings its live rows up to now. What follows
     * the data (the Stripe seed, the edit history) checks for itself whether it is done, so no result is returned.
     */
    static void ensureData(DataSource data, int users, List<Tier> tiers, Consumer<String> progress, BooleanSupplier cancelled)
            throws SQLException {
        Optional<DemoDataset.Marker> marker = DemoDataset.marker(data);
        if (marker.isPresent() && marker.get().users() == users) {
            Duration shifted = DemoDataset.shiftLiveRowsToNow(data);
            log.info("Reusing the demo data completed at {} ({} users); live rows moved forward by {}",
                    marker.get().completedAt(), users, shifted);
            return;
        }
        if (marker.isPresent())
            progress.accept(String.format(Locale.ROOT, "The demo data has %,d users; %,d are wanted: generating anew.", marker.get().users(), users));
        DemoDataset.generate(data, users, tiers, SEED, progress, cancelled);
    }

    /**
     * The steps after the Postgres data, checked at every start rather than run only after a generation, so a start
     * killed at any moment is finished by the next one: the local Stripe keeps its state with the demo data and is
     * seeded anew when it was not seeded from the dataset now in Postgres; the edit history against that seeding is
     * made, or resumed, until it is recorded as finished. {@code editCheckpoint} is the editor's saga hook: a no-op
     * but for the crash tests, which kill the process inside an edit.
     *
     * @return the started demo Stripe
     */
    static DemoStripe startStripe(DataSource data, String postgresUrl, List<Tier> tiers, Consumer<String> progress,
                                  Consumer<SubscriptionEditor.SagaPoint> editCheckpoint) throws SQLException {
        progress.accept("Starting the demo Stripe (no real billing)…");
        DemoStripe.Seeding seeding = DemoStripe.seedFromCurrentData(data, tiers);
        DemoStripe stripe = DemoStripe.start(data, tiers);
        try {
            finishHistory(data, postgresUrl, stripe.url(), tiers, seeding, progress, editCheckpoint);
            return stripe;
        } catch (SQLException | RuntimeException e) {
            stripe.close();
            throw e;
        }
    }

    /** Makes (or goes on with) the edit history of a seeding whose history is not finished; records it once it is. */
    private static void finishHistory(DataSource data, String postgresUrl, String stripeUrl, List<Tier> tiers, DemoStripe.Seeding seeding,
                                      Consumer<String> progress, Consumer<SubscriptionEditor.SagaPoint> editCheckpoint) throws SQLException {
        if (seeding.historyMade()) return;
        analyze(data);
        progress.accept("Making the demo's edit history…");
        DemoEditHistory.Summary history = DemoEditHistory.make(postgresUrl, stripeUrl, tiers, seeding.seededAt(), editCheckpoint);
        if (history.complete()) DemoStripe.historyMade(data, seeding);   // else the next start goes on with it
    }

    /**
     * Fresh bulk-loaded tables have no planner statistics until autovacuum gets round to them: analyze at once, as an
     * administrator would after a restore, so the database page's checks start from a database in good order.
     */
    private static void analyze(DataSource data) throws SQLException {
        try (Connection c = data.getConnection(); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }
    }

    private RedisFill fillRedis(Consumer<String> progress) {
        progress.accept("Filling the demo Redis with sessions and cached answers…");
        try (RedisConnection redis = new RedisConnection(RedisAddress.parse(servers.redisUrl()))) {
            return DemoRedisData.fill(redis, data, SEED);
        } catch (InvalidSettingException e) {
            throw new IllegalStateException("The embedded Redis has an unusable URL: " + e.getMessage(), e);
        }
    }

    /** The demo database as a libpq URI (trust authentication: no password in it). */
    public String postgresUrl() {
        return servers.postgresUrl(DATABASE);
    }

    public String redisUrl() {
        return servers.redisUrl();
    }

    /** The API base of the demo's local Stripe ("Demo Stripe — no real billing"); its key is {@link DemoStripe#KEY}. */
    public String stripeUrl() {
        return stripe.url();
    }

    /** The superuser's access to the demo database, for set-up and checks. */
    public DataSource dataSource() {
        return data;
    }

    /** Generates the Postgres data anew, seeds the demo Stripe from it and refills Redis. */
    public void reset(int users, List<Tier> tiers, Consumer<String> progress) throws SQLException {
        DemoDataset.generate(data, users, tiers, SEED, progress, cancelled);
        progress.accept("Seeding the demo Stripe anew…");
        DemoStripe.Seeding seeding = DemoStripe.seedFromCurrentData(data, tiers);   // a new dataset: always seeded anew
        finishHistory(data, postgresUrl(), stripe.url(), tiers, seeding, progress, point -> { });
        fillRedis(progress);
    }

    /** Starts the stand-in for the backend's cache and database reads ({@link DemoTraffic}); the app's demo only. */
    public synchronized void startTraffic() {
        if (traffic == null) traffic = DemoTraffic.start(servers.redisUrl(), data);
    }

    /** Stops the demo Stripe and both servers; the Postgres data (the Stripe state with it) stays in the demo folder. */
    @Override
    public void close() {
        synchronized (this) {
            if (traffic != null) traffic.close();
            traffic = null;
        }
        if (stripe != null) stripe.close();
        servers.close();
    }
}
