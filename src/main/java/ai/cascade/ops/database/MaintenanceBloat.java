package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static ai.cascade.ops.database.MaintenanceCheck.TIMEOUT_SECONDS;
import static ai.cascade.ops.database.MaintenanceCheck.plural;

/**
 * Estimated table and B-tree index bloat, with the well-known estimation queries (ioguix's pgx_scripts, which
 * check_postgres and pghero's index_bloat also use): the size the rows would need, from the planner's statistics,
 * against the pages the relation holds. No extension and no superuser needed; relations whose statistics the
 * login cannot read (pg_stats shows only readable columns) or that were never analyzed cannot be estimated.
 */
final class MaintenanceBloat {
    static final MaintenanceCheck CHECK = new MaintenanceCheck("postgres.bloat", "Table and index bloat", "space");

    // One row per relation at least as big as the threshold (a smaller one cannot waste that much): its estimated
    // waste, or estimable = false. Alignment (ma) is 8 on every 64-bit build.
    private static final String SQL = """
            WITH settings AS (
                SELECT current_setting('block_size')::numeric AS bs,
                       CASE WHEN version() ~ 'mingw32|64-bit|x86_64|ppc64|ia64|amd64|aarch64' THEN 8 ELSE 4 END AS ma
            ), tables AS (
                SELECT n.nspname AS schema, c.relname AS table_name, c.reltuples,
                       c.relpages + coalesce(toast.relpages, 0) AS pages, coalesce(toast.reltuples, 0) AS toast_tuples,
                       coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 100) AS fillfactor,
                       23 + CASE WHEN max(coalesce(s.null_frac, 0)) > 0 THEN (7 + count(a.attnum)) / 8 ELSE 0 END AS hdr,
                       sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)) AS data_width,
                       count(s.attname) = count(a.attnum) AND NOT bool_or(a.atttypid = 'pg_catalog.name'::regtype)
                           AND c.reltuples >= 0 AS estimable
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname AND NOT s.inherited
                LEFT JOIN pg_class toast ON toast.oid = c.reltoastrelid
                WHERE c.relkind IN ('r', 'm') AND c.relpages > 0 AND %1$s
                GROUP BY n.nspname, c.relname, c.reltuples, c.relpages, toast.relpages, toast.reltuples, c.reloptions
            ), index_columns AS (
                SELECT i.indexrelid, i.indrelid, coalesce(ta.attname, ia.attname) AS attname,
                       coalesce(ta.atttypid, ia.atttypid) AS atttypid,
                       -- an expression column's statistics are kept under the index's own name
                       CASE WHEN ta.attname IS NULL THEN ic.relname ELSE t.relname END AS stats_relname
                FROM pg_index i
                JOIN pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_class t ON t.oid = i.indrelid
                CROSS JOIN LATERAL generate_series(0, i.indnatts - 1) AS k(pos)
                LEFT JOIN pg_attribute ta ON i.indkey[k.pos] <> 0 AND ta.attrelid = i.indrelid AND ta.attnum = i.indkey[k.pos]
                LEFT JOIN pg_attribute ia ON i.indkey[k.pos] = 0 AND ia.attrelid = i.indexrelid AND ia.attnum = k.pos + 1
                WHERE ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND ic.relpages > 0
            ), indexes AS (
                SELECT n.nspname AS schema, t.relname AS table_name, ic.relname AS index_name, ic.reltuples, ic.relpages,
                       coalesce(substring(array_to_string(ic.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 90) AS fillfactor,
                       CASE WHEN max(coalesce(s.null_frac, 0)) = 0 THEN 8 ELSE 8 + ((32 + 8 - 1) / 8) END AS hdr,
                       sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 1024)) AS data_width,
                       count(s.attname) = count(*) AND NOT bool_or(c.atttypid = 'pg_catalog.name'::regtype)
                           AND ic.reltuples >= 0 AS estimable
                FROM index_columns c
                JOIN pg_class ic ON ic.oid = c.indexrelid
                JOIN pg_class t ON t.oid = c.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.stats_relname AND s.attname = c.attname AND NOT s.inherited
                WHERE %1$s
                GROUP BY n.nspname, t.relname, ic.relname, ic.reltuples, ic.relpages, ic.reloptions
            ), estimates AS (
                SELECT 'table' AS kind, schema, table_name, NULL::name AS index_name, (bs * pages)::bigint AS bytes, estimable,
                       greatest(0, bs * (pages - ceil(reltuples / ((bs - 24) * fillfactor / (100 * (4 + hdr + data_width + 2 * ma
                           - CASE WHEN hdr %% ma = 0 THEN ma ELSE hdr %% ma END
                           - CASE WHEN ceil(data_width)::int %% ma = 0 THEN ma ELSE ceil(data_width)::int %% ma END))))
                           - ceil(toast_tuples / 4)))::bigint AS wasted
                FROM tables, settings
                UNION ALL
                SELECT 'index', schema, table_name, index_name, (bs * relpages)::bigint, estimable,
                       greatest(0, bs * (relpages - 1 - ceil(reltuples / floor((bs - 24 - 16) * fillfactor
                           / (100 * (4 + hdr + ma - CASE WHEN hdr %% ma = 0 THEN ma ELSE hdr %% ma END + data_width + ma
                               - CASE WHEN data_width = 0 THEN 0 WHEN data_width::int %% ma = 0 THEN ma ELSE data_width::int %% ma END)::numeric)))))::bigint
                FROM indexes, settings
            )
            SELECT kind, schema, table_name, index_name, quote_ident(schema) || '.' || quote_ident(coalesce(index_name, table_name)) AS qualified,
                   bytes, estimable, CASE WHEN estimable THEN wasted END AS wasted
            FROM estimates
            WHERE bytes >= ? AND (NOT estimable OR wasted >= ?)
            ORDER BY wasted DESC NULLS LAST, schema, table_name, index_name NULLS FIRST""".formatted(MaintenanceCheck.USER_SCHEMAS);

