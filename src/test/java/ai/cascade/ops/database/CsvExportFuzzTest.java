package ai.cascade.ops.database;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.Unicode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Whatever the cells hold and whatever path is typed, against the real Postgres: the export either writes a file
 * that reads back (by an independent CSV reader) as exactly the values, with formula-like cells neutralised, or says
 * in a sentence why it could not; no other exception, no leftover partial file, no hang.
 */
class CsvExportFuzzTest {
    private static Database db;
    private static Path root;
    /** Where typed relative paths start: two levels below root, so ".." never leaves the test's own folder. */
    private static Path base;

    @BeforeContainer
    static void open() throws IOException {
        db = TestServers.freshDatabase("csv_fuzz");
        root = Files.createTempDirectory("csv-fuzz");
        base = Files.createDirectories(root.resolve("exports/today"));
        Files.writeString(base.resolve("a-file"), "not a folder");
        Files.createDirectories(base.resolve("sub dir"));
    }

    @AfterContainer
    static void close() throws IOException {
        db.close();
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 300, seed = "20261125")
    void anyCellsReadBackNeutralised(@ForAll("cells") String first, @ForAll("cells") String second) throws IOException {
        Path target = base.resolve("cells.csv");
        Where where = new Where().leading(Where.text(first), Where.text(second));
        long rows = export("SELECT ?::text AS \"first, name\", ?::text AS \"=second\", NULL::text AS third", where, target);

        assertThat(rows).isEqualTo(1);
        List<List<String>> read = readCsv(Files.readString(target, StandardCharsets.UTF_8));
        assertThat(read).hasSize(2);
        assertThat(read.get(0)).containsExactly("first, name", "'=second", "third");
        assertThat(read.get(1)).containsExactly(expected(first), expected(second), "");
        for (String cell : read.get(1)) {
            if (!cell.isEmpty()) assertThat("=+-@\t\r".indexOf(cell.charAt(0))).as("cell [%s] could run as a formula", cell).isNegative();
        }
        assertNoPartialFiles();
    }

    @Property(tries = 300, seed = "20261125")
    void anyTypedPathIsWrittenOrGetsASentence(@ForAll("paths") String typed) throws IOException {
        Path target;
        try {
            target = base.resolve(typed);
        } catch (InvalidPathException e) {
            return;   // the file chooser never hands such text over; nothing for the export to do
        }
        Path parent = target.getParent();   // not normalised: the OS does not skip "a-file/.." either
        Path name = target.getFileName();
        boolean writable = parent != null && name != null && Files.isDirectory(parent) && !Files.isDirectory(target)
                && name.toString().getBytes(StandardCharsets.UTF_8).length <= 255;
        try {
            long rows = export("SELECT g AS n, '=1+' || g AS formula FROM generate_series(1, 3) g", new Where(), target);
            assertThat(writable).as("wrote to [%s] though it cannot be written", typed).isTrue();
            assertThat(rows).isEqualTo(3);
            List<List<String>> read = readCsv(Files.readString(target, StandardCharsets.UTF_8));
            assertThat(read).containsExactly(List.of("n", "formula"), List.of("1", "'=1+1"), List.of("2", "'=1+2"), List.of("3", "'=1+3"));
            Files.delete(target);
        } catch (BackendException e) {
            assertThat(writable).as("refused [%s]: %s", typed, e.getMessage()).isFalse();
            assertThat(e.getMessage()).as("message for [%s]", typed).startsWith("Could not write").doesNotContain(".partial")
                    .doesNotContain("Exception");
        }
        assertNoPartialFiles();
    }

    private static long export(String sql, Where where, Path target) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> CsvExport.write(db, "exporting fuzz", sql, where, target, CancelSignal.NONE, n -> {}));
    }

    private static String expected(String value) {
        if (value.isEmpty()) return value;
        return "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    private static void assertNoPartialFiles() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(p -> p.getFileName().toString().contains("partial")).toList()).isEmpty();
        }
        assertThat(Path.of("null.partial")).doesNotExist();
    }

    /** RFC 4180, written here rather than reusing the exporter's own quoting. */
    static List<List<String>> readCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') { cell.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { row.add(cell.toString()); cell.setLength(0); }
            else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString()); cell.setLength(0); rows.add(row); row = new ArrayList<>(); i++;
            } else cell.append(c);
        }
        assertThat(quoted).as("unterminated quote").isFalse();
        assertThat(cell.length() + row.size()).as("text after the last line end").isZero();
        return rows;
    }

    @Provide
    Arbitrary<String> cells() {
        // Postgres text holds no NUL and pgjdbc sends a lone surrogate as '?': neither can be a stored value
        Arbitrary<String> awkward = Arbitraries.strings().withChars("=+-@\t\r\n,\"' ;a1é\u202e").ofMaxLength(12)
                .map(s -> s.replace("1", "😀"));   // withChars would split the emoji into lone surrogates
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(12)
                .map(s -> s.replace("\u0000", "")).filter(Unicode::wholeCodePoints);
        Arbitrary<String> formulas = Arbitraries.of("=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "\t=1", "\r=1",
                " =1", "'=1", "=", "\"=1\"", "a,b", "a\r\nb", "x".repeat(100_000));
        return Arbitraries.frequencyOf(Tuple.of(4, awkward), Tuple.of(3, anyUnicode), Tuple.of(1, formulas));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().withChars("aé .-_%$'\"\\:*?<>|\n\u202e").ofMinLength(1).ofMaxLength(10)),
                Tuple.of(1, Arbitraries.of(".", "..", "", "sub dir", "a-file", "missing", "x".repeat(250), "x".repeat(256),
                        "é".repeat(126), "é".repeat(128), "😀".repeat(63), "😀".repeat(64))));
        return segment.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts))
                .map(p -> p.startsWith("../..") ? p.substring(3) : p);
    }
}
