package ai.cascade.ops.cache;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Whether the consciousness-pattern cache is fresh (issue #6, item 3): {@code consciousness_patterns} rows by
 * {@code expires_at}, and Redis' {@code cascade:patterns:{id}} keys whose row no longer exists in Postgres.
 * Reads only (SELECT, SCAN), so it works for the monitoring role; SCAN is no keyspace lookup, so hit rates stay untouched.
 */
public final class PatternFreshness {
    /** Ids asked of Postgres at once: one bounded statement per batch, never one per key. */
    static final int BATCH = 10_000;
    static final int SCAN_COUNT = 1000;
    static final int EXAMPLES_KEPT = 5;
    private static final int TIMEOUT_SECONDS = 30;
    static final String CLIENT_NAME = SlowLog.CONSOLE_CLIENT_PREFIX + "-patterns";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PatternFreshness.class);
    private static final byte[] MATCH = (KeyFamilies.PATTERNS + "*").getBytes(StandardCharsets.US_ASCII);

    /** Rows of {@code consciousness_patterns}: expires_at after now, at or before now, or NULL. */
    public record Rows(long fresh, long expired, long noExpiry) {
        public long total() { return fresh + expired + noExpiry; }
    }

    /**
     * Redis' pattern keys, each counted once (SCAN may return a key twice).
     *
     * @param withoutRow         keys whose numeric id has no row in Postgres
     * @param withoutRowExamples a few of them, as {@link KeyText#shown} shows them
     * @param notNumeric         keys whose id part is not a number: no row can match them
     */
    public record Keys(long keys, long withoutRow, List<String> withoutRowExamples, long notNumeric,
                       List<String> notNumericExamples) {
        public Keys {
            withoutRowExamples = List.copyOf(withoutRowExamples);
            notNumericExamples = List.copyOf(notNumericExamples);
        }
    }

    public record Report(Rows rows, Keys keys, boolean cluster, Instant readAt) {}

    private final java.util.function.Supplier<Database> database;
    private final RedisKeyspace keyspace;

    public PatternFreshness(Database database, RedisKeyspace keyspace) {
        this(() -> database, keyspace);
    }

    /** On the profile's Postgres, asked for at each use: a profile without Postgres fails there, with the reason. */
    public PatternFreshness(ai.cascade.ops.backend.Connections connections, RedisKeyspace keyspace) {
        this(connections::database, keyspace);
    }

    private PatternFreshness(java.util.function.Supplier<Database> database, RedisKeyspace keyspace) {
        this.database = database;
        this.keyspace = keyspace;
    }

    /** Both halves; throws {@link CancellationException} once {@code cancel} fires, BackendException when a server fails. */
    public Report read(CancelSignal cancel) {
        Rows rows = rows(cancel);
        Keys keys = keys(cancel);
        return new Report(rows, keys, keyspace.topology().cluster(), Instant.now());
    }

    /** Rows fresh, expired and without expiry. TIMESTAMP columns hold UTC (DATA-MODEL.md): compared with now() in UTC, whatever the session's time zone. */
    public Rows rows(CancelSignal cancel) {
        String sql = """
                SELECT count(*) FILTER (WHERE expires_at > (now() AT TIME ZONE 'UTC')),
                       count(*) FILTER (WHERE expires_at <= (now() AT TIME ZONE 'UTC')),
                       count(*) FILTER (WHERE expires_at IS NULL)
                FROM consciousness_patterns""";
        return database.get().query("counting fresh and expired consciousness patterns", TIMEOUT_SECONDS, cancel, st -> {
            try (ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return new Rows(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        });
    }

    /** Scans every master for pattern keys and asks Postgres, in batches, which ids have a row. */
    public Keys keys(CancelSignal cancel) {
        Tally tally = new Tally();
        for (RedisNode node : keyspace.topology().masters()) {
            keyspace.redis().runBytesDedicated(node, "scanning the pattern keys", connection -> {
                name(connection.sync());
                scan(connection.sync(), tally, cancel);
                return null;
            });
        }
        tally.flush(cancel);
        return new Keys(tally.keys, tally.withoutRow, tally.withoutRowExamples, tally.notNumeric, tally.notNumericExamples);
    }

    /** Named, so the slowlog and CLIENT LIST tell this console's SCANs from the application's; a user refused CLIENT still scans. */
    private static void name(RedisCommands<byte[], byte[]> redis) {
        try {
            redis.clientSetname(CLIENT_NAME.getBytes(StandardCharsets.US_ASCII));
        } catch (RedisException e) {
            log.debug("Could not name the pattern-scan connection: {}", e.getMessage());
        }
    }

    private void scan(RedisCommands<byte[], byte[]> redis, Tally tally, CancelSignal cancel) {
        ScanArgs args = ScanArgs.Builder.limit(SCAN_COUNT).match(MATCH);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            if (cancel.isCancelled()) throw new CancellationException("pattern freshness: cancelled");
            KeyScanCursor<byte[]> page = redis.scan(cursor, args);
            for (byte[] key : page.getKeys()) {
                tally.add(key);
                if (tally.batch.size() >= BATCH) tally.flush(cancel);
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    /**
     * The id of a pattern key; -1 when its id part is not a decimal number; some value above
     * {@link Integer#MAX_VALUE} for a number too large to be a row's (SERIAL) id.
     */
    static long idOf(byte[] key) {
        int from = KeyFamilies.PATTERNS.length();
        if (key.length == from) return -1;
        long id = 0;
        for (int i = from; i < key.length; i++) {
            if (key[i] < '0' || key[i] > '9') return -1;
            if (id <= Integer.MAX_VALUE) id = id * 10 + (key[i] - '0');   // stops growing once beyond range
        }
        return id;
    }

    /** Counts as the scan goes; the open batch holds ids not yet asked of Postgres. */
    private final class Tally {
        // Seen ids and odd keys, so a key SCAN returns twice counts once; bounded by the keys themselves.
        final Set<Long> seen = new HashSet<>();
        final Set<ByteBuffer> seenOdd = new HashSet<>();
        final Map<Long, byte[]> batch = new LinkedHashMap<>();
        final List<String> withoutRowExamples = new ArrayList<>();
        final List<String> notNumericExamples = new ArrayList<>();
        long keys, withoutRow, notNumeric;

        void add(byte[] key) {
            long id = idOf(key);
            if (id < 0) {
                if (!seenOdd.add(ByteBuffer.wrap(key))) return;
                keys++;
                notNumeric++;
                if (notNumericExamples.size() < EXAMPLES_KEPT) notNumericExamples.add(KeyText.shown(key));
                return;
            }
            if (!seen.add(id)) return;
            keys++;
            if (id > Integer.MAX_VALUE) missing(key);   // beyond SERIAL's range: no row can hold it
            else batch.put(id, key);
        }

        void flush(CancelSignal cancel) {
            if (batch.isEmpty()) return;
            Set<Long> present = present(batch.keySet(), cancel);
            batch.forEach((id, key) -> {
                if (!present.contains(id)) missing(key);
            });
            batch.clear();
        }

        void missing(byte[] key) {
            withoutRow++;
            if (withoutRowExamples.size() < EXAMPLES_KEPT) withoutRowExamples.add(KeyText.shown(key));
        }
    }

    private Set<Long> present(Set<Long> ids, CancelSignal cancel) {
        Integer[] asked = ids.stream().map(Long::intValue).toArray(Integer[]::new);
        return database.get().prepared("checking which cached patterns still have their row", TIMEOUT_SECONDS, cancel,
                "SELECT id FROM consciousness_patterns WHERE id = ANY(?)", st -> {
                    Array array = st.getConnection().createArrayOf("integer", asked);
                    st.setArray(1, array);
                    Set<Long> found = new HashSet<>();
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) found.add(rs.getLong(1));
                    }
                    array.free();
                    return found;
                });
    }
}
