package ai.cascade.ops.demo;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's stand-in for the backend's traffic, so the hit-rate charts have an application to chart: a few dozen
 * cache reads a second on the demo's keys, read-through (a miss is written back with the contract's 300 s TTL, as the
 * backend's cache does), and a user lookup in Postgres every second. Only the app's demo runs it, never the tests.
 */
public final class DemoTraffic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);
    private static final int KNOWN_KEYS = 4_000;
    private static final int READS_PER_TICK = 8;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final DataSource data;
    private final ScheduledExecutorService ticks;
    private final SplittableRandom rnd = new SplittableRandom(DemoRandom.mix(DemoEnvironment.SEED));
    private final List<String> known = new ArrayList<>();
    private int maxUserId = 1;
    private long tick;

    private DemoTraffic(String redisUrl, DataSource data) {
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setClientName("cascade-backend-demo");
        uri.setTimeout(Duration.ofSeconds(3));
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.data = data;
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-traffic");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the traffic; a failure to start is logged and leaves the demo without it. */
    static DemoTraffic start(String redisUrl, DataSource data) {
        DemoTraffic t = new DemoTraffic(redisUrl, data);
        t.ticks.execute(t::prepare);
        t.ticks.scheduleWithFixedDelay(t::tick, 250, 250, TimeUnit.MILLISECONDS);
        return t;
    }

    private void prepare() {
        RedisCommands<String, String> c = connection.sync();
        ScanArgs args = ScanArgs.Builder.matches("cascade:*").limit(1000);
        KeyScanCursor<String> cursor = c.scan(args);
        while (known.size() < KNOWN_KEYS) {
            for (String k : cursor.getKeys())
                if (!k.startsWith("cascade:ratelimit:") && !k.startsWith("cascade:blacklist:") && known.size() < KNOWN_KEYS) known.add(k);
            if (cursor.isFinished()) break;
            cursor = c.scan(cursor, args);
        }
        try (Connection db = data.getConnection(); var st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 1) FROM cascade_users")) {
            if (rs.next()) maxUserId = rs.getInt(1);
        } catch (SQLException e) {
            log.debug("Demo traffic: no users to look up ({})", e.getMessage());
        }
    }

    private void tick() {
        try {
            RedisCommands<String, String> c = connection.sync();
            // the share of reads for keys never cached drifts slowly, so the hit rate moves the way real traffic does
            double fresh = 0.04 + 0.04 * Math.sin(tick++ / 40.0);
            for (int i = 0; i < READS_PER_TICK; i++) {
                String key = known.isEmpty() || rnd.nextDouble() < fresh
                        ? "cascade:venice:get-ledger:citizenUsername=" + VenetianNames.citizen(rnd) + "&format=json"
                        : known.get(rnd.nextInt(known.size()));
                if (c.get(key) == null && !key.startsWith("cascade:session:")) {
                    c.setex(key, 300, "{\"success\":true,\"cachedBy\":\"demo-traffic\"}");
                    if (known.size() < KNOWN_KEYS) known.add(key);
                }
            }
            if (tick % 4 == 0) lookUpUser();
        } catch (RedisException e) {
            log.debug("Demo traffic paused: {}", e.getMessage());
        }
    }

    private void lookUpUser() {
        try (Connection db = data.getConnection();
             PreparedStatement ps = db.prepareStatement("SELECT venice_username, last_login FROM cascade_users WHERE id = ?")) {
            ps.setInt(1, rnd.nextInt(1, maxUserId + 1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rs.getString(1);
            }
        } catch (SQLException e) {
            log.debug("Demo traffic: user lookup failed ({})", e.getMessage());
        }
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        try {
            ticks.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
