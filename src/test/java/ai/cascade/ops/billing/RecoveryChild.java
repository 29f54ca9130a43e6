package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.testing.TestServers;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of {@link RecoveryCrashTest}: the restarted app's recovery, run against the parent's Postgres and demo
 * Stripe, saying {@code AT <POINT>} at the chosen point of the saga it finishes and waiting there to be killed.
 * Arguments: Postgres URL, Stripe API base, saga point.
 */
public final class RecoveryChild {
    private RecoveryChild() {}

    public static void main(String[] args) throws InterruptedException {
        SagaPoint point = SagaPoint.valueOf(args[2]);
        Database db = TestServers.open(args[0]);
        StripeAccess stripe = new StripeAccess(DemoStripe.KEY, args[1]);
        CountDownLatch never = new CountDownLatch(1);
        SubscriptionEditor editor = new SubscriptionEditor(StripeWire.connections(db, stripe), Settings.defaultTiers(), "recovery-child",
                Clock.systemUTC(), p -> {
                    if (p != point) return;
                    System.out.println("AT " + p);
                    System.out.flush();
                    try {
                        never.await();   // until SIGKILL
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        EditRecovery.Report report = editor.recovery().finishAll(CancelSignal.NONE);
        System.out.println("ENDED " + report.messages());
        System.out.flush();
        never.await();
    }
}
