package ai.cascade.ops.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the thresholds dialog's fields hold, and their checks: each field's range, then amber before red where a
 * check has both. Every problem is a sentence naming the field; none is an exception.
 */
public record ThresholdForm(Map<ThresholdField, String> texts, Locale locale) {

    /** Amber must trip before red: below it, or above it for ids left, where fewer is worse. */
    private record Order(ThresholdField warning, ThresholdField critical, boolean higherIsWorse) {}

    private static final List<Order> ORDERS = List.of(
            new Order(ThresholdField.CONNECTIONS_WARN, ThresholdField.CONNECTIONS_CRITICAL, true),
            new Order(ThresholdField.XID_WARN, ThresholdField.XID_CRITICAL, false),
            new Order(ThresholdField.REPLICATION_LAG_WARN, ThresholdField.REPLICATION_LAG_CRITICAL, true),
            new Order(ThresholdField.REDIS_MEMORY_WARN, ThresholdField.REDIS_MEMORY_CRITICAL, true));

    public ThresholdForm {
        EnumMap<ThresholdField, String> copy = new EnumMap<>(ThresholdField.class);
        copy.putAll(texts);
        texts = Collections.unmodifiableMap(copy);
    }

    /** The fields filled from {@code t}, formatted for {@code locale}. */
    public static ThresholdForm of(CheckThresholds t, Locale locale) {
        Map<ThresholdField, String> texts = new EnumMap<>(ThresholdField.class);
        for (ThresholdField f : ThresholdField.values()) texts.put(f, f.format(f.valueIn(t), locale));
        return new ThresholdForm(texts, locale);
    }

    public String text(ThresholdField f) {
        return texts.getOrDefault(f, "");
    }

    /** Each field's problem, in field order; empty when every field is valid. A broken order names both fields. */
    public Map<ThresholdField, String> problems() {
        Map<ThresholdField, String> out = new LinkedHashMap<>();
        Map<ThresholdField, Double> values = readings(out);
        for (Order o : ORDERS) {
            Double warning = values.get(o.warning()), critical = values.get(o.critical());
            if (warning == null || critical == null) continue;
            boolean inOrder = o.higherIsWorse() ? warning < critical : warning > critical;
            if (inOrder) continue;
            String sentence = o.warning().label() + " (" + shown(o.warning(), warning) + ") must be "
                    + (o.higherIsWorse() ? "below " : "above ") + o.critical().label() + " (" + shown(o.critical(), critical)
                    + ")" + (o.higherIsWorse() ? ": amber comes before red." : ": fewer left is worse, so amber comes first.");
            out.putIfAbsent(o.warning(), sentence);
            out.putIfAbsent(o.critical(), sentence);
        }
        Map<ThresholdField, String> ordered = new LinkedHashMap<>();
        for (ThresholdField f : ThresholdField.values()) if (out.containsKey(f)) ordered.put(f, out.get(f));
        return ordered;
    }

    /** The thresholds the fields describe, or empty while any field has a problem. */
    public Optional<CheckThresholds> thresholds() {
        if (!problems().isEmpty()) return Optional.empty();
        Map<ThresholdField, Double> v = readings(new LinkedHashMap<>());
        return Optional.of(new CheckThresholds(
                whole(v, ThresholdField.CONNECTIONS_WARN), whole(v, ThresholdField.CONNECTIONS_CRITICAL),
                whole(v, ThresholdField.LONG_RUNNING), whole(v, ThresholdField.IDLE_IN_TRANSACTION),
                whole(v, ThresholdField.BLOCKED_CRITICAL), v.get(ThresholdField.CACHE_HIT_RATE),
                count(v, ThresholdField.XID_WARN), count(v, ThresholdField.XID_CRITICAL),
                whole(v, ThresholdField.REPLICATION_LAG_WARN), whole(v, ThresholdField.REPLICATION_LAG_CRITICAL),
                count(v, ThresholdField.UNUSED_INDEX_MAX_SCANS),
                count(v, ThresholdField.MISSING_INDEX_MIN_ROWS), whole(v, ThresholdField.MISSING_INDEX_USE),
                count(v, ThresholdField.BLOAT_MIN),
                whole(v, ThresholdField.DEAD_TUPLE_PERCENT), count(v, ThresholdField.DEAD_TUPLE_MIN_ROWS),
                whole(v, ThresholdField.SEQUENCE_DANGER),
                whole(v, ThresholdField.REDIS_MEMORY_WARN), whole(v, ThresholdField.REDIS_MEMORY_CRITICAL),
                v.get(ThresholdField.REDIS_HIT_RATE_WARN),
                whole(v, ThresholdField.SLOW_ANSWER)));
    }

    /** Values of the fields that read well; the others' problems go into {@code problems}. */
    private Map<ThresholdField, Double> readings(Map<ThresholdField, String> problems) {
        Map<ThresholdField, Double> values = new EnumMap<>(ThresholdField.class);
        for (ThresholdField f : ThresholdField.values()) {
            ThresholdField.Reading r = f.parse(text(f), locale);
            if (r.ok()) values.put(f, r.value());
            else problems.put(f, r.problem());
        }
        return values;
    }

    private String shown(ThresholdField f, double value) {
        return f.format(value, locale) + " " + f.unit();
    }

    // Ranges are checked before a record is built, so these casts never overflow.
    private static int whole(Map<ThresholdField, Double> v, ThresholdField f) {
        return (int) (double) v.get(f);
    }

    private static long count(Map<ThresholdField, Double> v, ThresholdField f) {
        return (long) (double) v.get(f);
    }
}
