package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.billing.SubscriptionEditorTest.Bench;
import ai.cascade.ops.testing.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The saga survives a SIGKILL at each of its points: a child JVM applies an edit against this JVM's Postgres and
 * demo Stripe and is killed there; recovery in a new editor then finishes the edit, and Stripe applied it once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EditCrashTest {
    private static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofHours(25));

    private Bench bench;
    private String sub;

    @BeforeEach
    void start() {
        bench = Bench.start("saga_crash", 1);
        sub = bench.subscriptions.get(0);
    }

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void aKillBeforeStripeIsCalledIsSentByRecoveryExactlyOnce() throws Exception {
        Journaled e = killedAt(SagaPoint.BEFORE_STRIPE, "change_tier:merchant");
        assertThat(e.state).isEqualTo("pending");
        assertThat(appliedWith(e.key)).as("nothing reached Stripe before the kill").isZero();

        EditRecovery.Report report = bench.editor().recovery().finishAll(CancelSignal.NONE);

        assertThat(report.done()).as(report.messages().toString()).isEqualTo(1);
        assertFinishedOnceAndMirrored(e, "merchant");
        assertThat(replaysOf(e.key)).isZero();
    }

    @Test
    void aKillAfterStripeAnsweredIsFinishedByRecoveryWithoutASecondCharge() throws Exception {
        Journaled e = killedAt(SagaPoint.AFTER_STRIPE, "change_tier:merchant");
        assertThat(e.state).isEqualTo("pending");
        assertThat(appliedWith(e.key)).as("Stripe applied it before the kill").isEqualTo(1);
        assertThat(strings(bench.admin, "SELECT tier FROM subscriptions WHERE stripe_subscription_id = '" + sub + "'"))
                .as("not yet mirrored").containsExactly("citizen");

        EditRecovery.Report report = bench.editor().recovery().finishAll(CancelSignal.NONE);

        assertThat(report.done()).as(report.messages().toString()).isEqualTo(1);
        assertFinishedOnceAndMirrored(e, "merchant");
        assertThat(replaysOf(e.key)).as("the same key sent again, answered from Stripe's memory").isEqualTo(1);
    }

    @Test
    void aKillAfterTheLocalCommitLeavesNothingForRecovery() throws Exception {
        Journaled e = killedAt(SagaPoint.AFTER_COMMIT, "change_tier:merchant");
        assertThat(e.state).isEqualTo("done");

        EditRecovery.Report report = bench.editor().recovery().finishAll(CancelSignal.NONE);

        assertThat(report.done() + report.failed() + report.stillPending()).isZero();
        assertFinishedOnceAndMirrored(e, "merchant");
        assertThat(replaysOf(e.key)).isZero();
    }

    @Test
    void aKillBeforeStripeFoundAfterTheKeyExpiredIsNotReplayedAndFailsSayingWhy() throws Exception {
        Journaled e = killedAt(SagaPoint.BEFORE_STRIPE, "change_tier:merchant");

        EditRecovery.Report report = bench.editor(LATER, p -> { }).recovery().finishAll(CancelSignal.NONE);

        assertThat(report.failed()).as(report.messages().toString()).isEqualTo(1);
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = '" + e.key + "'"))
                .as("not replayed").containsExactly("0");
        assertThat(strings(bench.admin, "SELECT state FROM ops.subscription_edit WHERE id = " + e.id)).containsExactly("failed");
        assertThat(strings(bench.admin, "SELECT outcome FROM ops.subscription_edit WHERE id = " + e.id).get(0))
                .contains("idempotency key has expired").contains("not replayed").contains("Make the edit again");
        assertThat(auditsOf(e.id)).isZero();
        SubscriptionSnapshot now = bench.editor().open(sub, CancelSignal.NONE);
        assertThat(now.stripe().tier()).isEqualTo("citizen");
        assertThat(now.mirrorDifferences()).isEmpty();
    }

    @Test
    void aKillAfterStripeAnsweredFoundAfterTheKeyExpiredIsRolledForwardFromStripesState() throws Exception {
        Journaled e = killedAt(SagaPoint.AFTER_STRIPE, "change_tier:merchant");

        EditRecovery.Report report = bench.editor(LATER, p -> { }).recovery().finishAll(CancelSignal.NONE);

        assertThat(report.done()).as(report.messages().toString()).isEqualTo(1);
        assertFinishedOnceAndMirrored(e, "merchant");
        assertThat(replaysOf(e.key)).as("read, not replayed").isZero();
        assertThat(strings(bench.admin, "SELECT outcome FROM ops.subscription_edit WHERE id = " + e.id).get(0)).contains("Rolled forward");
    }

    @Test
    void aCancelNowKilledAfterStripeAnsweredIsReadFromStripeAndNotDeletedTwice() throws Exception {
        Journaled e = killedAt(SagaPoint.AFTER_STRIPE, "cancel_now");

        EditRecovery.Report report = bench.editor().recovery().finishAll(CancelSignal.NONE);

        assertThat(report.done()).as(report.messages().toString()).isEqualTo(1);
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE method = 'DELETE'")).containsExactly("1");
        assertThat(strings(bench.admin, "SELECT state FROM ops.subscription_edit WHERE id = " + e.id)).containsExactly("done");
        assertThat(auditsOf(e.id)).isEqualTo(1);
        SubscriptionSnapshot now = bench.editor().open(sub, CancelSignal.NONE);
        assertThat(now.stripe().status()).isEqualTo("canceled");
        assertThat(now.mirrorDifferences()).isEmpty();
        assertThat(strings(bench.admin, "SELECT subscription_tier || ' ' || subscription_status FROM cascade_users WHERE id = 1"))
                .containsExactly("observer canceled");
    }

    // ---- helpers ----

    private record Journaled(long id, String key, String state) {}

    /** Runs the edit in a child JVM, kills it (SIGKILL) once it reports {@code point}, and returns the edit's journal row. */
    private Journaled killedAt(SagaPoint point, String edit) throws Exception {
        ChildJvm.killWhenItSays("AT " + point, EditorChild.class, bench.url, bench.stripe.url(), sub, edit, point.name());
        String row = strings(bench.admin, "SELECT id || ' ' || idempotency_key || ' ' || state FROM ops.subscription_edit "
                + "WHERE stripe_subscription_id = '" + sub + "'").get(0);
        String[] f = row.split(" ");
        return new Journaled(Long.parseLong(f[0]), f[1], f[2]);
    }

    private void assertFinishedOnceAndMirrored(Journaled e, String tier) {
        assertThat(strings(bench.admin, "SELECT state FROM ops.subscription_edit WHERE id = " + e.id)).containsExactly("done");
        assertThat(auditsOf(e.id)).as("one audit entry").isEqualTo(1);
        assertThat(appliedWith(e.key)).as("Stripe applied it exactly once").isEqualTo(1);
        SubscriptionSnapshot now = bench.editor().open(sub, CancelSignal.NONE);
        assertThat(now.stripe().tier()).isEqualTo(tier);
        assertThat(now.mirrorDifferences()).as("Postgres mirrors Stripe").isEmpty();
        assertThat(strings(bench.admin, "SELECT subscription_tier FROM cascade_users WHERE id = 1")).containsExactly(tier);
        assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit WHERE state = 'pending'")).containsExactly("0");
    }

    private long appliedWith(String key) {
        return Long.parseLong(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = '" + key
                + "' AND method IN ('POST', 'DELETE') AND status = 200 AND NOT replayed").get(0));
    }

    private long replaysOf(String key) {
        return Long.parseLong(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE idempotency_key = '" + key
                + "' AND replayed").get(0));
    }

    private long auditsOf(long journalId) {
        return Long.parseLong(strings(bench.admin, "SELECT count(*) FROM ops.audit_log WHERE details->>'journal' = '" + journalId + "'").get(0));
    }
}
