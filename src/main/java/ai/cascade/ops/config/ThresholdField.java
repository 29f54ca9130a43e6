package ai.cascade.ops.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One field of {@link CheckThresholds} as the thresholds dialog shows it: label, unit, hint, allowed range, and the
 * parsing and formatting of its text. Plain Java, so the rules are tested without a window. Values travel as
 * {@code double} in the record's own unit (bytes for bloat): every allowed value is below 2^53, so none is rounded.
 */
public enum ThresholdField {
    CONNECTIONS_WARN(Group.POSTGRES_LIVE, "Connections, warning", Unit.PERCENT, false, 0, 100,
            "Postgres connections as a share of max_connections; amber from here", CheckThresholds::connectionsWarnPercent),
    CONNECTIONS_CRITICAL(Group.POSTGRES_LIVE, "Connections, critical", Unit.PERCENT, false, 0, 100,
            "Postgres connections as a share of max_connections; red from here", CheckThresholds::connectionsCriticalPercent),
    LONG_RUNNING(Group.POSTGRES_LIVE, "Long-running query", Unit.SECONDS, true, 1, 604_800,
            "a query running longer than this is long-running", CheckThresholds::longRunningSeconds),
    IDLE_IN_TRANSACTION(Group.POSTGRES_LIVE, "Idle in transaction", Unit.SECONDS, false, 1, 604_800,
            "a session idle inside an open transaction longer than this holds locks and blocks vacuum",
            CheckThresholds::idleInTransactionSeconds),
    BLOCKED_CRITICAL(Group.POSTGRES_LIVE, "Blocked query, critical", Unit.SECONDS, false, 1, 604_800,
            "a query waiting for a lock longer than this is critical (any wait at all is a warning)",
            CheckThresholds::blockedCriticalSeconds),
    CACHE_HIT_RATE(Group.POSTGRES_LIVE, "Cache hit rate", Unit.PERCENT_DECIMAL, true, 0, 100,
            "buffer cache hit rate below this turns the check red", CheckThresholds::cacheHitRatePercent),
    XID_WARN(Group.POSTGRES_LIVE, "Transaction ids left, warning", Unit.IDS, false, 1, 2_147_483_647L,
            "transaction ids left before wraparound: fewer than this is amber", CheckThresholds::xidWarnRemaining),
    XID_CRITICAL(Group.POSTGRES_LIVE, "Transaction ids left, critical", Unit.IDS, true, 1, 2_147_483_647L,
            "transaction ids left before wraparound: fewer than this is red", CheckThresholds::xidCriticalRemaining),
    REPLICATION_LAG_WARN(Group.POSTGRES_LIVE, "Replication lag, warning", Unit.SECONDS, false, 1, 604_800,
            "a replica this far behind is amber", CheckThresholds::replicationLagWarnSeconds),
    REPLICATION_LAG_CRITICAL(Group.POSTGRES_LIVE, "Replication lag, critical", Unit.SECONDS, false, 1, 604_800,
            "a replica this far behind is red", CheckThresholds::replicationLagCriticalSeconds),

