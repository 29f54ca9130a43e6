package ai.cascade.ops.demo;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code consciousness_patterns} rows: enriched Venice data cached for 300 s. Cached within the
 * last 500 s, so about 40 % have already expired, as a busy cache looks.
 */
final class PatternRows {
    static final String TABLE = "consciousness_patterns";
    static final String COLUMNS = "pattern_type, venice_source, pattern_data, cached_at, expires_at";
    static final long LIFETIME = 300;
    static final String[] TYPES = {"mood_cycle", "trade_route", "guild_alliance", "social_mobility", "land_speculation", "relationship_web"};

    private static final String[] MOODS = {"hopeful", "content", "anxious", "ambitious", "melancholic", "furious"};
    private static final String[] PLACES = {"Rialto", "Arsenale", "San Marco", "Cannaregio", "Dorsoduro", "Murano", "Giudecca", "Castello"};
    private static final String[] GOODS = {"glass", "silk", "spices", "salt", "timber", "wine", "books"};
    private static final String[] GUILDS = {"Arte dei Vetrai", "Arte della Seta", "Arte dei Squerarioli", "Arte degli Speziali", "Arte dei Stampadori"};
    private static final String[] CLASSES = {"Facchini", "Popolani", "Cittadini", "Mercatores", "Nobili"};

    private final DatasetPlan plan;

    PatternRows(DatasetPlan plan) {
        this.plan = plan;
    }

    /** About one pattern per 50 users, never fewer than 50. */
    int count() {
        return Math.max(50, plan.users() / 50);
    }

    int write(int k, CopyLine line) {
        SplittableRandom rnd = DemoRandom.forRow(plan.seed(), DemoRandom.PATTERNS, k);
        String type = DemoRandom.pick(rnd, TYPES);
        String citizen = VenetianNames.citizen(rnd);
        double where = rnd.nextDouble();
        String source = where < 0.8 ? "citizens/" + citizen
                : where < 0.9 ? "get-ledger?citizenUsername=" + citizen : "activities?citizenId=" + citizen;
        long age = switch (k) {     // the first two make sure both kinds exist in a small set
            case 0 -> 30;
            case 1 -> LIFETIME + 60;
            default -> DemoRandom.seconds(rnd, 0, 500);
        };
        long cachedAt = plan.now() - age;
        line.text(type).text(source).text(data(type, citizen, rnd)).timestamp(cachedAt).timestamp(cachedAt + LIFETIME).end();
        return 1;
    }

    private static String data(String type, String citizen, SplittableRandom rnd) {
        return switch (type) {
            case "mood_cycle" -> String.format(Locale.ROOT, "{\"citizen\": \"%s\", \"mood\": \"%s\", \"intensity\": %.2f, \"samples\": %d}",
                    citizen, DemoRandom.pick(rnd, MOODS), rnd.nextDouble(), 3 + rnd.nextInt(60));
            case "trade_route" -> String.format(Locale.ROOT, "{\"merchant\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"goods\": \"%s\", \"volumeDucats\": %d}",
                    citizen, DemoRandom.pick(rnd, PLACES), DemoRandom.pick(rnd, PLACES), DemoRandom.pick(rnd, GOODS), 100 + rnd.nextInt(20_000));
            case "guild_alliance" -> String.format(Locale.ROOT, "{\"guild\": \"%s\", \"members\": %d, \"strength\": %.2f, \"leader\": \"%s\"}",
                    DemoRandom.pick(rnd, GUILDS), 3 + rnd.nextInt(40), rnd.nextDouble(), citizen);
            case "social_mobility" -> String.format(Locale.ROOT, "{\"citizen\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"days\": %d}",
                    citizen, DemoRandom.pick(rnd, CLASSES), DemoRandom.pick(rnd, CLASSES), 1 + rnd.nextInt(120));
            case "land_speculation" -> String.format(Locale.ROOT, "{\"buyer\": \"%s\", \"district\": \"%s\", \"parcels\": %d, \"priceTrend\": %.3f}",
                    citizen, DemoRandom.pick(rnd, PLACES), 1 + rnd.nextInt(8), rnd.nextDouble() * 0.4 - 0.2);
            default -> String.format(Locale.ROOT, "{\"citizen\": \"%s\", \"strongest\": [\"%s\", \"%s\"], \"trust\": %.2f}",
                    citizen, VenetianNames.citizen(rnd), VenetianNames.citizen(rnd), rnd.nextDouble());
        };
    }
}
