package ai.cascade.ops.demo;

import ai.cascade.ops.config.Tier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static ai.cascade.ops.demo.DatasetPlan.DAY;
import static ai.cascade.ops.demo.DatasetPlan.HOUR;

/**
 * The {@code cascade_users} rows. A user's account (tier, status, dates) is decided from its own
 * random stream, so the subscriptions pass can decide it again instead of keeping a million in memory.
 */
final class UserRows {
    static final String TABLE = "cascade_users";
    static final String COLUMNS = "id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status, "
            + "last_login, created_at, metadata";
    /** Stripe's subscription statuses, each present at least once. */
    static final String[] STATUSES = {"incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused"};
    private static final double[] STATUS_WEIGHTS = {3, 2, 8, 72, 5, 4, 3, 3};
    /** A tier the backend once sold and the configuration no longer knows. */
    static final Tier LEGACY = new Tier("legacy_gold", "price_legacy_gold", "month", "eur", 4900);

    private static final String[] DOMAINS = {"gmail.com", "libero.it", "proton.me", "outlook.com", "venezia.it", "tin.it", "icloud.com"};
    private static final String[] LOCALES = {"it", "en", "de", "fr", "es"};
    private static final double[] LOCALE_WEIGHTS = {55, 25, 8, 7, 5};
    private static final String[] SOURCES = {"web", "ios", "android", "referral", "venice-launcher"};

    /** Records that break the happy path on purpose (DATA-MODEL.md: real data is messier). */
    enum Quirk { STATUS, TIER, EXPIRING_SOON, NULL_STATUS, LEGACY_TIER, NULL_EMAIL, UNICODE_NAME, METADATA_STRING, METADATA_ARRAY }

    record Special(Quirk quirk, int variant) {}

    /**
     * A user before any text is made. {@code plan} is the current subscription's tier (null when
     * none), {@code former} a free user with an old canceled subscription, {@code older} a paying user with one.
     */
    record Account(int index, long createdAt, long lastLogin, String tier, String status, Tier plan, String planStatus,
                   boolean expiringSoon, boolean former, boolean older, boolean customer, Special special) {}

    private final DatasetPlan plan;
    private final double[] tierWeights;
    private final Map<Integer, Special> specials = new HashMap<>();

    UserRows(DatasetPlan plan) {
        this.plan = plan;
        this.tierWeights = new double[plan.paidTiers().size()];
        for (int t = 0; t < tierWeights.length; t++) tierWeights[t] = Math.pow(0.55, t);  // cheaper tiers sell more
        placeSpecials();
    }

    /** Spreads the special records evenly over the ids, so they are not all on the first page. */
    private void placeSpecials() {
        List<Special> list = new ArrayList<>();
        for (int v = 0; v < STATUSES.length; v++) list.add(new Special(Quirk.STATUS, v));
        for (int v = 0; v < plan.paidTiers().size(); v++) list.add(new Special(Quirk.TIER, v));
        for (Quirk q : List.of(Quirk.EXPIRING_SOON, Quirk.NULL_STATUS, Quirk.LEGACY_TIER, Quirk.UNICODE_NAME))
            for (int v = 0; v < 2; v++) list.add(new Special(q, v));
        for (Quirk q : List.of(Quirk.NULL_EMAIL, Quirk.METADATA_STRING, Quirk.METADATA_ARRAY)) list.add(new Special(q, 0));
        int n = list.size();
        for (int k = 0; k < n; k++) specials.put((int) ((2L * k + 1) * plan.users() / (2L * n)), list.get(k));
    }

    /** The user's account; the number of draws is fixed, so every pass decides the same. */
    Account account(int i) {
        SplittableRandom rnd = DemoRandom.forRow(plan.seed(), DemoRandom.USERS, i);
        long now = plan.now();
        long age = HOUR + (long) (Math.pow(rnd.nextDouble(), 1.4) * 730 * DAY);   // more sign-ups lately
        long lastLoginDraw = DemoRandom.seconds(rnd, 0, Math.min(age, 90 * DAY));
        boolean neverBack = rnd.nextDouble() < 0.07;
        boolean paying = rnd.nextDouble() < 0.30;
        Tier tier = plan.paidTiers().get(DemoRandom.weighted(rnd, tierWeights));
        String status = STATUSES[DemoRandom.weighted(rnd, STATUS_WEIGHTS)];
        boolean older = rnd.nextDouble() < 0.20;
        boolean former = rnd.nextDouble() < 0.08;
        boolean abandonedCheckout = rnd.nextDouble() < 0.10;
        long lastLogin = neverBack ? CopyLine.NO_TIME : now - lastLoginDraw;
        Special special = specials.get(i);
        if (special != null) return special(i, now - Math.max(age, 400 * DAY), lastLogin, special);
        if (paying) return new Account(i, now - age, lastLogin, mirroredTier(tier, status), status, tier, status, false, false, older, true, null);
        return new Account(i, now - age, lastLogin, plan.freeTier(), former ? "canceled" : null, null, null,
                false, former, false, former || abandonedCheckout, null);
    }

