package ai.cascade.ops.demo;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Venetian-style citizen names. {@link #username(int)} is a bijection from a user's index to a
 * name, so a million users get unique names without remembering the ones already given.
 */
final class VenetianNames {
    static final String[] FIRST = {
            "Marco", "Zuane", "Piero", "Alvise", "Nicolo", "Lorenzo", "Andrea", "Francesco", "Giacomo", "Domenego",
            "Antonio", "Bernardo", "Girolamo", "Lunardo", "Matteo", "Polo", "Tomaso", "Vettor", "Bortolo", "Isepo",
            "Anzolo", "Zorzi", "Battista", "Sebastian", "Marin", "Daniele", "Agostin", "Benetto", "Caterina", "Elena",
            "Lucia", "Marieta", "Chiara", "Cecilia", "Isabella", "Laura", "Bianca", "Orsola", "Agnesina", "Franceschina",
            "Paolina", "Veronica", "Giustina", "Cornelia", "Madalena", "Benedeta"};
    static final String[] FAMILY = {
            "Foscari", "Contarini", "Morosini", "Dandolo", "Barbarigo", "Grimani", "Mocenigo", "Loredan", "Venier",
            "Gradenigo", "Tiepolo", "Corner", "Pisani", "Badoer", "Bragadin", "Giustinian", "Zeno", "Falier", "Tron",
            "Priuli", "Dona", "Querini", "Michiel", "Memmo", "Sanudo", "Erizzo", "Malipiero", "Vendramin", "Gritti",
            "Soranzo", "Valier", "Barbaro", "Emo", "Civran", "Dolfin", "Foscarini", "Marcello", "Mula", "Zane",
            "Trevisan", "Lando", "Pesaro"};
    static final String[] OCCUPATION = {
            "Banker", "Merchant", "Glassblower", "Gondolier", "Senator", "Navigator", "Printer", "Spicer", "Weaver",
            "Shipwright", "Notary", "Painter", "Fisher", "Baker", "Cadet", "Consul", "Scholar", "Mason", "Jeweler",
            "Boatman", "Courier", "Lawyer", "Chandler", "Tanner", "Cartographer", "Musician", "Apothecary",
            "Silkmaker", "Lacemaker", "Architect"};

    /** Names outside the generated space (non-ASCII), so they can never collide with a generated one. */
    static final String[] UNICODE_USERNAMES = {"Zuàne_Bragadin", "Nicolò_Tron"};

    private static final int FIRST_FAMILY = FIRST.length * FAMILY.length;
    private static final int FAMILY_TRADE = FAMILY.length * OCCUPATION.length;
    /** Three styles: Marco_Foscari, Foscari_Banker, marco.foscari. */
    static final int COMBINATIONS = 2 * FIRST_FAMILY + FAMILY_TRADE;
    /** A prime: round r of the combinations gets a number that is distinct from every other round's. */
    private static final int NUMBERS = 10007;
    static final int CAPACITY = COMBINATIONS * (NUMBERS - 1);

    private final long seed;
    private final int[] order = new int[COMBINATIONS];

    VenetianNames(long seed) {
        this.seed = seed;
        SplittableRandom rnd = new SplittableRandom(DemoRandom.mix(seed ^ 0x5EEDL));
        for (int i = 0; i < COMBINATIONS; i++) order[i] = i;
        for (int i = COMBINATIONS - 1; i > 0; i--) {   // Fisher–Yates: each round uses every combination once, in a random order
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** The generated username of the user at {@code index} (0-based); unique for every index below {@link #CAPACITY}. */
    String username(int index) {
        int round = index / COMBINATIONS;
        int c = order[(int) ((index % COMBINATIONS + (long) round * 7919) % COMBINATIONS)];
        String number = round == 0 ? "" : Integer.toString(numberFor(c, round));
        if (c < FIRST_FAMILY)
            return FIRST[c / FAMILY.length] + "_" + FAMILY[c % FAMILY.length] + number;
        c -= FIRST_FAMILY;
        if (c < FAMILY_TRADE)
            return FAMILY[c / OCCUPATION.length] + "_" + OCCUPATION[c % OCCUPATION.length] + (number.isEmpty() ? "" : "_" + number);
        c -= FAMILY_TRADE;
        return (FIRST[c / FAMILY.length] + "." + FAMILY[c % FAMILY.length]).toLowerCase(Locale.ROOT) + number;
    }

    /** r ↦ (a·r + b) mod p is a bijection for a ≠ 0, so one combination never gets the same number twice. */
    private int numberFor(int combination, int round) {
        long h = DemoRandom.mix(seed + combination);
        long a = 1 + Long.remainderUnsigned(h, NUMBERS - 1);
        long b = Long.remainderUnsigned(h >>> 17, NUMBERS);
        return 1 + (int) ((a * round + b) % NUMBERS);
    }

    /** A Venice citizen's username as the Venice API spells it, e.g. Foscari_Banker. */
    static String citizen(SplittableRandom rnd) {
        return DemoRandom.pick(rnd, FAMILY) + "_" + DemoRandom.pick(rnd, OCCUPATION);
    }
}
