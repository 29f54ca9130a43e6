package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** One maintenance check's name and place: every answer it gives, including "could not tell", carries them. */
record MaintenanceCheck(String id, String title, String section) {
    /** Seconds each check's statement may take: catalog scans of a database with many relations are not instant. */
    static final int TIMEOUT_SECONDS = 15;
    /** Items shown per check; the rest are counted in one last line. */
    static final int MAX_DETAILS = 20;
    /** Schemas that are Postgres' own; every other schema (ops included) is checked. */
    static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'";

    Check answer(Verdict verdict, String figure, String advice, List<String> details) {
        return new Check(Backend.POSTGRES, id, title, verdict, figure, advice, section, capped(details));
    }

    Check ok(String figure) {
        return answer(Verdict.OK, figure, "", List.of());
    }

    /** The check could not be made (a missing privilege, a time limit): say why instead of failing the others. */
    Check unknown(String reason) {
        return answer(Verdict.UNKNOWN, "could not tell", reason, List.of());
    }

    /**
     * Runs the check; its own failure becomes UNKNOWN with the reason. A cancelled run and a lost server are
     * thrown instead: they are one answer for the whole run, not six.
     */
    Check run(CancelSignal cancel, Supplier<Check> work) {
        return DatabaseChecks.answered(id, title, section, cancel, work);
    }

    static List<String> capped(List<String> lines) {
        if (lines.size() <= MAX_DETAILS) return lines;
        List<String> shown = new ArrayList<>(lines.subList(0, MAX_DETAILS - 1));
        shown.add("… and " + (lines.size() - MAX_DETAILS + 1) + " more");
        return shown;
    }

    /** "1 index" / "3 indexes". */
    static String plural(long n, String one, String many) {
        return Figures.count(n) + " " + (n == 1 ? one : many);
    }

    /**
     * Counters in the statistics views count from their last reset (or from the database's creation), so every
     * figure built on them says since when. Reads the columns {@code stats_reset} and {@code reset_age}.
     */
    static String statisticsWindow(ResultSet rs) throws SQLException {
        OffsetDateTime reset = rs.getObject("stats_reset", OffsetDateTime.class);
        if (reset == null) return "since statistics began (never reset)";
        String when = reset.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        return "since statistics were reset on " + when + " (" + Figures.duration(rs.getLong("reset_age")) + " ago)";
    }

    /** The statistics window of the current database, as columns {@code stats_reset} and {@code reset_age}. */
    static final String STATISTICS_WINDOW = """
            SELECT stats_reset, extract(epoch FROM now() - stats_reset)::bigint AS reset_age
            FROM pg_stat_database WHERE datname = current_database()""";
}
