package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.demo.DemoStripe;
import ai.cascade.ops.testing.ChildJvm;
import ai.cascade.ops.testing.TestServers;

import java.time.Clock;

/**
 * The child JVM of {@link EditCrashTest}: applies one edit against the parent's Postgres and demo Stripe and, at the
 * chosen point of the saga, says {@code AT <POINT>} on stdout and waits to be killed.
 * Arguments: Postgres URL, Stripe API base, subscription id, edit ({@code change_tier:<tier>}, {@code cancel_now},
 * {@code cancel_at_period_end}), saga point.
 */
public final class EditorChild {
    private EditorChild() {}

    public static void main(String[] args) {
        SagaPoint point = SagaPoint.valueOf(args[4]);
        SubscriptionEditor editor = haltingAt(point, args[0], args[1], "crash-child");
        SubscriptionSnapshot seen = editor.open(args[2], CancelSignal.NONE);
        SubscriptionEdit edit = switch (args[3].split(":")[0]) {
            case "change_tier" -> editor.preview(seen, args[3].split(":")[1], SubscriptionEdit.ProrationBehavior.CREATE_PRORATIONS).edit();
            case "cancel_now" -> new SubscriptionEdit.CancelNow();
            case "cancel_at_period_end" -> new SubscriptionEdit.CancelAtPeriodEnd();
            default -> throw new IllegalArgumentException("no edit " + args[3]);
        };
        EditOutcome o = editor.apply(seen, edit, "Crash test: " + args[3] + " killed at " + point);
        ChildJvm.ended(o.result() + " " + o.message());
    }

    /** The editor a restarted app builds, on the parent's Postgres and demo Stripe, halting at {@code point} to be killed. */
    static SubscriptionEditor haltingAt(SagaPoint point, String postgresUrl, String stripeApiBase, String profile) {
        StripeAccess stripe = new StripeAccess(DemoStripe.KEY, stripeApiBase);
        return new SubscriptionEditor(StripeWire.connections(TestServers.open(postgresUrl), stripe), Settings.defaultTiers(), profile,
                Clock.systemUTC(), ChildJvm.haltAt(point));
    }
}
