package ai.cascade.ops.demo;

import ai.cascade.ops.config.Tier;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import static ai.cascade.ops.demo.DatasetPlan.DAY;
import static ai.cascade.ops.demo.DatasetPlan.HOUR;

/**
 * The {@code subscriptions} rows: a paying user's current subscription (its status mirrored on the
 * user), sometimes an older canceled one, and an old canceled one for some users now on the free tier.
 */
final class SubscriptionRows {
    static final String TABLE = "subscriptions";
    static final String COLUMNS = "user_id, stripe_subscription_id, tier, amount, status, current_period_start, current_period_end, created_at";

    private record Period(long start, long end, long createdAt) {}

    private final DatasetPlan plan;
    private final UserRows users;
    private final Tier[] paid;

    SubscriptionRows(DatasetPlan plan, UserRows users) {
        this.plan = plan;
        this.users = users;
        this.paid = plan.paidTiers().toArray(Tier[]::new);
    }

    /** Writes user {@code i}'s subscriptions, oldest first so ids follow time. */
    int write(int i, CopyLine line) {
        UserRows.Account a = users.account(i);
        if (a.plan() == null && !a.former()) return 0;
        SplittableRandom rnd = DemoRandom.forRow(plan.seed(), DemoRandom.SUBSCRIPTIONS, i);
        if (a.plan() == null) {
            Tier was = DemoRandom.pick(rnd, paid);
            row(line, a, 0, was, "canceled", past(a, was, plan.now() - DAY, rnd), rnd);
            return 1;
        }
        Period current = current(a, rnd);
        int rows = 0;
        if (a.older()) {
            Tier was = DemoRandom.pick(rnd, paid);
            long end = current.createdAt() - DemoRandom.seconds(rnd, DAY, 60 * DAY);
            if (plus(end, was.interval(), -1) > a.createdAt()) {
                row(line, a, 0, was, "canceled", past(a, was, end, rnd), rnd);
                rows++;
            }
        }
        row(line, a, 1, a.plan(), a.planStatus(), current, rnd);
        return rows + 1;
    }

    private void row(CopyLine line, UserRows.Account a, int slot, Tier tier, String status, Period p, SplittableRandom rnd) {
        String id = DemoRandom.stripeId("sub_", plan.seed(), DemoRandom.SUBSCRIPTION_IDS, 2L * a.index() + slot, rnd);
        line.number(a.index() + 1L).text(id).text(tier.name()).number(tier.unitAmount()).text(status)
                .timestamp(p.start()).timestamp(p.end()).timestamp(p.createdAt()).end();
    }

    /** The subscription's current period and creation, by Stripe's rules per status, roughly. */
    private Period current(UserRows.Account a, SplittableRandom rnd) {
        long now = plan.now();
        String interval = a.plan().interval();
        if (a.expiringSoon()) {
            long start = plus(now + DemoRandom.seconds(rnd, 4 * DAY, 6 * DAY), interval, -1);
            return new Period(start, plus(start, interval, 1), a.createdAt() + DemoRandom.seconds(rnd, 0, start - a.createdAt() + 1));
        }
        return switch (a.planStatus()) {
            case "trialing", "incomplete", "incomplete_expired" -> firstPeriod(a, rnd);
            case "canceled" -> {
                long start = Math.max(plus(now - DemoRandom.seconds(rnd, HOUR, 90 * DAY), interval, -1), a.createdAt());
                yield new Period(start, plus(start, interval, 1), a.createdAt() + DemoRandom.seconds(rnd, 0, start - a.createdAt() + 1));
            }
            default -> renewing(a, rnd);
        };
    }

    /** A subscription still in its first period: a trial, or a first payment pending or given up (Stripe expires it after 23 h). */
    private Period firstPeriod(UserRows.Account a, SplittableRandom rnd) {
        long now = plan.now();
        boolean trial = a.planStatus().equals("trialing");
        long start = Math.max(a.createdAt(), switch (a.planStatus()) {
            case "trialing" -> now - DemoRandom.seconds(rnd, 0, 13 * DAY);
            case "incomplete" -> now - DemoRandom.seconds(rnd, 60, 20 * HOUR);
            default -> now - DemoRandom.seconds(rnd, DAY, 60 * DAY);
        });
        return new Period(start, trial ? start + 14 * DAY : plus(start, a.plan().interval(), 1), start);
    }

    /** Billed since its creation: the period that holds now, counted from the creation as Stripe's billing anchor. */
    private Period renewing(UserRows.Account a, SplittableRandom rnd) {
        long now = plan.now();
        String interval = a.plan().interval();
        long created = a.createdAt() + DemoRandom.seconds(rnd, 0, now - a.createdAt());
        int periods = 1;
        while (plus(created, interval, periods) <= now) periods++;
        return new Period(plus(created, interval, periods - 1), plus(created, interval, periods), created);
    }

    /**
     * A canceled subscription whose last period ended by {@code latestEnd}, never before the user existed;
     * for a user younger than one period, a subscription canceled during its first period.
     */
    private Period past(UserRows.Account a, Tier tier, long latestEnd, SplittableRandom rnd) {
        long latestStart = Math.max(a.createdAt(), plus(latestEnd, tier.interval(), -1));
        long start = a.createdAt() + DemoRandom.seconds(rnd, 0, latestStart - a.createdAt() + 1);
        long created = a.createdAt() + DemoRandom.seconds(rnd, 0, start - a.createdAt() + 1);
        return new Period(start, plus(start, tier.interval(), 1), created);
    }

    /** Calendar arithmetic in UTC: a month is a calendar month, as Stripe bills it. */
    static long plus(long epochSecond, String interval, int count) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        LocalDateTime moved = switch (interval == null ? "month" : interval) {
            case "day" -> t.plusDays(count);
            case "week" -> t.plusWeeks(count);
            case "year" -> t.plusYears(count);
            default -> t.plusMonths(count);
        };
        return moved.toEpochSecond(ZoneOffset.UTC);
    }
}