    private final CheckThresholds thresholds;

    MaintenanceBloat(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** Tables and indexes whose estimated wasted space is at least {@code bloatMinBytes}, most wasted first. */
    Check run(Database db, CancelSignal cancel) {
        long min = thresholds.bloatMinBytes();
        return db.prepared("estimating bloat", TIMEOUT_SECONDS, cancel, SQL, st -> {
            st.setLong(1, min);
            st.setLong(2, min);
            List<String> details = new ArrayList<>();
            long wasted = 0;
            int unestimated = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean("estimable")) {
                        unestimated++;
                        continue;
                    }
                    long waste = rs.getLong("wasted");
                    long bytes = rs.getLong("bytes");
                    wasted += waste;
                    boolean index = rs.getString("kind").equals("index");
                    String name = rs.getString("qualified");
                    details.add((index ? "index " + name + " on " + rs.getString("table_name") : "table " + name)
                            + ": ~" + Figures.bytes(waste) + " of " + Figures.bytes(bytes) + " (" + Figures.percent(waste, bytes) + ") — "
                            + (index ? "REINDEX INDEX CONCURRENTLY " + name + ";" : "pg_repack, or VACUUM FULL " + name + "; (locks the table)"));
                }
            }
            String cannot = unestimated == 0 ? "" : "; " + plural(unestimated, "relation", "relations") + " over "
                    + Figures.bytes(min) + " could not be estimated (never analyzed, or this login cannot read their statistics)";
            if (details.isEmpty())
                return cannot.isEmpty() ? CHECK.ok("no table or index wastes an estimated " + Figures.bytes(min) + " or more")
                        : CHECK.answer(Verdict.UNKNOWN, "no bloat found among the estimated" + cannot,
                                "ANALYZE the tables, or check with a login that may read them (SELECT on the tables)", List.of());
            return CHECK.answer(Verdict.WARNING, "an estimated " + Figures.bytes(wasted) + " wasted in "
                            + plural(details.size(), "table or index", "tables and indexes") + " (estimate from planner statistics)" + cannot,
                    "Rebuild bloated indexes with REINDEX INDEX CONCURRENTLY; compact tables with pg_repack (VACUUM FULL locks them); "
                            + "ANALYZE first for a fresh estimate", details);
        });
    }
}
