package ai.cascade.ops.billing;

import com.google.gson.JsonObject;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A subscription's billing state as one side records it: Postgres' mirror (backend columns plus Ops' own
 * {@code ops.subscription_state}) or Stripe. Times are UTC. The same shape on both sides lets a conflict, a
 * drift and an audit entry say exactly which fields differ.
 */
public record PlanState(String tier, String priceId, Integer amount, String currency, String status,
                        LocalDateTime periodStart, LocalDateTime periodEnd, boolean cancelAtPeriodEnd, String pauseBehavior) {

    /** One differing field: its name and both values as shown to a person. */
    public record Difference(String field, String mine, String theirs) {
        @Override public String toString() { return field + ": " + mine + " → " + theirs; }
    }

    /**
     * The fields in which {@code other} differs from this. {@code tier}, {@code priceId} and {@code currency} count
     * only when both sides know them (the backend has no price column; an unconfigured price has no tier).
     */
    public List<Difference> differences(PlanState other) {
        List<Difference> out = new ArrayList<>();
        // a price the configuration does not know has no tier name: the price comparison speaks for it
        if (tier != null && other.tier != null) add(out, "tier", tier, other.tier);
        if (priceId != null && other.priceId != null) add(out, "price", priceId, other.priceId);
        add(out, "amount", amount, other.amount);
        if (currency != null && other.currency != null) add(out, "currency", currency, other.currency);
        add(out, "status", status, other.status);
        add(out, "period start", periodStart, other.periodStart);
        add(out, "period end", periodEnd, other.periodEnd);
        add(out, "cancel at period end", cancelAtPeriodEnd, other.cancelAtPeriodEnd);
        add(out, "paused collection", pauseBehavior, other.pauseBehavior);
        return out;
    }

    private static void add(List<Difference> out, String field, Object mine, Object theirs) {
        if (!Objects.equals(mine, theirs)) out.add(new Difference(field, shown(mine), shown(theirs)));
    }

    private static String shown(Object v) {
        return v == null ? "—" : v.toString();
    }

    /** The audit's "before"/"after" form. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("tier", tier);
        o.addProperty("price", priceId);
        o.addProperty("amount", amount);
        o.addProperty("currency", currency);
        o.addProperty("status", status);
        o.addProperty("current_period_start", periodStart == null ? null : periodStart.toString());
        o.addProperty("current_period_end", periodEnd == null ? null : periodEnd.toString());
        o.addProperty("cancel_at_period_end", cancelAtPeriodEnd);
        o.addProperty("pause_collection", pauseBehavior);
        return o;
    }
}
