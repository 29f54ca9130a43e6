package ai.cascade.ops.demo;

import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Streams one table into Postgres with COPY, a chunk at a time, so a million rows never sit in
 * memory as one string; checks for cancellation every few thousand rows.
 */
final class TableCopy {
    /** Writes the rows of one unit (a user, a pattern…) and says how many it wrote. */
    @FunctionalInterface
    interface Rows {
        int write(int unit, CopyLine line);
    }

    private static final Logger log = LoggerFactory.getLogger(TableCopy.class);
    private static final int CHUNK_CHARS = 256 * 1024;
    private static final int CANCEL_CHECK_EVERY = 4096;

    private TableCopy() {}

    /** COPYs {@code units} units' rows into {@code table}; returns the number of rows the server took. */
    static long copy(CopyManager copy, String table, String columns, int units, Rows rows, LoadProgress progress)
            throws SQLException {
        CopyIn in = copy.copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
        try {
            StringBuilder chunk = new StringBuilder(CHUNK_CHARS + 16 * 1024);
            CopyLine line = new CopyLine(chunk);
            long pending = 0;
            int tenth = Math.max(1, units / 10);
            for (int u = 0; u < units; u++) {
                if (u % CANCEL_CHECK_EVERY == 0) progress.checkCancelled();
                pending += rows.write(u, line);
                if (chunk.length() >= CHUNK_CHARS) {
                    send(in, chunk);
                    progress.rowsWritten(pending);
                    pending = 0;
                }
                if ((u + 1) % tenth == 0 && units >= 20_000)
                    progress.say(String.format("Writing %s: %d%%…", table.replace('_', ' '), (u + 1) * 100L / units));
            }
            send(in, chunk);
            progress.rowsWritten(pending);
            progress.checkCancelled();
            return in.endCopy();
        } catch (SQLException | RuntimeException e) {
            abandon(in, e);
            throw e;
        }
    }

    private static void send(CopyIn in, StringBuilder chunk) throws SQLException {
        if (chunk.length() == 0) return;
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        chunk.setLength(0);
    }

    /** Ends the COPY so the connection can roll back; a failure here is secondary to the first one. */
    private static void abandon(CopyIn in, Exception cause) {
        if (!in.isActive()) return;
        try {
            in.cancelCopy();
        } catch (SQLException e) {
            log.debug("Cancelling the COPY after a failure failed too: {}", e.getMessage());
            cause.addSuppressed(e);
        }
    }
}
