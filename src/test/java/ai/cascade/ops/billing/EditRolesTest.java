package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.billing.SubscriptionEditorTest.Bench;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static ai.cascade.ops.billing.SubscriptionEditorTest.TIERS;
import static ai.cascade.ops.billing.SubscriptionEditorTest.exec;
import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Postgres decides who may edit: a monitoring login's journal insert is refused before anything reaches Stripe;
 * a support login edits. The audit log and the journal keep what they hold, even against the superuser.
 */
class EditRolesTest {
    private static Bench bench;
    private static String monitor;
    private static String support;
    private static Database monitorDb;
    private static Database supportDb;
    private static long journalId;

    @BeforeAll
    static void start() {
        bench = Bench.start("saga_roles", 2);
        String suffix = bench.url.substring(bench.url.lastIndexOf('_') + 1);
        monitor = "saga_monitor_" + suffix;
        support = "saga_support_" + suffix;
        exec(bench.admin, "CREATE ROLE " + monitor + " LOGIN PASSWORD 'monitor-pw' IN ROLE cascade_ops_monitoring",
                "CREATE ROLE " + support + " LOGIN PASSWORD 'support-pw' IN ROLE cascade_ops_support");
        monitorDb = TestServers.open(bench.url.replace("postgres@", monitor + ":monitor-pw@"));
        supportDb = TestServers.open(bench.url.replace("postgres@", support + ":support-pw@"));
        EditOutcome done = editor(supportDb).apply(editor(supportDb).open(bench.subscriptions.get(1), CancelSignal.NONE),
                new SubscriptionEdit.CancelAtPeriodEnd(), "Set up: one finished edit to try to tamper with");
        assertThat(done.result()).as(done.message()).isEqualTo(Result.DONE);
        journalId = done.journalId();
    }

    @AfterAll
    static void stop() {
        monitorDb.close();
        supportDb.close();
        bench.close();
    }

    private static SubscriptionEditor editor(Database db) {
        return new SubscriptionEditor(StripeWire.connections(db, bench.access), TIERS, "roles-test");
    }

    @Test
    void aMonitoringLoginIsRefusedByPostgresAndNothingReachesStripe() {
        SubscriptionEditor asMonitor = editor(monitorDb);
        SubscriptionSnapshot seen = asMonitor.open(bench.subscriptions.get(0), CancelSignal.NONE);
        long requests = bench.requests();

        assertThatThrownBy(() -> asMonitor.apply(seen, new SubscriptionEdit.CancelAtPeriodEnd(), "Trying without the right"))
                .isInstanceOf(Refused.class).hasMessageContaining("Postgres refused").hasMessageContaining(monitor)
                .hasMessageContaining("Nothing was sent to Stripe");

        assertThat(bench.requests()).as("not even the conflict check's read").isEqualTo(requests);
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit WHERE actor = '" + monitor + "'")).containsExactly("0");
    }

    @Test
    void aSupportLoginEditsAndTheAuditNamesTheRealLogin() {
        SubscriptionEditor asSupport = editor(supportDb);
        EditOutcome o = asSupport.apply(asSupport.open(bench.subscriptions.get(0), CancelSignal.NONE),
                new SubscriptionEdit.PauseCollection("mark_uncollectible"), "Dispute under review");

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        assertThat(strings(bench.admin, "SELECT actor FROM ops.audit_log WHERE id = " + o.auditId())).containsExactly(support);
        assertThat(strings(bench.admin, "SELECT actor || ' ' || finished_by || ' ' || state FROM ops.subscription_edit WHERE id = " + o.journalId()))
                .containsExactly(support + " " + support + " done");
    }

    @Test
    void theAuditLogRefusesUpdateDeleteAndTruncateToSupportAndToTheSuperuser() {
        for (DataSource who : new DataSource[] {supportDb.dataSource(), bench.admin}) {
            assertRefused(who, "UPDATE ops.audit_log SET reason = 'rewritten'");
            assertRefused(who, "DELETE FROM ops.audit_log");
            assertRefused(who, "TRUNCATE ops.audit_log");
        }
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.audit_log WHERE reason = 'rewritten'")).containsExactly("0");
        assertThat(strings(bench.admin, "SELECT count(*) > 0 FROM ops.audit_log")).containsExactly("t");
    }

    @Test
    void theJournalRefusesDeleteTruncateAndAnyChangeToItsRequestEvenToTheSuperuser() {
        for (DataSource who : new DataSource[] {supportDb.dataSource(), bench.admin}) {
            assertRefused(who, "DELETE FROM ops.subscription_edit");
            assertRefused(who, "TRUNCATE ops.subscription_edit");
            assertRefused(who, "UPDATE ops.subscription_edit SET form = 'cancel_at_period_end=false' WHERE id = " + journalId);
            assertRefused(who, "UPDATE ops.subscription_edit SET idempotency_key = 'cascade-ops-forged' WHERE id = " + journalId);
            assertRefused(who, "UPDATE ops.subscription_edit SET path = '/v1/refunds' WHERE id = " + journalId);
            assertRefused(who, "UPDATE ops.subscription_edit SET state = 'pending' WHERE id = " + journalId);
        }
        assertThat(strings(bench.admin, "SELECT state || ' ' || form FROM ops.subscription_edit WHERE id = " + journalId))
                .containsExactly("done cancel_at_period_end=true");
    }

    @Test
    void aMonitoringLoginCannotWriteTheJournalOrTheAuditDirectly() {
        assertRefused(monitorDb.dataSource(), "INSERT INTO ops.audit_log(action) VALUES ('forged')");
        assertRefused(monitorDb.dataSource(), "UPDATE ops.subscription_edit SET state = 'abandoned' WHERE state = 'pending'");
        assertRefused(monitorDb.dataSource(), "UPDATE subscriptions SET tier = 'doge'");
    }

    private static void assertRefused(DataSource who, String sql) {
        assertThatThrownBy(() -> {
            try (Connection c = who.getConnection(); Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }).as(sql).isInstanceOf(SQLException.class);
    }
}
