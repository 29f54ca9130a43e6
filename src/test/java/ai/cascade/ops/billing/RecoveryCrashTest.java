package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.billing.SubscriptionEditorTest.Bench;
import ai.cascade.ops.testing.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, data safety, beyond {@link EditCrashTest}: the app is killed (SIGKILL) during an edit, restarted, and killed
 * again while its recovery finishes that edit; a third start's recovery then completes it. Whatever the two kill
 * points, the journal ends "done" with exactly one Stripe mutation and one audit row, and Postgres mirrors Stripe.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RecoveryCrashTest {
    private Bench bench;
    private String sub;

    @BeforeEach
    void start() {
        bench = Bench.start("recovery_crash", 1);
        sub = bench.subscriptions.get(0);
    }

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void editKilledBeforeStripeThenRecoveryKilledAfterStripeAnswered() throws Exception {
        assertTwoKillsFinishOnce(SagaPoint.BEFORE_STRIPE, SagaPoint.AFTER_STRIPE);
    }

    @Test
    void editKilledBeforeStripeThenRecoveryKilledBeforeStripeToo() throws Exception {
        assertTwoKillsFinishOnce(SagaPoint.BEFORE_STRIPE, SagaPoint.BEFORE_STRIPE);
    }

    @Test
    void editKilledAfterStripeAnsweredThenRecoveryKilledAfterItsReplayWasAnswered() throws Exception {
        assertTwoKillsFinishOnce(SagaPoint.AFTER_STRIPE, SagaPoint.AFTER_STRIPE);
    }

    @Test
    void editKilledAfterStripeAnsweredThenRecoveryKilledAfterItsCommit() throws Exception {
        assertTwoKillsFinishOnce(SagaPoint.AFTER_STRIPE, SagaPoint.AFTER_COMMIT);
    }

    private void assertTwoKillsFinishOnce(SagaPoint editKilledAt, SagaPoint recoveryKilledAt) throws Exception {
        ChildJvm.killWhenItSays("AT " + editKilledAt, EditorChild.class, bench.url, bench.stripe.url(), sub, "change_tier:merchant", editKilledAt.name());
        String key = strings(bench.admin, "SELECT idempotency_key FROM ops.subscription_edit WHERE stripe_subscription_id = '" + sub + "'").get(0);
        assertThat(journalState()).as("the first kill left the edit pending").isEqualTo("pending");

        ChildJvm.killWhenItSays("AT " + recoveryKilledAt, RecoveryChild.class, bench.url, bench.stripe.url(), recoveryKilledAt.name());
        assertThat(appliedWith(key)).as("Stripe applied the edit at most once by the second kill").isLessThanOrEqualTo(1);

        EditRecovery.Report report = bench.editor().recovery().finishAll(CancelSignal.NONE);

        String at = "edit killed " + editKilledAt + ", recovery killed " + recoveryKilledAt + ": " + report.messages();
        assertThat(journalState()).as(at).isEqualTo("done");
        assertThat(appliedWith(key)).as(at + ": Stripe applied it exactly once").isEqualTo(1);
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE method IN ('POST', 'DELETE') AND status = 200 "
                + "AND NOT replayed AND path LIKE '%" + sub + "%'")).as(at + ": no other mutation of the subscription").containsExactly("1");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.audit_log WHERE details->>'journal' = (SELECT id::text FROM "
                + "ops.subscription_edit WHERE idempotency_key = '" + key + "')")).as(at + ": one audit row").containsExactly("1");
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit WHERE state = 'pending'")).as(at).containsExactly("0");
        SubscriptionSnapshot now = bench.editor().open(sub, CancelSignal.NONE);
        assertThat(now.stripe().tier()).as(at).isEqualTo("merchant");
        assertThat(now.mirrorDifferences()).as(at + ": Postgres mirrors Stripe").isEmpty();
    }

    private String journalState() {
        return strings(bench.admin, "SELECT state FROM ops.subscription_edit WHERE stripe_subscription_id = '" + sub + "'").get(0);
    }

    private long appliedWith(String key) {
        return Long.parseLong(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = '" + key
                + "' AND method IN ('POST', 'DELETE') AND status = 200 AND NOT replayed").get(0));
    }
}
