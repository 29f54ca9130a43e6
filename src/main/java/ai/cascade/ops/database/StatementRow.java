package ai.cascade.ops.database;

/**
 * One statement's figures over a window. {@code textHidden}: the login may not read this statement's text
 * (it belongs to another login and pg_read_all_stats is missing); such rows sum all hidden statements of one login.
 * {@code restarted}: its counters went backwards since the snapshot (a reset), so the figures count from that reset.
 */
public record StatementRow(Long queryId, long userId, String user, boolean toplevel, long calls, double totalMillis, long rows,
                           long blocksHit, long blocksRead, double shareOfTotalTime, String text, boolean textTruncated,
                           boolean textHidden, boolean restarted) {
    public double meanMillis() {
        return calls == 0 ? 0 : totalMillis / calls;
    }

    /** Shared buffer hit rate 0..1, or -1 when the statement read no blocks. */
    public double hitRate() {
        long all = blocksHit + blocksRead;
        return all == 0 ? -1 : (double) blocksHit / all;
    }

    /** The first non-blank line of the text, for a table cell. */
    public String firstLine() {
        for (String line : text.split("\\R")) if (!line.isBlank()) return line.strip();
        return text.strip();
    }

    StatementRow withText(String text, boolean truncated, boolean hidden) {
        return new StatementRow(queryId, userId, user, toplevel, calls, totalMillis, rows, blocksHit, blocksRead,
                shareOfTotalTime, text, truncated, hidden, restarted);
    }
}
