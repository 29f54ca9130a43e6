package ai.cascade.ops.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One long-lived {@code psql} session with {@code \timing on}: the reference for a statement's time,
 * as psql itself measures it (send, execute, receive), with no process start-up in it. Results go to
 * /dev/null; the "Time:" lines still come on psql's standard output, where they are read back.
 */
final class PsqlSession implements AutoCloseable {
    private static final String END = "@@bench-end@@";
    private static final Pattern TIME = Pattern.compile("^Time: ([0-9.]+) ms");

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    PsqlSession(String postgresUrl) throws IOException {
        process = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", postgresUrl)
                .redirectErrorStream(true).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        send("\\pset pager off\n\\o /dev/null\n\\timing on\n");
    }

    /** psql's own version line, for the report. */
    static String version() {
        try {
            Process p = new ProcessBuilder("psql", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (IOException e) {
            return "psql not found: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "psql";
        }
    }

    /** Runs {@code sql} once and returns psql's "Time:" for it, in milliseconds. */
    double time(String sql) throws IOException {
        List<String> lines = send(sql + ";\n");
        for (String line : lines) {
            Matcher m = TIME.matcher(line);
            if (m.find()) return Double.parseDouble(m.group(1));
        }
        throw new IOException("psql printed no time for the statement; it said: " + String.join(" | ", lines));
    }

    /** Writes {@code script}, then waits for psql to echo the end marker; returns what it printed before it. */
    private List<String> send(String script) throws IOException {
        in.write(script);
        in.write("\\echo " + END + "\n");
        in.flush();
        List<String> lines = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals(END)) return lines;
            lines.add(line);
        }
        throw new IOException("psql ended: " + String.join(" | ", lines));
    }

    @Override
    public void close() throws IOException {
        try {
            in.write("\\q\n");
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroy();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }
}
