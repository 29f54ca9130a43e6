package ai.cascade.ops.database;

import ai.cascade.ops.ui.GapNote;
import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.SamplingBar;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.ui.TrendChart;
import ai.cascade.ops.ui.TrendFeed;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The "Over time" tab: sessions, transactions/s, tuples/s and the cache hit rate of the last hour, charted from
 * {@link DatabaseTrends}. Sampling starts when the tab is first shown and carries on while the workspace lives,
 * so history accumulates; while the tab is hidden points are not charted, and showing it again catches up.
 * Charts are built once and points appended, without animation or symbols, so an idle console stays idle.
 */
public final class TrendsSection implements PageSection {
    private final DatabaseTrends trends;
    private final TimeDisplay time;
    // An hour at the default interval; at 1 s the charts show the last 12 minutes, so each redraw stays cheap.
    static final int MAX_POINTS = 720;
    private final TrendFeed<TrendPoint> feed = new TrendFeed<>(this::chart);
    private boolean listening;
    private Instant lastCharted = Instant.MIN;

    private final Label sessionsFigure = figure("trends-sessions");
    private final Label transactionsFigure = figure("trends-transactions");
    private final Label tuplesFigure = figure("trends-tuples");
    private final Label cacheFigure = figure("trends-cache");
    private final GapNote note;
    private final TrendChart sessions, transactions, tuples, cache;
    private SamplingBar bar;
    private VBox root;

    public TrendsSection(DatabaseTrends trends, TimeDisplay time) {
        this.trends = trends;
        this.time = time;
        note = new GapNote("trends-note", time);
        sessions = new TrendChart(time, "trends-sessions-chart", "Sessions", true,
                "connected", "active", "idle", "idle in transaction", "waiting on locks");
        transactions = new TrendChart(time, "trends-transactions-chart", "Transactions per second", true, "commits", "rollbacks");
        tuples = new TrendChart(time, "trends-tuples-chart", "Tuples per second", true,
                "returned", "fetched", "inserted", "updated", "deleted");
        cache = new TrendChart(time, "trends-cache-chart", "Buffer cache hit rate (%)", false, "hit rate");
    }

    @Override public String id() { return "trends"; }

    @Override public String title() { return "Over time"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        bar = new SamplingBar(trends, "trends");
        GridPane charts = TrendChart.grid(2, sessions, transactions, tuples, cache);
        VBox.setVgrow(charts, Priority.ALWAYS);
        VBox figures = new VBox(2, sessionsFigure, transactionsFigure, tuplesFigure, cacheFigure);
        root = new VBox(8, bar, figures, note, charts);
        root.setPadding(new Insets(8, 0, 0, 0));
        root.getStyleClass().add("trends");
        root.getStylesheets().add(TrendsSection.class.getResource("TrendsSection.css").toExternalForm());
        sessionsFigure.setText("Waiting for the first sample…");
    }

    /** Shown: chart what arrived while hidden, then follow new points; the first showing starts sampling. */
    @Override
    public void refresh() {
        root();
        if (!listening) {
            trends.addListener(feed::offer);
            listening = true;
        }
        feed.showing(true);
        chart(trends.history());
        trends.start();
    }

    @Override
    public void hidden() {
        feed.showing(false);   // sampling carries on: the history is the point of this tab
    }

    private void chart(List<TrendPoint> points) {
        TrendPoint newest = null;
        for (TrendPoint p : points) {
            if (!p.at().isAfter(lastCharted)) continue;   // already charted (history caught up on showing)
            lastCharted = p.at();
            double x = p.at().toEpochMilli() / 1000.0;
            if (p.sessions() != null) {
                TrendSessions s = p.sessions();
                sessions.add(x, s.connected(), s.active(), s.idle(), s.idleInTransaction(), s.waitingOnLocks());
            }
            if (p.rates() != null) {
                TrendRates r = p.rates();
                transactions.add(x, r.commits(), r.rollbacks());
                tuples.add(x, r.returned(), r.fetched(), r.inserted(), r.updated(), r.deleted());
                if (r.cacheHitPercent().isPresent()) cache.add(x, r.cacheHitPercent().getAsDouble());
            }
            if (p.kind() == TrendPoint.Kind.GAP) note.gap(p.at(), p.note());
            else if (p.note() != null) note.event(p.at(), p.note());
            else note.answered(p.at());
            newest = p;
        }
        if (newest == null) return;
        double oldest = newest.at().minus(DatabaseTrends.HISTORY).toEpochMilli() / 1000.0;
        double last = newest.at().toEpochMilli() / 1000.0;
        double first = Double.isNaN(sessions.firstX()) ? last : sessions.firstX();
        for (TrendChart c : List.of(sessions, transactions, tuples, cache)) {
            c.trim(oldest, MAX_POINTS);
            c.timeSpan(Math.max(first, oldest), last);
        }
        showFigures(newest);
    }

    private void showFigures(TrendPoint p) {
        if (p.sessions() != null) {
            TrendSessions s = p.sessions();
            sessionsFigure.setText(String.format(Locale.getDefault(), "%d connected: %d active, %d idle, %d idle in transaction, %d waiting on locks%s",
                    s.connected(), s.active(), s.idle(), s.idleInTransaction(), s.waitingOnLocks(),
                    s.hidden() == 0 ? "" : "; " + s.hidden() + " of other logins not readable (needs pg_read_all_stats)"));
        }
        if (p.rates() == null) return;
        TrendRates r = p.rates();
        transactionsFigure.setText(String.format(Locale.getDefault(), "Transactions: %s commits/s, %s rollbacks/s; deadlocks: %d; temporary files: %s/s",
                rate(r.commits()), rate(r.rollbacks()), r.deadlocks(), ai.cascade.ops.ui.Figures.bytes(Math.round(r.tempBytes()))));
        tuplesFigure.setText(String.format(Locale.getDefault(), "Tuples/s: %s returned, %s fetched, %s inserted, %s updated, %s deleted",
                rate(r.returned()), rate(r.fetched()), rate(r.inserted()), rate(r.updated()), rate(r.deleted())));
        cacheFigure.setText(r.cacheHitPercent().isPresent()
                ? String.format(Locale.getDefault(), "Buffer cache hit rate: %.2f %% over the last %.0f s", r.cacheHitPercent().getAsDouble(), r.seconds())
                : "Buffer cache hit rate: no blocks read in the last interval");
    }

    private static String rate(double perSecond) { return TrendChart.rate(perSecond); }

    private static Label figure(String id) { return TrendChart.figure(id); }

    /** Points charted so far in the sessions chart (one per sample with sessions): for tests. */
    int sessionPoints() { return sessions.points(0); }

    int transactionPoints() { return transactions.points(0); }

    ToggleButton pauseButton() { return bar.pauseButton(); }

    ChoiceBox<Integer> intervalChoice() { return bar.intervalChoice(); }

    Label note() { return note; }
}
