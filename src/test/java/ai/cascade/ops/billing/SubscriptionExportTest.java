package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV export of a filtered, sorted result: every row once, in order, safe to open in a spreadsheet. */
class SubscriptionExportTest {
    private static SubscriptionFixture fixture;
    private static Database db;
    private static SubscriptionDirectory directory;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServers.freshDatabaseUrl("subscription_export");
        fixture = SubscriptionFixture.write(TestServers.admin(url), 2_000, 5);
        db = TestServers.open(url);
        directory = new SubscriptionDirectory(SubscriptionFixture.connections(db), SubscriptionFixture.TIERS);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parse(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') { cell.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { row.add(cell.toString()); cell.setLength(0); }
            else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else cell.append(c);
        }
        return rows;
    }

    @Test
    void theFilteredResultIsWrittenInOrderWithAmountsCurrenciesAndNeutralisedFormulas(@TempDir Path dir) throws Exception {
        SubscriptionQuery q = SubscriptionQuery.all().withTiers(Set.of("citizen", "gondolier", "legacy_gold"))
                .withStatuses(Set.of("active", "past_due", SubscriptionQuery.NONE)).withSort(SubscriptionSort.AMOUNT, false);
        List<SubscriptionFixture.Sub> expected = fixture.matching(s -> Set.of("citizen", "gondolier", "legacy_gold").contains(Objects.toString(s.tier()))
                && (s.status() == null || s.status().equals("active") || s.status().equals("past_due")), q.sort(), q.ascending());
        Path target = dir.resolve("subscriptions.csv");
        AtomicLong reported = new AtomicLong();

        long written = directory.export(q, target, CancelSignal.NONE, reported::set);

        assertThat(written).isEqualTo(expected.size()).isEqualTo(reported.get());
        List<List<String>> rows = parse(Files.readString(target, StandardCharsets.UTF_8));
        assertThat(rows.get(0)).containsExactly("id", "user_id", "venice_username", "stripe_subscription_id", "tier", "status",
                "amount_minor_units", "currency", "amount", "current_period_start_utc", "current_period_end_utc", "created_at_utc");
        assertThat(rows).hasSize(expected.size() + 1);
        for (int i = 0; i < expected.size(); i++) {
            SubscriptionFixture.Sub s = expected.get(i);
            List<String> row = rows.get(i + 1);
            assertThat(row.get(0)).isEqualTo(String.valueOf(s.id()));
            assertThat(row.get(2)).as("username of %s", s.id()).isEqualTo(shownInSpreadsheet(s.username()));
            assertThat(row.get(6)).isEqualTo(s.amount() == null ? "" : String.valueOf(s.amount()));
            assertThat(row.get(7)).isEqualTo(switch (s.tier()) {
                case "citizen" -> "EUR";
                case "gondolier" -> "JPY";
                default -> "";
            });
            if (s.amount() != null && s.tier().equals("citizen")) assertThat(row.get(8)).isEqualTo(String.format("%d.%02d", s.amount() / 100, s.amount() % 100));
            if (s.amount() != null && s.tier().equals("gondolier")) assertThat(row.get(8)).as("yen have no cents").isEqualTo(String.valueOf(s.amount()));
        }
        assertThat(rows.stream().map(r -> r.get(2))).as("the fixture's formula-like names are in this result")
                .contains("'=HYPERLINK(\"http://evil\")", "'+39 Bragadin", "'-Morosini", "'@Dandolo", "Foscari, \"il Doge\"");
        assertThat(Files.readString(target)).contains("\"Foscari, \"\"il Doge\"\"\"").contains("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    }

    @Test
    void anEmptyResultIsAHeaderOnly(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("none.csv");
        assertThat(directory.export(SubscriptionQuery.all().withText("sub_nobody"), target, CancelSignal.NONE, n -> { })).isZero();
        assertThat(parse(Files.readString(target))).hasSize(1);
        assertThat(directory.export(SubscriptionQuery.all().withText("x".repeat(300)), target, CancelSignal.NONE, n -> { })).isZero();
    }

    private static String shownInSpreadsheet(String value) {
        if (value == null) return "";
        return "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