    UNUSED_INDEX_MAX_SCANS(Group.POSTGRES_MAINTENANCE, "Unused index", Unit.SCANS, true, 0, 1_000_000_000L,
            "an index scanned at most this often since statistics were reset is unused", CheckThresholds::unusedIndexMaxScans),
    MISSING_INDEX_MIN_ROWS(Group.POSTGRES_MAINTENANCE, "Missing index, table size", Unit.ROWS, true, 0, 1_000_000_000_000L,
            "a table this big (estimated rows) whose scans rarely use an index misses one", CheckThresholds::missingIndexMinRows),
    MISSING_INDEX_USE(Group.POSTGRES_MAINTENANCE, "Missing index, index use", Unit.PERCENT, true, 0, 100,
            "such a table's scans using an index less than this share of the time miss an index",
            CheckThresholds::missingIndexUsePercent),
    BLOAT_MIN(Group.POSTGRES_MAINTENANCE, "Bloat", Unit.MEGABYTES, true, 1, 1_048_576,
            "estimated wasted space per table or index before it is reported as bloated (1 MB = 1,048,576 bytes)",
            CheckThresholds::bloatMinBytes),
    DEAD_TUPLE_PERCENT(Group.POSTGRES_MAINTENANCE, "Dead rows, share", Unit.PERCENT, false, 0, 1_000,
            "dead rows as a share of live ones before a table needs vacuum (may exceed 100)", CheckThresholds::deadTuplePercent),
    DEAD_TUPLE_MIN_ROWS(Group.POSTGRES_MAINTENANCE, "Dead rows, at least", Unit.ROWS, false, 0, 1_000_000_000_000L,
            "and at least this many dead rows, so small tables are left alone", CheckThresholds::deadTupleMinRows),
    SEQUENCE_DANGER(Group.POSTGRES_MAINTENANCE, "Sequence danger", Unit.PERCENT, true, 0, 100,
            "a sequence or integer key past this share of its type's maximum", CheckThresholds::sequenceDangerPercent),

    REDIS_MEMORY_WARN(Group.REDIS, "Redis memory, warning", Unit.PERCENT, false, 0, 100,
            "memory used as a share of maxmemory; amber from here", CheckThresholds::redisMemoryWarnPercent),
    REDIS_MEMORY_CRITICAL(Group.REDIS, "Redis memory, critical", Unit.PERCENT, false, 0, 100,
            "memory used as a share of maxmemory; red from here", CheckThresholds::redisMemoryCriticalPercent),
    REDIS_HIT_RATE_WARN(Group.REDIS, "Redis hit rate, warning", Unit.PERCENT_DECIMAL, false, 0, 100,
            "keyspace hit rate over the sampled interval below which the caches are not working",
            CheckThresholds::redisHitRateWarnPercent),

    SLOW_ANSWER(Group.VENICE_STRIPE, "Slow answer", Unit.MILLISECONDS, false, 1, 600_000,
            "Venice or Stripe answering slower than this is degraded", CheckThresholds::slowAnswerMillis);

    /** The dialog's sections, in order. */
    public enum Group {
        POSTGRES_LIVE("Postgres: live"), POSTGRES_MAINTENANCE("Postgres: maintenance"), REDIS("Redis"),
        VENICE_STRIPE("Venice and Stripe");

        private final String title;

        Group(String title) { this.title = title; }

        public String title() { return title; }
    }

    /** What a number means; {@code perStored} converts the shown unit into the record's (MB shown, bytes kept). */
    enum Unit {
        PERCENT("%", false, 1), PERCENT_DECIMAL("%", true, 1), SECONDS("s", false, 1), MILLISECONDS("ms", false, 1),
        IDS("ids", false, 1), SCANS("scans", false, 1), ROWS("rows", false, 1), MEGABYTES("MB", true, 1024 * 1024);

        final String symbol;
        final boolean decimal;
        final long perStored;

        Unit(String symbol, boolean decimal, long perStored) {
            this.symbol = symbol;
            this.decimal = decimal;
            this.perStored = perStored;
        }
    }

    /** A text read as a value in the record's unit, or the sentence that says why it cannot be. */
    public record Reading(double value, String problem) {
        public boolean ok() { return problem == null; }

        static Reading of(double value) { return new Reading(value, null); }

        static Reading problem(String sentence) { return new Reading(Double.NaN, sentence); }
    }

    private final Group group;
    private final String label;
    private final Unit unit;
    private final boolean pghero;
    private final BigDecimal min;
    private final BigDecimal max;
    private final String hint;
    private final ToDoubleFunction<CheckThresholds> value;

    ThresholdField(Group group, String label, Unit unit, boolean pghero, long min, long max, String hint,
                   ToDoubleFunction<CheckThresholds> value) {
        this.group = group;
        this.label = label;
        this.unit = unit;
        this.pghero = pghero;
        this.min = BigDecimal.valueOf(min);
        this.max = BigDecimal.valueOf(max);
        this.hint = hint;
        this.value = value;
    }

