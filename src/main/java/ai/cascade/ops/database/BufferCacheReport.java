package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.config.CheckThresholds;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Postgres' buffer cache hit rates (issue #6, item 1): the database's (pg_stat_database), each table's heap, TOAST
 * and index blocks (pg_statio_user_tables) and each index's (pg_statio_user_indexes), since the statistics were
 * reset and since the previous {@link #read} of this object. An object below the threshold (the setting
 * {@link CheckThresholds#cacheHitRatePercent()}, pghero's 99 %) is flagged when it asked for at least
 * {@value #MIN_REQUESTS} blocks in the window: a handful of first reads is no finding. Worst first, at most
 * {@value #LIMIT} tables and indexes each, so a database of 50,000 tables stays quick to show. Statistics views
 * are readable by any role: the monitoring login suffices.
 */
public final class BufferCacheReport {
    public static final int LIMIT = 200;
    public static final long MIN_REQUESTS = 100;
    private static final int TIMEOUT_SECONDS = 60;

    // Objects never read have nothing to rate, and leaving them out keeps a big schema's answer small.
    private static final String TABLES = """
            SELECT relid, schemaname, relname, coalesce(heap_blks_hit, 0), coalesce(heap_blks_read, 0),
                   coalesce(toast_blks_hit, 0), coalesce(toast_blks_read, 0), coalesce(idx_blks_hit, 0), coalesce(idx_blks_read, 0)
              FROM pg_statio_user_tables
             WHERE coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0) + coalesce(toast_blks_hit, 0)
                   + coalesce(toast_blks_read, 0) + coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0) > 0""";
    private static final String INDEXES = """
            SELECT indexrelid, schemaname, relname, indexrelname, coalesce(idx_blks_hit, 0), coalesce(idx_blks_read, 0)
              FROM pg_statio_user_indexes
             WHERE coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0) > 0""";

    /** Block requests found in shared buffers ({@code hit}) and read from the OS or disk ({@code read}). */
    public record Blocks(long hit, long read) {
        public static final Blocks NONE = new Blocks(0, 0);

        public long requests() { return hit + read; }

        /** Empty when nothing was asked for. */
        public OptionalDouble hitPercent() {
            return requests() == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * hit / requests());
        }

        public Blocks plus(Blocks o) { return new Blocks(hit + o.hit, read + o.read); }

        Blocks minus(Blocks o) { return new Blocks(hit - o.hit, read - o.read); }

        boolean below(Blocks o) { return hit < o.hit || read < o.read; }
    }

    /** One table; its flag and rate are its own data's (heap and TOAST); its indexes' blocks are shown beside them. */
    public record TableRow(String schema, String name, Blocks heap, Blocks toast, Blocks indexes, boolean flagged) {
        public Blocks data() { return heap.plus(toast); }
    }

    public record IndexRow(String schema, String table, String name, Blocks blocks, boolean flagged) {}

    /**
     * One window's figures: the worst {@value #LIMIT} tables and indexes first, with how many had any block
     * requests at all and how many were flagged among them.
     */
    public record Window(Blocks database, List<TableRow> tables, int tablesRead, int tablesFlagged,
                         List<IndexRow> indexes, int indexesRead, int indexesFlagged) {
        public Window {
            tables = List.copyOf(tables);
            indexes = List.copyOf(indexes);
        }

        public boolean databaseFlagged(double thresholdPercent) { return BufferCacheReport.flagged(database, thresholdPercent); }
    }

    /**
     * A refresh: since the statistics reset ({@code statsReset}, null when never reset), and since the previous
     * refresh ({@code sinceRefresh} null on the first one). {@code note} says when the statistics were reset in between.
     */
    public record Result(String database, Instant readAt, Instant statsReset, double thresholdPercent, Window sinceReset,
                         Duration refreshInterval, Window sinceRefresh, String note) {}

    /** The counters of one refresh, kept for the next one's deltas. */
    private record Counters(Blocks database, Instant statsReset, Map<Long, TableRow> tables, Map<Long, IndexRow> indexes, Instant at) {}

    private final Connections connections;
    private final CheckThresholds thresholds;
    private Counters previous;   // guarded by this

    public BufferCacheReport(Connections connections, CheckThresholds thresholds) {
        this.connections = connections;
        this.thresholds = thresholds;
    }

    /** Reads the statistics now; the figures since the previous call are deltas against what it read. */
    public synchronized Result read(CancelSignal cancel) {
        String[] database = new String[1];
        Counters now = connections.database().query("reading buffer cache statistics", TIMEOUT_SECONDS, cancel, st -> {
            database[0] = databaseName(st);
            return counters(st);
        });
        double threshold = thresholds.cacheHitRatePercent();
        Window sinceReset = window(now.database(), now.tables().values(), now.indexes().values(), threshold);
        Counters before = previous;
        previous = now;
        if (before == null) return new Result(database[0], now.at(), now.statsReset(), threshold, sinceReset, null, null, null);
        Duration between = Duration.between(before.at(), now.at());
        if (resetBetween(before, now))
            return new Result(database[0], now.at(), now.statsReset(), threshold, sinceReset, between, sinceReset,
                    "The statistics were reset since the previous refresh: both views count from the reset.");
        return new Result(database[0], now.at(), now.statsReset(), threshold, sinceReset, between, delta(before, now, threshold), null);
    }

    private static String databaseName(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Counters counters(Statement st) throws SQLException {
        Blocks database;
        Instant reset;
        try (ResultSet rs = st.executeQuery("SELECT blks_hit, blks_read, stats_reset FROM pg_stat_database WHERE datname = current_database()")) {
            if (!rs.next()) throw new SQLException("pg_stat_database has no row for the current database");
            database = new Blocks(rs.getLong(1), rs.getLong(2));
            Timestamp t = rs.getTimestamp(3);
            reset = t == null ? null : t.toInstant();
        }
        Map<Long, TableRow> tables = new HashMap<>();
        try (ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next())
                tables.put(rs.getLong(1), new TableRow(rs.getString(2), rs.getString(3), new Blocks(rs.getLong(4), rs.getLong(5)),
                        new Blocks(rs.getLong(6), rs.getLong(7)), new Blocks(rs.getLong(8), rs.getLong(9)), false));
        }
        Map<Long, IndexRow> indexes = new HashMap<>();
        try (ResultSet rs = st.executeQuery(INDEXES)) {
            while (rs.next())
                indexes.put(rs.getLong(1), new IndexRow(rs.getString(2), rs.getString(3), rs.getString(4),
                        new Blocks(rs.getLong(5), rs.getLong(6)), false));
        }
        return new Counters(database, reset, tables, indexes, Instant.now());
    }

    /** A new stats_reset, or the database's counters went down (pg_stat_reset, a crash). */
    private static boolean resetBetween(Counters before, Counters now) {
        return !java.util.Objects.equals(before.statsReset(), now.statsReset()) || now.database().below(before.database());
    }

    /** What each object asked for between two refreshes; an object reset on its own (pg_stat_reset_single_table_counters) counts from 0. */
    private static Window delta(Counters before, Counters now, double threshold) {
        List<TableRow> tables = new ArrayList<>();
        now.tables().forEach((oid, t) -> {
            TableRow b = before.tables().get(oid);
            if (b == null || t.heap().below(b.heap()) || t.toast().below(b.toast()) || t.indexes().below(b.indexes())) tables.add(t);
            else tables.add(new TableRow(t.schema(), t.name(), t.heap().minus(b.heap()), t.toast().minus(b.toast()), t.indexes().minus(b.indexes()), false));
        });
        List<IndexRow> indexes = new ArrayList<>();
        now.indexes().forEach((oid, i) -> {
            IndexRow b = before.indexes().get(oid);
            indexes.add(b == null || i.blocks().below(b.blocks()) ? i
                    : new IndexRow(i.schema(), i.table(), i.name(), i.blocks().minus(b.blocks()), false));
        });
        return window(now.database().minus(before.database()), tables, indexes, threshold);
    }

    private static Window window(Blocks database, java.util.Collection<TableRow> tables, java.util.Collection<IndexRow> indexes, double threshold) {
        List<TableRow> t = worstFirst(tables, TableRow::data,
                r -> new TableRow(r.schema(), r.name(), r.heap(), r.toast(), r.indexes(), flagged(r.data(), threshold)));
        List<IndexRow> i = worstFirst(indexes, IndexRow::blocks,
                r -> new IndexRow(r.schema(), r.table(), r.name(), r.blocks(), flagged(r.blocks(), threshold)));
        int tablesRead = (int) tables.stream().filter(r -> r.data().requests() + r.indexes().requests() > 0).count();
        int indexesRead = (int) indexes.stream().filter(r -> r.blocks().requests() > 0).count();
        int tablesFlagged = (int) tables.stream().filter(r -> flagged(r.data(), threshold)).count();
        int indexesFlagged = (int) indexes.stream().filter(r -> flagged(r.blocks(), threshold)).count();
        return new Window(database, t, tablesRead, tablesFlagged, i, indexesRead, indexesFlagged);
    }

    /**
     * Objects with requests in the window, flagged ones first by hit rate (lowest first), then the rest by blocks
     * read from disk (most first), at most {@value #LIMIT}.
     */
    private static <R> List<R> worstFirst(java.util.Collection<R> rows, Function<R, Blocks> blocks, Function<R, R> flag) {
        Comparator<R> order = Comparator.<R>comparingInt(r -> enough(blocks.apply(r)) ? 0 : 1)
                .thenComparingDouble(r -> enough(blocks.apply(r)) ? blocks.apply(r).hitPercent().orElse(100) : 0)
                .thenComparing(Comparator.<R>comparingLong(r -> blocks.apply(r).read()).reversed())
                .thenComparing(Comparator.<R>comparingLong(r -> blocks.apply(r).requests()).reversed());
        return rows.stream().filter(r -> blocks.apply(r).requests() > 0 || r instanceof TableRow t && t.indexes().requests() > 0)
                .sorted(order).limit(LIMIT).map(flag).toList();
    }

    private static boolean enough(Blocks b) {
        return b.requests() >= MIN_REQUESTS;
    }

    /** Below the threshold with enough requests to matter. */
    static boolean flagged(Blocks b, double thresholdPercent) {
        return enough(b) && b.hitPercent().orElse(100) < thresholdPercent;
    }
}
