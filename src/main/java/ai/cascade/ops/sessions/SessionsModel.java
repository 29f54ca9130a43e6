package ai.cascade.ops.sessions;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.Problems;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The state of the sessions list: the last refresh's sessions, the filter and order the person chose, which
 * sessions are new or changed since the refresh before, and the count over time. Filtering, sorting and
 * comparing run in the background (100,000 sessions are too many for the FX thread); the view receives a
 * ready list. Lives on the FX thread.
 */
public final class SessionsModel {
    /** Points of the count chart kept. */
    static final int HISTORY = 60;
    public static final String ANY_TIER = "Any tier";
    public static final String NO_TIER = "(no user)";

    /** A list ready to show: rows in {@code order}, and which keys are new or changed. */
    public record Shown(List<SessionRow> rows, Comparator<SessionRow> order, Set<String> changed) {
        /**
         * Where {@code row}'s session is now, or -1: a binary search in the order (which ends with the key, so it is
         * total), then a look around where it would be, for a session whose sorted field changed a little.
         */
        public int indexOf(SessionRow row) {
            int i = java.util.Collections.binarySearch(rows, row, order);
            if (i >= 0) return i;
            int at = -i - 1;
            for (int j = Math.max(0, at - 50); j < Math.min(rows.size(), at + 50); j++)
                if (rows.get(j).key().equals(row.key())) return j;
            return -1;
        }
    }

    private final LiveSessions sessions;
    private final BackgroundWork work;
    private final ReadOnlyBooleanWrapper refreshing = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper();
    private final ObservableList<String> tiers = FXCollections.observableArrayList(ANY_TIER);
    private final XYChart.Series<Number, Number> counts = new XYChart.Series<>();
    private LiveSessions.Snapshot snapshot;
    private Set<String> changed = Set.of();
    private String filterText = "";
    private String tier = ANY_TIER;
    private Comparator<SessionRow> order = byUsername();
    private Consumer<Shown> show = s -> { };
    private Job<?> refreshJob;
    private Job<?> viewJob;
    private int viewGeneration;

    public SessionsModel(LiveSessions sessions, BackgroundWork work) {
        this.sessions = sessions;
        this.work = work;
        counts.setName("Live sessions");
    }

    /** Where ready lists go (the view's table). */
    public void setOnShow(Consumer<Shown> show) { this.show = show; }

    public ReadOnlyBooleanProperty refreshingProperty() { return refreshing.getReadOnlyProperty(); }

