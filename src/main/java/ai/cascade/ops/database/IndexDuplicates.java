package ai.cascade.ops.database;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pghero's duplicate_indexes: an index is not needed when another valid index on the same table, of the same
 * kind and with the same predicate, starts with the same key columns (same operator class, order and collation).
 * Only plain indexes are ever "not needed": one that enforces uniqueness or backs a constraint does a job.
 */
final class IndexDuplicates {
    /** One index as the catalog describes it; {@code keys} compares columns exactly, {@code columns} shows them. */
    record Definition(String schema, String table, String name, String qualified, String method, List<String> columns,
                      List<String> keys, boolean hasIncludedColumns, String predicate, boolean unique, boolean primary,
                      String constraint, String constraintKind, boolean valid, long bytes) {
        boolean mayBeUnneeded() {
            return valid && !unique && !primary && constraint == null && !hasIncludedColumns;
        }

        /** True when this index answers every query {@code other} can: a B-tree by a leading prefix, others only when equal. */
        boolean covers(Definition other) {
            if (!valid || this == other || !method.equals(other.method) || !predicate.equals(other.predicate)) return false;
            if (!method.equals("btree")) return keys.equals(other.keys);
            return keys.size() >= other.keys.size() && keys.subList(0, other.keys.size()).equals(other.keys);
        }

        String describe() {
            String what = schema + "." + name + " (" + String.join(", ", columns) + ")";
            if (constraint != null) what += ", which backs the " + constraintKind + " constraint " + constraint;
            else if (unique) what += ", a unique index";
            return what;
        }
    }

    /** An unneeded index and the one that makes it so. */
    record Covered(Definition unneeded, Definition coveredBy) {
        String dropStatement() {
            return "DROP INDEX CONCURRENTLY " + unneeded.qualified() + ";";
        }

        String describe() {
            return unneeded.describe() + " on " + unneeded.table() + " is covered by " + coveredBy.describe() + ": " + dropStatement();
        }
    }

    private static final String SQL = """
            SELECT n.nspname AS schema, t.relname AS table_name, ic.relname AS index_name,
                   quote_ident(n.nspname) || '.' || quote_ident(ic.relname) AS qualified, am.amname AS method,
                   ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, true)
                         FROM generate_series(0, i.indnkeyatts - 1) AS k ORDER BY k) AS columns,
                   ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, true) || ' ' || i.indclass[k] || ' ' || i.indoption[k]
                                || ' ' || i.indcollation[k]
                         FROM generate_series(0, i.indnkeyatts - 1) AS k ORDER BY k) AS keys,
                   i.indnatts > i.indnkeyatts AS has_included_columns,
                   coalesce(pg_get_expr(i.indpred, i.indrelid, true), '') AS predicate,
                   i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
                   c.conname AS constraint_name,
                   CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' WHEN 'x' THEN 'EXCLUDE' ELSE c.contype::text END AS constraint_kind,
                   pg_relation_size(i.indexrelid) AS bytes
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_am am ON am.oid = ic.relam
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')
            WHERE\s""" + MaintenanceCheck.USER_SCHEMAS + """

            ORDER BY n.nspname, t.relname, ic.relname""";

    private IndexDuplicates() {}

    static List<Definition> read(Statement st) throws SQLException {
        List<Definition> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(SQL)) {
            while (rs.next()) {
                out.add(new Definition(rs.getString("schema"), rs.getString("table_name"), rs.getString("index_name"),
                        rs.getString("qualified"), rs.getString("method"), strings(rs.getArray("columns")), strings(rs.getArray("keys")),
                        rs.getBoolean("has_included_columns"), rs.getString("predicate"), rs.getBoolean("is_unique"),
                        rs.getBoolean("is_primary"), rs.getString("constraint_name"), rs.getString("constraint_kind"),
                        rs.getBoolean("is_valid"), rs.getLong("bytes")));
            }
        }
        return out;
    }

    /** Every unneeded index with the index that covers it, by table and name. */
    static List<Covered> find(List<Definition> indexes) {
        Map<String, List<Definition>> byTable = new LinkedHashMap<>();
        for (Definition d : indexes) byTable.computeIfAbsent(d.schema() + "\u0000" + d.table(), k -> new ArrayList<>()).add(d);
        List<Covered> out = new ArrayList<>();
        for (List<Definition> table : byTable.values()) {
            for (Definition candidate : table) {
                if (!candidate.mayBeUnneeded()) continue;
                table.stream()
                        .filter(other -> other.covers(candidate) && (!other.keys().equals(candidate.keys())
                                // of two identical plain indexes, keep the first by name (pghero's rule)
                                || !other.mayBeUnneeded() || other.name().compareTo(candidate.name()) < 0))
                        .min(preferred())
                        .ifPresent(other -> out.add(new Covered(candidate, other)));
            }
        }
        return out;
    }

    /** The covering index to name: one that must stay anyway (a constraint's, a unique one), then the narrowest. */
    private static Comparator<Definition> preferred() {
        return Comparator.comparing((Definition d) -> d.mayBeUnneeded())
                .thenComparingInt(d -> d.keys().size())
                .thenComparing(Definition::name);
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) return List.of();
        try {
            return Arrays.asList((String[]) array.getArray());
        } finally {
            array.free();
        }
    }
}
