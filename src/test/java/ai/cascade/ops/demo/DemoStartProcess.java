package ai.cascade.ops.demo;

import ai.cascade.ops.billing.SubscriptionEditor.SagaPoint;
import ai.cascade.ops.config.Settings;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * A demo start in a process of its own, for {@link DemoStartCrashTest}: the steps {@link DemoEnvironment#start} takes
 * after its servers are up (the data, then the demo Stripe and its edit history), in the same order and through the
 * same methods, stopping for good at one window and saying so ({@code WINDOW ...}) so the test kills it right there.
 * Arguments: a Postgres URL (libpq URI), the number of users, and the window: {@code none}; {@code stripe} (the data
 * saved with its marker, the Stripe not yet seeded from it); {@code seeded} (the Stripe seeded, the edit history not
 * begun: its progress line); or {@code POINT:n}, the n-th time the history's editor
 * reaches that {@link SagaPoint} (BEFORE_STRIPE: journaled, not sent; AFTER_STRIPE: applied by Stripe, not recorded;
 * AFTER_COMMIT: recorded, the next edit not begun).
 */
public final class DemoStartProcess {
    private DemoStartProcess() {}

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = DemoGeneratorProcess.dataSource(args[0]);
        int users = Integer.parseInt(args[1]);
        String window = args[2];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        DemoEnvironment.ensureData(ds, users, Settings.defaultTiers(), m -> { }, () -> false);
        if (window.equals("stripe")) stopFor(out, window);

        SagaPoint point = window.contains(":") ? SagaPoint.valueOf(window.substring(0, window.indexOf(':'))) : null;
        int nth = point == null ? 0 : Integer.parseInt(window.substring(window.indexOf(':') + 1));
        Map<SagaPoint, Integer> reached = new EnumMap<>(SagaPoint.class);
        DemoStripe stripe = DemoEnvironment.startStripe(ds, args[0], Settings.defaultTiers(), m -> {
            if (window.equals("seeded") && m.startsWith("Making the demo's edit history")) stopFor(out, window);
        }, p -> {
            if (reached.merge(p, 1, Integer::sum) == nth && p == point) stopFor(out, window);
        });
        stripe.close();
        out.println("DONE");
    }

    /** Says where it is and waits to be killed: a window held open, not a race. */
    private static void stopFor(PrintStream out, String window) {
        out.println("WINDOW " + window);
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {   // only the kill ends the wait
            }
        }
    }
}
