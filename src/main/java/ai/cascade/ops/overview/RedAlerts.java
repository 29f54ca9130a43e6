package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which checks have just turned alarming (critical or unreachable): each raises one alert, then none until it
 * recovers — a later reading of that check that is not alarming — after which it may alert again.
 * A check missing from a reading keeps its state: when a backend goes unreachable its checks are replaced by one
 * line, and their coming back still red is not news.
 */
public final class RedAlerts {
    private final Set<String> alarming = new HashSet<>();

    /** The checks of this reading that were not alarming before, in the reading's order. */
    public synchronized List<Check> next(List<Check> reading) {
        List<Check> newly = new ArrayList<>();
        for (Check c : reading) {
            if (!c.verdict().isAlarm()) alarming.remove(c.id());
            else if (alarming.add(c.id())) newly.add(c);
        }
        return newly;
    }
}
