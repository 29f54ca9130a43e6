package ai.cascade.ops.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a running inventory across all masters: every key counted once ({@link SeenKeys}), by family,
 * Venice endpoints capped at {@link KeyFamilies#MAX_VENICE_ENDPOINTS}. Used by one thread.
 */
final class InventoryTally {
    private final SeenKeys seen;
    private final Map<String, FamilyTally> families = new HashMap<>();
    private int veniceEndpoints;
    private long keys;
    private long duplicates;
    private long vanished;

    InventoryTally(long expectedKeys) {
        seen = new SeenKeys(expectedKeys);
        for (String f : KeyFamilies.CONTRACT) families.put(f, new FamilyTally(f));
        families.put(KeyFamilies.OTHER, new FamilyTally(KeyFamilies.OTHER));
    }

    /** True when SCAN returns {@code key} for the first time; a repeat is counted as a duplicate. */
    boolean firstSight(byte[] key) {
        if (seen.add(key)) return true;
        duplicates++;
        return false;
    }

    /** Counts a key seen for the first time, knowing nothing more (a COUNTS run). */
    void count(byte[] key) {
        familyOf(key).count();
        keys++;
    }

    /** Counts an inspected key; see {@link FamilyTally#add}. */
    void add(byte[] key, String type, Long pttl, Long memory, Long idleSeconds) {
        familyOf(key).add(key, type, pttl, memory, idleSeconds);
        keys++;
    }

    /** A key SCAN returned that was gone when inspected. */
    void vanished() {
        vanished++;
    }

    long keys() { return keys; }

    long duplicates() { return duplicates; }

    long vanishedKeys() { return vanished; }

    long seenFootprintBytes() { return seen.footprintBytes(); }

    /** The contract's families in order, then Venice endpoints by name, the remaining endpoints, and "other". */
    List<FamilyFigures> figures() {
        List<FamilyFigures> out = new ArrayList<>();
        for (String f : KeyFamilies.CONTRACT) out.add(families.get(f).figures());
        Map<String, FamilyTally> endpoints = new TreeMap<>();
        families.forEach((name, tally) -> {
            if (!KeyFamilies.CONTRACT.contains(name) && !name.equals(KeyFamilies.OTHER) && !name.equals(KeyFamilies.VENICE_MORE))
                endpoints.put(name, tally);
        });
        endpoints.values().forEach(t -> out.add(t.figures()));
        FamilyTally more = families.get(KeyFamilies.VENICE_MORE);
        if (more != null) out.add(more.figures());
        out.add(families.get(KeyFamilies.OTHER).figures());
        return out;
    }

    private FamilyTally familyOf(byte[] key) {
        String name = KeyFamilies.of(key);
        FamilyTally tally = families.get(name);
        if (tally != null) return tally;
        // only a new Venice endpoint gets here: the fixed families exist from the start
        if (veniceEndpoints >= KeyFamilies.MAX_VENICE_ENDPOINTS)
            return families.computeIfAbsent(KeyFamilies.VENICE_MORE, FamilyTally::new);
        veniceEndpoints++;
        tally = new FamilyTally(name);
        families.put(name, tally);
        return tally;
    }
}
