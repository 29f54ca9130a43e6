package ai.cascade.ops.database;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The arithmetic of a window: counters now minus counters at a snapshot, with resets counted from the reset. */
final class StatementWindows {
    private StatementWindows() {}

    static StatementWindow compute(StatementOrder order, Map<StatementSnapshot.Key, StatementSnapshot.Counters> now,
                                   Map<Long, String> users, Instant statsReset, StatementSnapshot since, int limit) {
        // pg_stat_statements_reset() of everything after the snapshot: every counter starts anew.
        boolean wholeReset = since != null && statsReset != null && statsReset.isAfter(since.serverTime());
        List<StatementRow> rows = new ArrayList<>();
        int restartedCount = 0;
        for (var e : now.entrySet()) {
            StatementSnapshot.Counters current = e.getValue();
            StatementSnapshot.Counters before = since == null || wholeReset ? null : since.counters().get(e.getKey());
            boolean restarted = wholeReset && since.counters().containsKey(e.getKey());
            StatementSnapshot.Counters window = current;
            if (before != null) {
                boolean entryRestarted = current.statsSince() != null && current.statsSince().isAfter(since.serverTime());
                if (entryRestarted || current.anyBelow(before)) restarted = true;
                else window = current.minus(before);
            }
            if (restarted) restartedCount++;
            if (window.calls() <= 0) continue;   // nothing ran in the window
            StatementSnapshot.Key k = e.getKey();
            rows.add(new StatementRow(k.queryId(), k.userId(), users.getOrDefault(k.userId(), String.valueOf(k.userId())), k.toplevel(),
                    window.calls(), window.totalMillis(), window.rows(), window.blocksHit(), window.blocksRead(), 0, "", false,
                    k.queryId() == null, restarted));
        }
        double total = rows.stream().mapToDouble(StatementRow::totalMillis).sum();
        long calls = rows.stream().mapToLong(StatementRow::calls).sum();
        int hidden = (int) rows.stream().filter(StatementRow::textHidden).count();
        rows.sort(ranking(order));
        List<StatementRow> top = new ArrayList<>();
        for (StatementRow r : rows.subList(0, Math.min(limit, rows.size())))
            top.add(new StatementRow(r.queryId(), r.userId(), r.user(), r.toplevel(), r.calls(), r.totalMillis(), r.rows(), r.blocksHit(),
                    r.blocksRead(), total <= 0 ? 0 : r.totalMillis() / total, r.text(), false, r.textHidden(), r.restarted()));
        List<String> notes = new ArrayList<>();
        boolean reset = restartedCount > 0 || wholeReset;
        if (reset)
            notes.add("Statistics were reset since the snapshot (pg_stat_statements_reset() or a statistics reset): "
                    + (wholeReset ? "all statements count" : restartedCount + " statement(s) count") + " from that reset, not from the snapshot.");
        if (hidden > 0)
            notes.add("The texts of other logins' statements are hidden (shown as <insufficient privilege>): this login lacks "
                    + "pg_read_all_stats. Grant it pg_read_all_stats (or pg_monitor) to see them.");
        return new StatementWindow(order, since == null ? null : since.takenAt(), statsReset, reset, List.copyOf(top), rows.size(),
                total, calls, hidden, List.copyOf(notes));
    }

    private static Comparator<StatementRow> ranking(StatementOrder order) {
        Comparator<StatementRow> c = switch (order) {
            case TOTAL_TIME -> Comparator.comparingDouble(StatementRow::totalMillis);
            case MEAN_TIME -> Comparator.comparingDouble(StatementRow::meanMillis);
            case CALLS -> Comparator.comparingLong(StatementRow::calls);
        };
        return c.reversed().thenComparing(Comparator.comparingDouble(StatementRow::totalMillis).reversed());
    }
}
