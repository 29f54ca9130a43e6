package ai.cascade.ops.billing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the drift check found: how many subscriptions each side holds, and every way Postgres' mirror differs from
 * Stripe (the system of record). At most {@code kept} drifts are listed; {@code total} and {@code byKind} count all.
 */
public record DriftReport(Instant when, int stripeCount, int postgresCount, List<Drift> drifts, int total, Map<Kind, Integer> byKind) {

    /** How a subscription drifted. */
    public enum Kind {
        DIFFERENT("different"),
        MISSING_IN_POSTGRES("missing in Postgres"),
        MISSING_IN_STRIPE("missing in Stripe"),
        NO_STRIPE_ID("no Stripe id");

        private final String label;

        Kind(String label) { this.label = label; }

        @Override public String toString() { return label; }
    }

    /**
     * One subscription whose two sides disagree. {@code differences} are Postgres → Stripe; a side that has no such
     * subscription is null. {@code username} and {@code userId} come from Postgres (null when only Stripe has it).
     */
    public record Drift(Kind kind, String stripeSubscriptionId, String username, Integer userId,
                        List<PlanState.Difference> differences, PlanState postgres, PlanState stripe) {
        public Drift {
            differences = List.copyOf(differences);
        }

        /**
         * Only a subscription both sides have can be adopted: Ops never deletes the backend's rows, nor inserts them
         * (the backend's webhook creates a subscription's row).
         */
        public boolean adoptable() {
            return kind == Kind.DIFFERENT;
        }

        /** What differs, as a person reads it: "status: active → canceled; tier: citizen → merchant". */
        public String describe() {
            return switch (kind) {
                case DIFFERENT -> differences.stream().map(PlanState.Difference::toString).collect(Collectors.joining("; "));
                case MISSING_IN_POSTGRES -> "only in Stripe (" + outline(stripe) + ")";
                case MISSING_IN_STRIPE -> "only in Postgres (" + outline(postgres) + ")";
                case NO_STRIPE_ID -> "Postgres row without a Stripe subscription id (" + outline(postgres) + ")";
            };
        }

        private static String outline(PlanState p) {
            return (p.tier() == null ? "unknown tier" : p.tier()) + ", " + (p.status() == null ? "no status" : p.status());
        }
    }

    public DriftReport {
        drifts = List.copyOf(drifts);
        byKind = Map.copyOf(byKind);
    }

    /** True when more drifts were found than listed. */
    public boolean capped() {
        return total > drifts.size();
    }

    public int count(Kind kind) {
        return byKind.getOrDefault(kind, 0);
    }

    /** Collects drifts as they are found, keeping the first {@code cap} and counting all. */
    static final class Collector {
        private final int cap;
        private final List<Drift> kept = new ArrayList<>();
        private final Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
        private int total;

        Collector(int cap) {
            this.cap = cap;
        }

        void add(Drift d) {
            total++;
            byKind.merge(d.kind(), 1, Integer::sum);
            if (kept.size() < cap) kept.add(d);
        }

        /** The report, drifts grouped by kind and then by subscription id, so two runs list them alike. */
        DriftReport report(Instant when, int stripeCount, int postgresCount) {
            List<Drift> sorted = new ArrayList<>(kept);
            sorted.sort(Comparator.comparing(Drift::kind).thenComparing(Drift::stripeSubscriptionId,
                    Comparator.nullsFirst(Comparator.naturalOrder())));
            return new DriftReport(when, stripeCount, postgresCount, sorted, total, byKind);
        }
    }
}
