package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the database's disk space goes: tables (with their indexes and TOAST) largest first, each with its indexes
 * and a row estimate. Bounded to the {@value #LIMIT} largest tables so a schema with thousands stays quick to show.
 */
public final class SpaceReport {
    public static final int LIMIT = 200;

    /** One index of a table; {@code rowEstimate} is -1 when Postgres has no estimate. */
    public record Index(String schema, String name, long bytes, long rowEstimate) {}

    /**
     * One table (or partitioned table, or materialized view). {@code totalBytes} = table + indexes + TOAST.
     * {@code rowEstimate} is -1 when the table was never analyzed (PostgreSQL 14+ says so), i.e. unknown.
     */
    public record Table(String schema, String name, String kind, long totalBytes, long tableBytes, long indexBytes, long toastBytes,
                        long rowEstimate, List<Index> indexes) {
        public boolean rowsKnown() { return rowEstimate >= 0; }
    }

    /** The database's size and its largest tables; {@code tableCount} counts all of them, shown or not. */
    public record Usage(String database, long databaseBytes, int tableCount, List<Table> tables) {
        public boolean bounded() { return tableCount > tables.size(); }
    }

    private final Connections connections;

    public SpaceReport(Connections connections) {
        this.connections = connections;
    }

    /** Reads the sizes; they come from the file system, so this costs a stat() per relation on the server. */
    public Usage read(CancelSignal cancel) {
        return connections.database().query("reading table and index sizes", 60, cancel, st -> {
            String database;
            long databaseBytes;
            try (ResultSet rs = st.executeQuery("SELECT current_database(), pg_database_size(current_database())")) {
                rs.next();
                database = rs.getString(1);
                databaseBytes = rs.getLong(2);
            }
            Map<Long, Table> tables = new LinkedHashMap<>();
            int count = 0;
            try (ResultSet rs = st.executeQuery("SELECT c.oid, n.nspname, c.relname, c.relkind, "
                    + "coalesce(pg_total_relation_size(c.oid), 0) AS total, coalesce(pg_indexes_size(c.oid), 0), "
                    + "CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE coalesce(pg_total_relation_size(c.reltoastrelid), 0) END, "
                    + "c.reltuples::bigint, count(*) OVER () "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' "
                    + "ORDER BY total DESC, n.nspname, c.relname LIMIT " + LIMIT)) {
                while (rs.next()) {
                    long total = rs.getLong(5), indexes = rs.getLong(6), toast = rs.getLong(7);
                    tables.put(rs.getLong(1), new Table(rs.getString(2), rs.getString(3), kind(rs.getString(4)), total,
                            Math.max(0, total - indexes - toast), indexes, toast, rs.getLong(8), new ArrayList<>()));
                    count = rs.getInt(9);
                }
            }
            readIndexes(st, tables);
            List<Table> shown = new ArrayList<>();
            for (Table t : tables.values()) shown.add(new Table(t.schema(), t.name(), t.kind(), t.totalBytes(), t.tableBytes(),
                    t.indexBytes(), t.toastBytes(), t.rowEstimate(), List.copyOf(t.indexes())));
            return new Usage(database, databaseBytes, count, List.copyOf(shown));
        });
    }

    private static void readIndexes(Statement st, Map<Long, Table> tables) throws SQLException {
        if (tables.isEmpty()) return;
        StringBuilder oids = new StringBuilder();
        for (Long oid : tables.keySet()) oids.append(oids.length() == 0 ? "" : ", ").append(oid);
        try (ResultSet rs = st.executeQuery("SELECT i.indrelid, n.nspname, c.relname, coalesce(pg_relation_size(c.oid), 0) AS size, "
                + "c.reltuples::bigint FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE i.indrelid IN (" + oids + ") ORDER BY size DESC, c.relname")) {
            while (rs.next()) tables.get(rs.getLong(1)).indexes().add(new Index(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
        }
    }

    private static String kind(String relkind) {
        return switch (relkind) {
            case "p" -> "partitioned table";
            case "m" -> "materialized view";
            default -> "table";
        };
    }
}
