package ai.cascade.ops.audit;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.AuditLog;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.database.RowCount;
import ai.cascade.ops.testing.TestServers;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log read from a real Postgres: filters, keyset paging both ways, counts, CSV export, and who may read it. */
class AuditTrailTest {
    private static final int ENTRIES = 1_250;
    private static final CancelSignal NONE = CancelSignal.NONE;
    private static String url;
    private static Database db;
    private static AuditFixture fixture;
    private static AuditTrail trail;

    @BeforeAll
    static void writeHistory() throws Exception {
        url = TestServers.freshDatabaseUrl("audit_trail");
        fixture = AuditFixture.write(TestServers.admin(url), ENTRIES);
        db = TestServers.open(url);
        trail = new AuditTrail(AuditFixture.connections(db));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static List<Long> ids(AuditQuery q) {
        List<Long> out = new ArrayList<>();
        AuditEntry anchor = null;
        while (true) {
            List<AuditEntry> page = trail.page(q, anchor, true, 200, NONE);
            page.forEach(e -> out.add(e.id()));
            if (page.size() < 200) return out;
            anchor = page.get(page.size() - 1);
        }
    }

    @Test
    void pagingForwardVisitsEveryEntryOnceNewestFirst() {
        List<Long> all = ids(AuditQuery.all());
        assertThat(all).hasSize(ENTRIES).doesNotHaveDuplicates().isEqualTo(fixture.idsNewestFirst(e -> true));
    }

    @Test
    void pagingBackwardFromTheEndVisitsEveryEntryOnceInTheSameOrder() {
        List<Long> collected = new ArrayList<>();
        AuditEntry anchor = null;
        while (true) {
            List<AuditEntry> page = trail.page(AuditQuery.all(), anchor, false, 200, NONE);
            collected.addAll(0, page.stream().map(AuditEntry::id).toList());
            if (page.size() < 200) break;
            anchor = page.get(0);
        }
        assertThat(collected).isEqualTo(fixture.idsNewestFirst(e -> true));
    }

    @Test
    void oldestFirstIsTheSameEntriesReversed() {
        List<Long> reversed = new ArrayList<>(fixture.idsNewestFirst(e -> true));
        java.util.Collections.reverse(reversed);
        assertThat(ids(AuditQuery.all().withNewestFirst(false))).hasSize(ENTRIES).isEqualTo(reversed);
    }

    @Test
    void textIsAPlainCaseInsensitiveSubstringOfTargetReasonOrAction() {
        for (String text : List.of("100% OFF", "50_50", "%", "_", "ticket 110", "SUBSCRIPTION.CANCEL", "cascade:session:12", "\\"))
            assertThat(ids(AuditQuery.all().withText(text))).as("text %s", text)
                    .isEqualTo(fixture.idsNewestFirst(e -> e.contains(text)));
        assertThat(ids(AuditQuery.all().withText("100% off"))).as("%% is a percent sign, not any text").hasSize(1);
        assertThat(ids(AuditQuery.all().withText("50_50"))).as("_ is an underscore, not any letter").hasSize(1);
    }

    @Test
    void actorIsExactAndActionIsExactOrAFamily() {
        assertThat(ids(AuditQuery.all().withActor("bob_support"))).isEqualTo(fixture.idsNewestFirst(e -> e.actor().equals("bob_support")));
        assertThat(ids(AuditQuery.all().withActor("bob"))).isEmpty();
        assertThat(ids(AuditQuery.all().withAction("subscription.")))
                .isEqualTo(fixture.idsNewestFirst(e -> e.action().startsWith("subscription.")));
        assertThat(ids(AuditQuery.all().withAction("invoice.refund"))).isEqualTo(fixture.idsNewestFirst(e -> e.action().equals("invoice.refund")));
        assertThat(ids(AuditQuery.all().withAction("subscription"))).as("without the dot: one action, exactly").isEmpty();
        assertThat(ids(AuditQuery.all().withActor("carol_support").withAction("subscription.").withText("ticket 11")))
                .isEqualTo(fixture.idsNewestFirst(e -> e.actor().equals("carol_support") && e.action().startsWith("subscription.") && e.contains("ticket 11")));
    }

    @Test
    void aTimeRangeIncludesItsStartAndExcludesItsEnd() {
        var from = AuditFixture.START.plusDays(3);
        var to = AuditFixture.START.plusDays(5);
        assertThat(ids(AuditQuery.all().withRange(from, to)))
                .hasSize(48).isEqualTo(fixture.idsNewestFirst(e -> !e.at().isBefore(from) && e.at().isBefore(to)));
        assertThat(ids(AuditQuery.all().withRange(from, null))).isEqualTo(fixture.idsNewestFirst(e -> !e.at().isBefore(from)));
        assertThat(ids(AuditQuery.all().withRange(null, to))).isEqualTo(fixture.idsNewestFirst(e -> e.at().isBefore(to)));
    }

    @Test
    void countsAreExactForTheWholeLogAndForAFilter() {
        assertThat(trail.count(AuditQuery.all(), NONE)).isEqualTo(new RowCount(ENTRIES, true));
        long bobs = fixture.entries.stream().filter(e -> e.actor().equals("bob_support")).count();
        assertThat(trail.count(AuditQuery.all().withActor("bob_support"), NONE)).isEqualTo(new RowCount(bobs, true));
        assertThat(trail.count(AuditQuery.all().withText("100% off"), NONE)).isEqualTo(new RowCount(1, true));
    }

    @Test
    void theFiltersOfferThePeopleAndActionsInTheLogWithTheirFamilies() {
        assertThat(trail.actors(NONE)).containsExactlyElementsOf(AuditFixture.ACTORS);
        assertThat(AuditQuery.actionChoices(trail.actions(NONE))).containsExactly("invoice.", "invoice.refund", "reset-rate-limit",
                "revoke-session", "subscription.", "subscription.cancel_now", "subscription.change_tier");
    }

    @Test
    void anEntryReadsBackWithItsBeforeAndAfter() {
        AuditEntry e = trail.page(AuditQuery.all().withAction("subscription.change_tier"), null, true, 1, NONE).get(0);
        assertThat(e.changeLines()).containsExactly("tier: citizen → merchant", "amount: 900 → 2900");
        assertThat(e.summary()).isEqualTo("tier: citizen → merchant; amount: 900 → 2900");
        assertThat(e.profile()).isEqualTo("production");
    }

    @Test
    void exportWritesTheMatchingEntriesWithBeforeAndAfterAndNeutralisesFormulas(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("audit.csv");
        long n = trail.export(AuditQuery.all().withText("ticket 1"), target, NONE, x -> { });
        long expected = fixture.entries.stream().filter(e -> e.contains("ticket 1")).count();
        assertThat(n).isEqualTo(expected);
        List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) expected + 1);
        assertThat(lines.get(0)).isEqualTo("at_utc,actor,profile,action,target,reason,before,after,other_details");
        AuditFixture.Written newest = fixture.entries.stream().filter(e -> e.contains("ticket 1"))
                .max(java.util.Comparator.comparingLong(AuditFixture.Written::id)).orElseThrow();
        assertThat(lines.get(1)).startsWith(newest.at() + ":00.000000Z," + newest.actor() + ",production," + newest.action() + ",");
        String change = lines.stream().filter(l -> l.contains(",subscription.change_tier,")).findFirst().orElseThrow();
        assertThat(change).contains("\"{\"\"tier\"\": \"\"citizen\"\", \"\"amount\"\": 900}\"")
                .contains("\"{\"\"tier\"\": \"\"merchant\"\", \"\"amount\"\": 2900}\"").endsWith("\"{\"\"journal\"\": " + change.split(",")[4].substring(4) + "}\"");

