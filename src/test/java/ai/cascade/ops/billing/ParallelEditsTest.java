package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Refused;
import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.billing.SubscriptionEditorTest.Bench;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.PostgresAddress;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static ai.cascade.ops.billing.SubscriptionEditorTest.TIERS;
import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thousand edits of four subscriptions from sixteen threads, each opened then applied: whatever interleaving
 * happens, Postgres and Stripe end equal to the effect of the DONE edits in journal order, each DONE edit has one
 * audit entry, and nothing else changed Stripe or left a trace in the audit.
 */
class ParallelEditsTest {
    private static final int EDITS = 1_000;
    private static final int THREADS = 16;

    /** What one attempt did: the edit, its subscription and how it ended (REFUSED when apply threw {@link Refused}). */
    private record Attempt(String subscription, SubscriptionEdit edit, String result, long journalId) {}

    /** The part of a subscription's state these edits move. */
    private record Effect(String tier, boolean cancelAtPeriodEnd, String pause) {
        Effect after(SubscriptionEdit e) {
            if (e instanceof SubscriptionEdit.ChangeTier t) return new Effect(t.tier(), cancelAtPeriodEnd, pause);
            if (e instanceof SubscriptionEdit.CancelAtPeriodEnd) return new Effect(tier, true, pause);
            if (e instanceof SubscriptionEdit.UndoCancel) return new Effect(tier, false, pause);
            if (e instanceof SubscriptionEdit.PauseCollection p) return new Effect(tier, cancelAtPeriodEnd, p.behavior());
            if (e instanceof SubscriptionEdit.ResumeCollection) return new Effect(tier, cancelAtPeriodEnd, null);
            throw new IllegalArgumentException(e.toString());
        }

