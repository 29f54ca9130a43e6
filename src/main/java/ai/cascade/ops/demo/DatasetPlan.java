package ai.cascade.ops.demo;

import ai.cascade.ops.config.Tier;

import java.time.Instant;
import java.util.List;

/**
 * What every table's rows are drawn from: the seed, the number of users, the clock the data is
 * relative to (epoch seconds, UTC) and the tiers from the configuration.
 */
record DatasetPlan(long seed, int users, long now, String freeTier, List<Tier> paidTiers, VenetianNames names) {
    static final long HOUR = 3600, DAY = 24 * HOUR;
    /** Below this the quirky records (one of each kind) would crowd out the ordinary ones. */
    static final int MIN_USERS = 100;

    static DatasetPlan of(long seed, int users, Instant now, List<Tier> tiers) {
        if (users < MIN_USERS || users > VenetianNames.CAPACITY)
            throw new IllegalArgumentException("The demo needs between " + MIN_USERS + " and " + VenetianNames.CAPACITY
                    + " users; got " + users + ".");
        List<Tier> paid = tiers.stream().filter(t -> !t.isFree()).toList();
        if (paid.isEmpty())
            throw new IllegalArgumentException("The demo needs at least one paid tier (a tier with a Stripe price id).");
        String free = tiers.stream().filter(Tier::isFree).map(Tier::name).findFirst().orElse("observer");
        return new DatasetPlan(seed, users, now.getEpochSecond(), free, paid, new VenetianNames(seed));
    }
}