    public Group group() { return group; }

    public String label() { return label; }

    /** The unit shown after the field: %, s, ms, MB, ids, scans, rows. */
    public String unit() { return unit.symbol; }

    /** One line on what the threshold means, from CheckThresholds' documentation. */
    public String hint() { return hint; }

    /** Whether the default is pghero's own (otherwise it is CASCADE Ops' choice). */
    public boolean pgheroDefault() { return pghero; }

    /** Accepts a decimal fraction (99.5) rather than only whole numbers. */
    public boolean decimal() { return unit.decimal; }

    /** A stable node id for the field, e.g. {@code threshold-long-running}. */
    public String id() { return "threshold-" + name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** The value in {@code t}, in the record's unit. */
    public double valueIn(CheckThresholds t) { return value.applyAsDouble(t); }

    public double smallest() { return min.multiply(BigDecimal.valueOf(unit.perStored)).doubleValue(); }

    public double largest() { return max.multiply(BigDecimal.valueOf(unit.perStored)).doubleValue(); }

    /** The default beside the field: "pghero: 99" or "default: 70". */
    public String defaultNote(Locale locale) {
        return (pghero ? "pghero: " : "default: ") + format(valueIn(CheckThresholds.defaults()), locale) + " " + unit.symbol;
    }

    /**
     * The value (in the record's unit) as the field shows it: the shown unit, ASCII digits, the locale's decimal and
     * grouping separators when {@link #parse} knows them, and every digit needed to read it back exactly.
     */
    public String format(double stored, Locale locale) {
        if (!Double.isFinite(stored)) return "";   // only a hand-edited settings file holds one; the empty field then says why
        BigDecimal shown = unit.perStored == 1 ? (unit.decimal ? BigDecimal.valueOf(stored) : BigDecimal.valueOf((long) stored))
                : BigDecimal.valueOf((long) stored).divide(BigDecimal.valueOf(unit.perStored));   // exact: a power of two
        String plain = shown.stripTrailingZeros().toPlainString();
        boolean negative = plain.startsWith("-");
        if (negative) plain = plain.substring(1);
        int dot = plain.indexOf('.');
        String whole = dot < 0 ? plain : plain.substring(0, dot);
        String fraction = dot < 0 ? "" : plain.substring(dot + 1);
        char grouping = groupingOf(locale);
        StringBuilder out = new StringBuilder(negative ? "-" : "");
        for (int i = 0; i < whole.length(); i++) {
            if (grouping != 0 && whole.length() > 3 && i > 0 && (whole.length() - i) % 3 == 0) out.append(grouping);
            out.append(whole.charAt(i));
        }
        if (!fraction.isEmpty()) out.append(decimalOf(locale)).append(fraction);
        return out.toString();
    }

    /**
     * Reads what was typed: "99.5" and "99,5", grouped "10,000", "10.000" or "10 000", a trailing unit ("60 s", "99 %").
     * A lone separator before exactly three digits groups thousands in a whole-number field, or where it is the
     * locale's grouping separator; otherwise it is the decimal point. Never throws: a problem comes back as a sentence
     * naming this field.
     */
    public Reading parse(String text, Locale locale) {
        String typed = text == null ? "" : text.strip();
        if (typed.isEmpty()) return Reading.problem(label + ": enter a number (" + defaultNote(locale) + ").");
        BigDecimal shown = number(typed, locale);
        if (shown == null)
            return Reading.problem(label + ": \"" + shorten(typed) + "\" is not a number; enter e.g. " + format(valueIn(CheckThresholds.defaults()), locale) + ".");
        if (!unit.decimal && shown.stripTrailingZeros().scale() > 0)
            return Reading.problem(label + " must be a whole number of " + unitWords() + ".");
        if (shown.compareTo(min) < 0 || shown.compareTo(max) > 0)
            return Reading.problem(label + " must be between " + format(smallest(), locale) + " and " + format(largest(), locale)
                    + " " + unit.symbol + " (you entered " + shorten(typed) + ").");
        BigDecimal stored = shown.multiply(BigDecimal.valueOf(unit.perStored));
        return Reading.of(unit.decimal && unit.perStored == 1 ? stored.doubleValue() : stored.setScale(0, RoundingMode.HALF_UP).doubleValue());
    }

    private String unitWords() {
        return switch (unit) {
            case PERCENT, PERCENT_DECIMAL -> "percent";
            case SECONDS -> "seconds";
            case MILLISECONDS -> "milliseconds";
            case MEGABYTES -> "megabytes";
            default -> unit.symbol;
        };
    }

    private static String shorten(String typed) {
        return typed.length() <= 24 ? typed : typed.substring(0, 24) + "…";
    }

    /** The number in {@code typed}, or null when it is not one. */
    private BigDecimal number(String typed, Locale locale) {
        String s = typed.replace('\u2212', '-');
        if (s.regionMatches(true, Math.max(0, s.length() - unit.symbol.length()), unit.symbol, 0, unit.symbol.length()))
            s = s.substring(0, s.length() - unit.symbol.length());
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '_' || c == '\'' || c == '\u2019') continue;
            if (Character.isDigit(c)) kept.append((char) ('0' + Character.digit(c, 10)));
            else if (c == '.' || c == ',' || ((c == '-' || c == '+') && kept.isEmpty())) kept.append(c);
            else return null;
        }
        String n = kept.toString();
        String sign = n.startsWith("-") ? "-" : "";
        if (n.startsWith("-") || n.startsWith("+")) n = n.substring(1);
        char decimal = decimalSeparator(n, locale);
        int at = decimal == 0 ? -1 : n.lastIndexOf(decimal);
        String whole = at < 0 ? n : n.substring(0, at);
        String fraction = at < 0 ? "" : n.substring(at + 1);
        if (!fraction.chars().allMatch(Character::isDigit) || (whole.isEmpty() && fraction.isEmpty())) return null;
        String digits = ungrouped(whole);
        if (digits == null) return null;
        return new BigDecimal(sign + (digits.isEmpty() ? "0" : digits) + (fraction.isEmpty() ? "" : "." + fraction));
    }

    /** Which of '.' and ',' is the decimal point in {@code n}, or 0 when both only group thousands (or neither occurs). */
    private char decimalSeparator(String n, Locale locale) {
        int dot = n.lastIndexOf('.'), comma = n.lastIndexOf(',');
        if (dot >= 0 && comma >= 0) return dot > comma ? '.' : ',';
        char only = dot >= 0 ? '.' : comma >= 0 ? ',' : 0;
        if (only == 0 || n.indexOf(only) != n.lastIndexOf(only)) return 0;
        int at = n.indexOf(only);
        boolean looksGrouped = n.length() - at - 1 == 3 && at >= 1 && at <= 3;
        return looksGrouped && (!unit.decimal || only == groupingOf(locale)) ? 0 : only;
    }

    /** The digits of a whole part grouped by thousands ("100,000,000"), or null when the groups are not of three. */
    private static String ungrouped(String whole) {
        String[] groups = whole.split("[.,]", -1);
        if (groups.length == 1) return whole.chars().allMatch(Character::isDigit) ? whole : null;
        if (groups[0].isEmpty() || groups[0].length() > 3) return null;
        for (int i = 1; i < groups.length; i++) if (groups[i].length() != 3) return null;
        String digits = String.join("", groups);
        return digits.chars().allMatch(Character::isDigit) ? digits : null;
    }

    private static char decimalOf(Locale locale) {
        char c = DecimalFormatSymbols.getInstance(locale).getDecimalSeparator();
        return c == ',' ? ',' : '.';
    }

    /** The locale's thousands separator when parse() can read it back, else 0 (no grouping). */
    private static char groupingOf(Locale locale) {
        char c = DecimalFormatSymbols.getInstance(locale).getGroupingSeparator();
        return c == decimalOf(locale) ? 0 : switch (c) {
            case ',', '.', '\'', '\u2019', ' ', '\u00a0', '\u202f' -> c;
            default -> 0;
        };
    }
}