        static Effect of(PlanState s) {
            return new Effect(s.tier(), s.cancelAtPeriodEnd(), s.pauseBehavior());
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void concurrentEditsEndWithPostgresAndStripeEqualToTheDoneEditsInJournalOrder() throws Exception {
        try (Bench bench = Bench.start("saga_parallel", 4); Database db = pool(bench.url)) {
            SubscriptionEditor editor = new SubscriptionEditor(StripeWire.connections(db, bench.access), TIERS, "parallel-test");
            List<String> paid = editor.paidTiers().stream().map(Tier::name).toList();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<Attempt>> futures = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom(20260115);
            for (int i = 0; i < EDITS; i++) {
                SplittableRandom rnd = seeds.split();
                futures.add(threads.submit(() -> attempt(editor, bench.subscriptions.get(rnd.nextInt(bench.subscriptions.size())), paid, rnd)));
            }
            List<Attempt> attempts = new ArrayList<>();
            for (Future<Attempt> f : futures) attempts.add(f.get(240, TimeUnit.SECONDS));
            threads.shutdown();

            Map<String, Integer> counts = new java.util.TreeMap<>();
            attempts.forEach(a -> counts.merge(a.result(), 1, Integer::sum));
            System.out.println("Parallel edits: " + EDITS + " attempts by " + THREADS + " threads on 4 subscriptions: " + counts);

            assertThat(counts.getOrDefault("DONE", 0)).as("some edits went through").isPositive();
            assertThat(strings(bench.admin, "SELECT count(*) FROM ops.subscription_edit WHERE state = 'pending'"))
                    .as("nothing left pending").containsExactly("0");
            Map<Long, Attempt> byJournal = new HashMap<>();
            attempts.stream().filter(a -> a.journalId() > 0).forEach(a -> byJournal.put(a.journalId(), a));

            for (String sub : bench.subscriptions) assertEndsAsTheDoneEditsInOrder(bench, editor, sub, byJournal);
            assertOneAuditPerDoneEditAndNothingElse(bench, attempts);
        }
    }

    private static Attempt attempt(SubscriptionEditor editor, String sub, List<String> paid, SplittableRandom rnd) {
        SubscriptionEdit edit = null;
        try {
            SubscriptionSnapshot seen = editor.open(sub, CancelSignal.NONE);
            edit = randomEdit(seen.stripe(), paid, rnd);
            EditOutcome o = editor.apply(seen, edit, "Parallel edit " + edit.kind());
            return new Attempt(sub, edit, o.result().name(), o.journalId());
        } catch (Refused r) {   // another edit of the subscription in flight, or an edit that no longer makes sense
            return new Attempt(sub, edit, r.getMessage().contains("is in flight") ? "REFUSED (another in flight)" : "REFUSED (makes no sense)", 0);
        }
    }

    /** Mostly an edit that makes sense for the state seen; now and then one that does not (refused). */
    private static SubscriptionEdit randomEdit(PlanState s, List<String> paid, SplittableRandom rnd) {
        boolean sensible = rnd.nextInt(10) > 0;
        return switch (rnd.nextInt(3)) {
            case 0 -> {
                List<String> others = paid.stream().filter(t -> !t.equals(s.tier())).toList();
                String tier = sensible ? others.get(rnd.nextInt(others.size())) : s.tier();
                yield new SubscriptionEdit.ChangeTier(tier, SubscriptionEdit.ProrationBehavior.CREATE_PRORATIONS,
                        Clock.systemUTC().instant().getEpochSecond());
            }
            case 1 -> s.cancelAtPeriodEnd() == sensible ? new SubscriptionEdit.UndoCancel() : new SubscriptionEdit.CancelAtPeriodEnd();
            default -> (s.pauseBehavior() != null) == sensible ? new SubscriptionEdit.ResumeCollection()
                    : new SubscriptionEdit.PauseCollection("keep_as_draft");
        };
    }

    private static void assertEndsAsTheDoneEditsInOrder(Bench bench, SubscriptionEditor editor, String sub, Map<Long, Attempt> byJournal) {
        Effect expected = new Effect("citizen", false, null);
        for (String id : strings(bench.admin, "SELECT id FROM ops.subscription_edit WHERE state = 'done' AND stripe_subscription_id = '"
                + sub + "' ORDER BY id")) {
            Attempt a = byJournal.get(Long.parseLong(id));
            assertThat(a).as("journal row " + id + " belongs to an attempt").isNotNull();
            assertThat(a.result()).isEqualTo("DONE");
            expected = expected.after(a.edit());
        }
        SubscriptionSnapshot now = editor.open(sub, CancelSignal.NONE);
        assertThat(Effect.of(now.stripe())).as("Stripe's " + sub).isEqualTo(expected);
        assertThat(now.mirrorDifferences()).as("Postgres mirrors Stripe for " + sub).isEmpty();
        assertThat(strings(bench.admin, "SELECT u.subscription_tier FROM cascade_users u JOIN subscriptions s ON s.user_id = u.id "
                + "WHERE s.stripe_subscription_id = '" + sub + "'")).containsExactly(expected.tier());
    }

    private static void assertOneAuditPerDoneEditAndNothingElse(Bench bench, List<Attempt> attempts) {
        List<String> done = attempts.stream().filter(a -> a.result().equals("DONE")).map(a -> Long.toString(a.journalId())).sorted().toList();
        List<String> audited = new ArrayList<>(strings(bench.admin, "SELECT details->>'journal' FROM ops.audit_log"));
        Collections.sort(audited);
        assertThat(audited).as("one audit entry per DONE edit, none for the others").isEqualTo(done);
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests r JOIN ops.subscription_edit e "
                + "ON e.idempotency_key = r.idempotency_key WHERE e.state <> 'done' AND r.status = 200"))
                .as("no mutation Stripe applied for an edit that is not done").containsExactly("0");
        assertThat(strings(bench.admin, "SELECT count(*) FROM demo_stripe.requests WHERE method IN ('POST', 'DELETE') "
                + "AND status = 200 AND NOT replayed AND path <> '/v1/invoices/create_preview'"))
                .as("Stripe applied exactly the DONE edits").containsExactly(Integer.toString(done.size()));
        Map<Result, Long> perResult = new EnumMap<>(Result.class);
        attempts.stream().filter(a -> !a.result().startsWith("REFUSED"))
                .forEach(a -> perResult.merge(Result.valueOf(a.result()), 1L, Long::sum));
        assertThat(perResult.getOrDefault(Result.IN_FLIGHT, 0L)).as("the demo Stripe always answers").isZero();
    }

    private static Database pool(String url) {
        try {
            return new Database(PostgresAddress.parse(url), "CASCADE Ops", 16);
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
