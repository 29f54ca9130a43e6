package ai.cascade.ops.database;

import java.time.Instant;
import java.util.List;

/**
 * The top statements over a window. {@code since} is the snapshot the window starts at (null: since statistics were
 * last reset, i.e. everything pg_stat_statements holds). {@code resetSinceSnapshot}: statistics were reset after the
 * snapshot, so some figures count from that reset instead. {@code notes} are for people (hidden texts, resets).
 */
public record StatementWindow(StatementOrder order, Instant since, Instant statsReset, boolean resetSinceSnapshot,
                              List<StatementRow> rows, int statementsInWindow, double totalMillis, long totalCalls,
                              int hiddenTexts, List<String> notes) {}
