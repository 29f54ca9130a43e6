package ai.cascade.ops.billing;

import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Where;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tier configuration handed to SQL as parameters (arrays for {@code unnest}), so queries join the
 * configuration like a table without it living in the database. The first tier of a name wins.
 */
final class ConfiguredTiers {
    private final List<Tier> tiers;

    ConfiguredTiers(List<Tier> configured) {
        Map<String, Tier> byName = new LinkedHashMap<>();
        for (Tier t : configured) if (t != null && t.name() != null) byName.putIfAbsent(t.name(), t);
        this.tiers = List.copyOf(byName.values());
    }

    List<String> names() { return tiers.stream().map(Tier::name).toList(); }

    Where.Value nameArray() { return Where.textArray(names()); }

    /** Billing intervals in lower case ("month", "year", …); null where none is configured. */
    Where.Value intervalArray() {
        return Where.textArray(tiers.stream().map(t -> t.interval() == null ? null : t.interval().toLowerCase(Locale.ROOT)).toList());
    }

    /** ISO currency codes in upper case; null where none is configured. */
    Where.Value currencyArray() {
        return Where.textArray(tiers.stream().map(t -> t.currency() == null ? null : t.currency().toUpperCase(Locale.ROOT)).toList());
    }

    /** Each currency's decimal places, to turn minor units into an amount. */
    Where.Value fractionDigitArray() {
        List<Integer> digits = new ArrayList<>();
        for (Tier t : tiers) digits.add(t.currency() == null ? null : Money.fractionDigits(t.currency()));
        return (st, i) -> st.setArray(i, st.getConnection().createArrayOf("integer", digits.toArray()));
    }
}
