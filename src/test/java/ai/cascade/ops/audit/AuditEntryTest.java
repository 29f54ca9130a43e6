package ai.cascade.ops.audit;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** How one entry's details read: before → after per field, nested fields by dotted name, facts for other actions. */
class AuditEntryTest {
    private static AuditEntry entry(String details) {
        return new AuditEntry(1, LocalDateTime.of(2026, 3, 1, 12, 0), "alice", "prod", "subscription.change_tier", "sub_1", "upgrade", details);
    }

    @Test
    void aChangeListsOnlyTheFieldsThatChangedWithNestedOnesByDottedName() {
        AuditEntry e = entry("{\"before\": {\"tier\": \"citizen\", \"period\": {\"end\": \"2026-04-01\"}, \"status\": \"active\"},"
                + " \"after\": {\"tier\": \"merchant\", \"period\": {\"end\": \"2026-05-01\"}, \"status\": \"active\", \"coupon\": null}, \"journal\": 7}");
        assertThat(e.changeLines()).containsExactly("tier: citizen → merchant", "period.end: 2026-04-01 → 2026-05-01", "coupon: — → null");
        assertThat(e.changes()).filteredOn(c -> !c.changed()).extracting(AuditEntry.Change::field).containsExactly("status");
        assertThat(e.beforeJson()).contains("\"tier\": \"citizen\"").contains("\n");
        assertThat(e.prettyDetails()).contains("\"journal\": 7");
    }

    @Test
    void anActionWithoutBeforeAndAfterIsSummarisedByItsFacts() {
        AuditEntry e = entry("{\"user_id\": 42, \"jti\": \"abcd…wxyz\", \"key_names\": [\"a\", \"b\", \"c\"]}");
        assertThat(e.hasBeforeAfter()).isFalse();
        assertThat(e.summary()).isEqualTo("user_id 42 · jti abcd…wxyz · key_names: 3 items");
        assertThat(e.beforeJson()).isEmpty();
    }

    @Test
    void detailsThatAreNotAnObjectAreShownAsTheyAre() {
        assertThat(entry(null).summary()).isEmpty();
        assertThat(entry("[1, 2]").summary()).isEqualTo("[1, 2]");
        assertThat(entry("not json {").prettyDetails()).isEqualTo("not json {");
    }

    @Test
    void textIsMatchedLiterallyInLike() {
        assertThat(AuditQuery.all().withText("100%_a\\b").likePattern()).isEqualTo("%100\\%\\_a\\\\b%");
    }
}