    private Account special(int i, long created, long lastLogin, Special s) {
        List<Tier> paid = plan.paidTiers();
        Tier first = paid.get(0);
        return switch (s.quirk()) {
            case STATUS -> {
                String st = STATUSES[s.variant()];
                yield new Account(i, created, lastLogin, mirroredTier(first, st), st, first, st, false, false, false, true, s);
            }
            case TIER -> {
                Tier t = paid.get(s.variant());
                yield new Account(i, created, lastLogin, t.name(), "active", t, "active", false, false, false, true, s);
            }
            case EXPIRING_SOON -> new Account(i, created, lastLogin, first.name(), "active", first, "active", true, false, false, true, s);
            case NULL_STATUS -> new Account(i, created, lastLogin, first.name(), null, first, "active", false, false, false, true, s);
            case LEGACY_TIER -> new Account(i, created, lastLogin, LEGACY.name(), "active", LEGACY, "active", false, false, false, true, s);
            case UNICODE_NAME -> s.variant() == 0
                    ? new Account(i, created, lastLogin, first.name(), "active", first, "active", false, false, false, true, s)
                    : free(i, created, lastLogin, s);
            case NULL_EMAIL, METADATA_STRING, METADATA_ARRAY -> free(i, created, lastLogin, s);
        };
    }

    /** A subscription that ended or never started leaves its user on the free tier, as the backend's webhook does. */
    private String mirroredTier(Tier tier, String status) {
        return status.equals("canceled") || status.equals("incomplete_expired") ? plan.freeTier() : tier.name();
    }

    private Account free(int i, long created, long lastLogin, Special s) {
        return new Account(i, created, lastLogin, plan.freeTier(), null, null, null, false, false, false, false, s);
    }

    String username(int i) {
        Special s = specials.get(i);
        if (s != null && s.quirk() == Quirk.UNICODE_NAME) return VenetianNames.UNICODE_USERNAMES[s.variant()];
        return plan.names().username(i);
    }

    /** Writes user {@code i} with id {@code i + 1}. */
    int write(int i, CopyLine line) {
        Account a = account(i);
        SplittableRandom rnd = DemoRandom.forRow(plan.seed(), DemoRandom.USER_TEXT, i);
        String name = username(i);
        String customer = a.customer() ? DemoRandom.stripeId("cus_", plan.seed(), DemoRandom.CUSTOMER_IDS, i, rnd) : null;
        line.number(i + 1L).text(name).text(email(a, name, rnd)).text(customer).text(a.tier()).text(a.status())
                .timestamp(a.lastLogin()).timestamp(a.createdAt()).text(metadata(a, rnd)).end();
        return 1;
    }

    private static String email(Account a, String name, SplittableRandom rnd) {
        double r = rnd.nextDouble();
        String domain = DemoRandom.pick(rnd, DOMAINS);
        if (r < 0.04 || a.special() != null && a.special().quirk() == Quirk.NULL_EMAIL) return null;
        String local = name.replace('_', '.');
        if (r > 0.94) return local + "@" + Character.toUpperCase(domain.charAt(0)) + domain.substring(1);  // typed by hand
        return local.toLowerCase(Locale.ROOT) + "@" + domain;
    }

    private static String metadata(Account a, SplittableRandom rnd) {
        if (a.special() != null && a.special().quirk() == Quirk.METADATA_STRING) return "\"imported from cascade v1\"";
        if (a.special() != null && a.special().quirk() == Quirk.METADATA_ARRAY) return "[\"beta\", \"early_access\"]";
        double r = rnd.nextDouble();
        if (r < 0.05) return null;
        if (r < 0.08) return "{}";
        StringBuilder json = new StringBuilder(96).append("{\"locale\": \"")
                .append(LOCALES[DemoRandom.weighted(rnd, LOCALE_WEIGHTS)])
                .append("\", \"source\": \"").append(DemoRandom.pick(rnd, SOURCES)).append('"');
        if (rnd.nextDouble() < 0.10) json.append(", \"referrer\": \"").append(VenetianNames.citizen(rnd)).append('"');
        if (rnd.nextDouble() < 0.20) json.append(", \"newsletter\": true");
        if (rnd.nextDouble() < 0.15) json.append(", \"theme\": \"dark\"");
        return json.append('}').toString();
    }
}
