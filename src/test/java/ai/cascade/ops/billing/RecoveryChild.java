package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.testing.ChildJvm;

/**
 * The child JVM of {@link RecoveryCrashTest}: the restarted app's recovery, run against the parent's Postgres and demo
 * Stripe, saying {@code AT <POINT>} at the chosen point of the saga it finishes and waiting there to be killed.
 * Arguments: Postgres URL, Stripe API base, saga point.
 */
public final class RecoveryChild {
    private RecoveryChild() {}

    public static void main(String[] args) {
        SubscriptionEditor editor = EditorChild.haltingAt(SagaPoint.valueOf(args[2]), args[0], args[1], "recovery-child");
        EditRecovery.Report report = editor.recovery().finishAll(CancelSignal.NONE);
        ChildJvm.ended(report.messages().toString());
    }
}