    /** "12,345 sessions (12 shown) · read in 340 ms". */
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }

    /** Why the last refresh failed, or null. */
    public ReadOnlyStringProperty problemProperty() { return problem.getReadOnlyProperty(); }

    /** Tiers seen in the last refresh, for the tier filter. */
    public ObservableList<String> tiers() { return tiers; }

    /** The session count at each refresh (x: epoch seconds). */
    public XYChart.Series<Number, Number> counts() { return counts; }

    /** The last refresh's sessions, or null before the first. */
    public LiveSessions.Snapshot snapshot() { return snapshot; }

    /** Reads the sessions anew, unless a refresh is already running; {@code done} runs after it (success or not). */
    public void refresh(Runnable done) {
        if (refreshJob != null && !refreshJob.isDone()) return;
        refreshing.set(true);
        LiveSessions.Snapshot last = snapshot;
        String text = filterText, t = tier;
        Comparator<SessionRow> o = order;
        int gen = ++viewGeneration;
        refreshJob = work.run("Reading the live sessions", c -> {
            // Only while reading: rows of unchanged sessions are reused, so little survives to be copied by the collector.
            Map<String, SessionRow> before = new HashMap<>(last == null ? 16 : last.rows().size() * 2);
            if (last != null) for (SessionRow r : last.rows()) before.put(r.key(), r);
            LiveSessions.Snapshot s = sessions.read(c, before);
            Set<String> diff = new HashSet<>();
            if (last != null)
                for (SessionRow r : s.rows()) {
                    SessionRow was = before.get(r.key());
                    if (was == null || was.fingerprint() != r.fingerprint()) diff.add(r.key());
                }
            return new Refreshed(s, diff, view(s, text, t, o, diff), tiersOf(s));
        }, r -> {
            refreshing.set(false);
            problem.set(null);
            snapshot = r.snapshot();
            changed = r.changed();
            tiers.setAll(r.tiers());
            addCount(r.snapshot());
            if (gen == viewGeneration) present(r.shown());
            else applyView();   // the filter changed while reading: show the new rows under the new filter
            done.run();
        }, e -> {
            refreshing.set(false);
            problem.set(Problems.describe(e));
            done.run();
        });
        refreshJob.stateProperty().addListener((obs, was, st) -> {
            if (st == javafx.concurrent.Worker.State.CANCELLED) {
                refreshing.set(false);
                done.run();
            }
        });
    }

    private record Refreshed(LiveSessions.Snapshot snapshot, Set<String> changed, Shown shown,
                             List<String> tiers) {}

    public void cancel() {
        if (refreshJob != null) refreshJob.cancel(true);
    }

    /** Shows sessions whose username, user id, IP or key contains {@code text} (any case). */
    public void filter(String text, String tierChoice) {
        filterText = text == null ? "" : text.strip();
        tier = tierChoice == null ? ANY_TIER : tierChoice;
        applyView();
    }

    public void sort(Comparator<SessionRow> comparator) {
        order = comparator == null ? byUsername() : comparator;
        applyView();
    }

    /** Highlights end: nothing is "new" any more until the next refresh finds something. */
    public void forgetChanges() {
        changed = Set.of();
    }

    public boolean isChanged(String key) { return changed.contains(key); }

    private void applyView() {
        LiveSessions.Snapshot s = snapshot;
        if (s == null) return;
        int gen = ++viewGeneration;
        String text = filterText, t = tier;
        Comparator<SessionRow> o = order;
        Set<String> diff = changed;
        if (viewJob != null && !viewJob.isDone()) viewJob.cancel(true);
        viewJob = work.run("Filtering the sessions", c -> view(s, text, t, o, diff), shown -> {
            if (gen == viewGeneration) present(shown);
        }, e -> problem.set(Problems.describe(e)));
    }

    private void present(Shown shown) {
        LiveSessions.Snapshot s = snapshot;
        summary.set(Figures.count(s.count()) + (s.count() == 1 ? " session" : " sessions")
                + (shown.rows().size() == s.count() ? "" : " (" + Figures.count(shown.rows().size()) + " shown)")
                + (s.truncated() ? " — stopped at " + Figures.count(LiveSessions.MOST_SESSIONS) + ", more exist" : "")
                + " · read in " + Figures.count(s.tookMillis()) + " ms");
        show.accept(shown);
    }

    private void addCount(LiveSessions.Snapshot s) {
        counts.getData().add(new XYChart.Data<>(s.readAt().getEpochSecond(), s.count()));
        if (counts.getData().size() > HISTORY) counts.getData().remove(0);
    }

    static Shown view(LiveSessions.Snapshot s, String text, String tier, Comparator<SessionRow> order, Set<String> changed) {
        String needle = text.toLowerCase(Locale.ROOT);
        List<SessionRow> rows = new ArrayList<>();
        for (SessionRow r : s.rows()) if (matches(r, needle) && tierMatches(r, tier)) rows.add(r);
        rows.sort(order);
        return new Shown(rows, order, changed);
    }

    private static boolean matches(SessionRow r, String needle) {
        if (needle.isEmpty()) return true;
        return contains(r.username(), needle) || contains(r.ip(), needle) || contains(r.key(), needle)
                || r.userId() != null && String.valueOf(r.userId()).equals(needle);
    }

    private static boolean contains(String s, String needle) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static boolean tierMatches(SessionRow r, String tier) {
        if (ANY_TIER.equals(tier)) return true;
        if (NO_TIER.equals(tier)) return !r.userExists();
        return tier.equals(r.tier());
    }

    private static List<String> tiersOf(LiveSessions.Snapshot s) {
        Set<String> seen = new TreeSet<>();
        boolean gone = false;
        for (SessionRow r : s.rows()) {
            if (r.tier() != null) seen.add(r.tier());
            if (!r.userExists()) gone = true;
        }
        List<String> out = new ArrayList<>();
        out.add(ANY_TIER);
        out.addAll(seen);
        if (gone) out.add(NO_TIER);
        return out;
    }

    /** Username, then key: the order before the person picks a column. */
    static Comparator<SessionRow> byUsername() {
        return Comparator.comparing(SessionRow::username, Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER))
                .thenComparing(SessionRow::key);
    }

    /** When the list was last read, for tests. */
    Instant readAt() { return snapshot == null ? null : snapshot.readAt(); }
}