        Path formula = dir.resolve("formula.csv");
        trail.export(AuditQuery.all().withText("evil.example"), formula, NONE, x -> { });
        String row = Files.readAllLines(formula).get(1);
        assertThat(row).contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",").doesNotContain(",=HYPERLINK");
    }

    @Test
    void aMonitoringLoginReadsTheLogButMayNotWriteIt(@TempDir Path dir) throws Exception {
        try (Database monitor = AuditFixture.login(url, "audit_reader", "cascade_ops_monitoring")) {
            AuditTrail read = new AuditTrail(AuditFixture.connections(monitor));
            assertThat(read.page(AuditQuery.all(), null, true, 200, NONE)).hasSize(200);
            assertThat(read.count(AuditQuery.all().withActor("alice_support"), NONE).exact()).isTrue();
            assertThat(read.actors(NONE)).contains("alice_support");
            assertThat(read.export(AuditQuery.all().withAction("invoice."), dir.resolve("a.csv"), NONE, x -> { }))
                    .isEqualTo(fixture.entries.stream().filter(e -> e.action().equals("invoice.refund")).count());
            assertThatThrownBy(() -> AuditLog.append(monitor, "test", "subscription.change_tier", "sub_x", "trying", new JsonObject()))
                    .isInstanceOf(BackendException.class).hasMessageContaining("monitoring login");
        }
    }

    @Test
    void anEntryWrittenByTheConsoleAppearsFirstWithTheRealLogin() throws Exception {
        String writeUrl = TestServers.freshDatabaseUrl("audit_trail_append");
        try (Database own = TestServers.open(writeUrl)) {
            JsonObject details = new JsonObject();
            details.addProperty("user_id", 42);
            details.addProperty("previous", 17);
            AuditLog.append(own, "demo", "reset-rate-limit", "cascade:ratelimit:42", "abuse report", details);
            AuditLog.append(own, "demo", "purge-venice-cache", "citizen Foscari", "stale ledger", null);
            List<AuditEntry> page = new AuditTrail(AuditFixture.connections(own)).page(AuditQuery.all(), null, true, 10, NONE);
            assertThat(page).extracting(AuditEntry::action).containsExactly("purge-venice-cache", "reset-rate-limit");
            assertThat(page).extracting(AuditEntry::actor).containsOnly("postgres");
            assertThat(page.get(1).summary()).isEqualTo("user_id 42 · previous 17");
            assertThat(page.get(0).summary()).isEmpty();
        }
    }
}
