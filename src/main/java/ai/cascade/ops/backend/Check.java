package ai.cascade.ops.backend;

import java.util.List;
import java.util.Objects;

/**
 * One health check's outcome, as the overview, the database view and the {@code check} command show it.
 *
 * @param id      stable name for scripts and the red-alert memory, e.g. {@code postgres.long_running}
 * @param title   what is checked, e.g. "Long-running queries"
 * @param figure  the measured value in words, e.g. "2 over 60 s (longest 4 min 12 s)"
 * @param advice  one line: what to do about it (empty when OK)
 * @param section where the console explains it: a tab of the backend's page ("activity", "statements",
 *                "space", "pool", "checks", "trends" for Postgres; "" for the page itself)
 * @param details the offending items, one line each (queries, indexes, tables), at most a few dozen
 */
public record Check(Backend backend, String id, String title, Verdict verdict, String figure, String advice,
                    String section, List<String> details) {
    /** Worst first; among equals by backend then title, so a list does not reshuffle between refreshes. */
    public static final java.util.Comparator<Check> WORST_FIRST = java.util.Comparator.comparing(Check::verdict).reversed()
            .thenComparing(Check::backend).thenComparing(Check::title);

    public Check {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(verdict, "verdict");
        title = title == null ? id : title;
        figure = figure == null ? "" : figure;
        advice = advice == null ? "" : advice;
        section = section == null ? "" : section;
        details = details == null ? List.of() : List.copyOf(details);
    }

    public static Check of(Backend backend, String id, String title, Verdict verdict, String figure, String advice, String section) {
        return new Check(backend, id, title, verdict, figure, advice, section, List.of());
    }

    /** The backend did not answer: every check of it becomes this one line. */
    public static Check unreachable(Backend backend, String message) {
        return new Check(backend, backend.name().toLowerCase() + ".reachable", backend.label() + " reachable", Verdict.UNREACHABLE,
                "no answer", message, "", List.of());
    }

    public Check withDetails(List<String> more) {
        return new Check(backend, id, title, verdict, figure, advice, section, more);
    }
}
