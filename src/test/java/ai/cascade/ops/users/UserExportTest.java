package ai.cascade.ops.users;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Exporting 100,000 users streams them all to CSV, neutralised against formula injection. */
class UserExportTest {
    private static final int USERS = 100_000;
    private static Database db;
    private static UserDirectory directory;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServers.freshDatabaseUrl("user_export");
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            // every 10th email starts with a formula character; usernames carry commas and quotes
            st.execute("INSERT INTO cascade_users (venice_username, email, subscription_tier, created_at) "
                    + "SELECT 'user_' || g || CASE WHEN g % 1000 = 0 THEN ',\"quoted\"' ELSE '' END, "
                    + "CASE g % 10 WHEN 0 THEN (ARRAY['=', '+', '-', '@'])[1 + (g / 10) % 4] || 'SUM(A1)' || g ELSE 'u' || g || '@example.org' END, "
                    + "CASE WHEN g % 3 = 0 THEN 'citizen' ELSE 'observer' END, '2026-01-01'::timestamp + g * interval '1 minute' "
                    + "FROM generate_series(1, " + USERS + ") AS g");
            st.execute("ANALYZE cascade_users");
        }
        db = TestServers.open(url);
        directory = new UserDirectory(UserDirectoryTest.connections(db));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void allHundredThousandRowsAreWrittenInOrderWithFormulasNeutralised(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.csv");
        AtomicLong lastProgress = new AtomicLong();
        long n = directory.export(UserQuery.of(""), file, CancelSignal.NONE, lastProgress::set);

        assertThat(n).isEqualTo(USERS);
        assertThat(lastProgress.get()).isEqualTo(USERS);
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        }
        assertThat(lines).hasSize(USERS + 1);
        assertThat(lines.get(0)).isEqualTo("id,venice_username,email,stripe_customer_id,subscription_tier,subscription_status,last_login,created_at");
        assertThat(lines.get(1)).startsWith("1,user_1,u1@example.org,,observer,,,2026-01-01 00:01:00");
        assertThat(lines.get(10)).startsWith("10,user_10,'+SUM(A1)10,");
        assertThat(lines.get(1000)).startsWith("1000,\"user_1000,\"\"quoted\"\"\",'=SUM(A1)1000,");
        assertThat(lines.stream().skip(1).map(l -> l.split(",", -1)[2])).noneMatch(cell -> cell.matches("^[=+\\-@].*"));
        assertThat(partials(dir)).as("no half-written export is left").isEmpty();
    }

    @Test
    void anExportOfAFilteredResultHoldsOnlyItsRows(@TempDir Path dir) {
        long n = directory.export(UserQuery.of("user_99"), dir.resolve("some.csv"), CancelSignal.NONE, x -> { });
        // user_99, user_990..999, user_9900..9999, user_99000..99999
        assertThat(n).isEqualTo(1 + 10 + 100 + 1000);
    }

    @Test
    void aCancelledExportLeavesNoFileBehind(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cancelled.csv");
        List<Runnable> hooks = new ArrayList<>();
        CancelSignal cancel = hooks::add;
        AtomicLong seen = new AtomicLong();
        try {
            directory.export(UserQuery.of(""), file, cancel, rows -> {
                seen.set(rows);
                if (rows >= 20_000) hooks.forEach(Runnable::run);   // the person presses Cancel mid-way
            });
        } catch (RuntimeException expected) {
            // cancelled: either the statement was cancelled on the server or the loop stopped
        }
        assertThat(seen.get()).isLessThan(USERS);
        assertThat(file).doesNotExist();
        assertThat(partials(dir)).as("no half-written export is left").isEmpty();
    }

    @Test
    void aLargeResultIsCountedByEstimateAndSaysSo() {
        RowCount n = directory.count(UserQuery.of(""), CancelSignal.NONE);
        assertThat(n.exact()).isFalse();
        assertThat(n.value()).isBetween((long) (USERS * 0.8), (long) (USERS * 1.2));
        assertThat(directory.count(UserQuery.of("user_99"), CancelSignal.NONE)).isEqualTo(new RowCount(1111, true));
    }

    private static java.util.List<java.nio.file.Path> partials(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
        }
    }
}
