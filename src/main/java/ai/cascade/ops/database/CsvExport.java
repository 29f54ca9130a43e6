package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * Streams a query's rows to a CSV file: a server-side cursor, so a million rows never sit in memory;
 * written to a temporary file and moved into place at the end, so a cancelled or failed export leaves
 * no half file behind. Cells a spreadsheet would run as a formula are neutralised.
 */
public final class CsvExport {
    private static final int FETCH_SIZE = 2_000;

    private CsvExport() {}

    /**
     * Runs {@code sql} (parameters from {@code where}) and writes every row to {@code target};
     * {@code progress} receives the rows written so far. Returns the number of rows.
     */
    public static long write(Database db, String what, String sql, Where where, Path target, CancelSignal cancel, LongConsumer progress) {
        Path partial = partialFor(target);
        AtomicBoolean cancelled = new AtomicBoolean();
        cancel.onCancel(() -> cancelled.set(true));
        try {
            long rows = db.run(what, c -> stream(c, sql, where, partial, cancel, cancelled, progress));
            if (cancelled.get()) throw new java.util.concurrent.CancellationException("export cancelled");
            moveIntoPlace(partial, target);
            return rows;
        } catch (UncheckedIOException e) {
            throw cannotWrite(target, reason(e.getCause()), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(CsvExport.class).debug("could not delete {}: {}", partial, e.getMessage());
            }
        }
    }

    private static long stream(Connection c, String sql, Where where, Path partial, CancelSignal cancel,
                               AtomicBoolean cancelled, LongConsumer progress) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);   // pgjdbc uses a cursor (fetch size) only inside a transaction
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setFetchSize(FETCH_SIZE);
            cancel.onCancel(() -> {
                try {
                    st.cancel();
                } catch (SQLException e) {
                    org.slf4j.LoggerFactory.getLogger(CsvExport.class).debug("cancel failed: {}", e.getMessage());
                }
            });
            where.bind(st, 1);
            long n = 0;
            try (ResultSet rs = st.executeQuery();
                 BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                ResultSetMetaData md = rs.getMetaData();
                int cols = md.getColumnCount();
                for (int i = 1; i <= cols; i++) cell(out, md.getColumnLabel(i), i == 1);
                out.write("\r\n");
                while (!cancelled.get() && rs.next()) {
                    for (int i = 1; i <= cols; i++) cell(out, rs.getString(i), i == 1);
                    out.write("\r\n");
                    if (++n % FETCH_SIZE == 0) progress.accept(n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            progress.accept(n);
            return n;
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static void cell(BufferedWriter out, String value, boolean first) throws IOException {
        if (!first) out.write(',');
        if (value == null) return;
        out.write(quote(neutralise(value)));
    }

    /** A cell starting with = + - @ (or a tab or CR, which some spreadsheets skip) is shown as text, not run. */
    static String neutralise(String value) {
        if (value.isEmpty()) return value;
        char c = value.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + value : value;
    }

    static String quote(String value) {
        boolean needs = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
        return needs ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /**
     * A fresh temporary file beside {@code target}, checked before any query runs. Named apart from the target's own
     * name, so a target name near the file system's 255-byte limit still fits.
     */
    private static Path partialFor(Path target) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null || absolute.getFileName() == null || Files.isDirectory(absolute))
            throw cannotWrite(target, "it is a folder; choose a file name", null);
        if (!Files.isDirectory(folder))
            throw cannotWrite(target, Files.exists(folder) ? folder + " is not a folder" : "the folder " + folder + " does not exist", null);
        try {
            return Files.createTempFile(folder, ".export-", ".partial");
        } catch (IOException e) {
            throw cannotWrite(target, reason(e), e);
        }
    }

    private static BackendException cannotWrite(Path target, String why, Exception cause) {
        return new BackendException(Backend.POSTGRES, "Could not write " + target + ": " + why + ".", cause);
    }

    /** The file system's reason in words; the bare path that NoSuchFileException and friends carry as message says nothing. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "the folder does not exist";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason().toLowerCase(java.util.Locale.ROOT);
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void moveIntoPlace(Path partial, Path target) {
        try {
            try {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
