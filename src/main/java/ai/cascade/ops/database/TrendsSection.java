package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final Queue<TrendPoint> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainPosted = new AtomicBoolean();
    private volatile boolean showing;
    private boolean listening;
    private Instant lastCharted = Instant.MIN;
    private Instant gapSince;

    private final Label sessionsFigure = figure("trends-sessions");
    private final Label transactionsFigure = figure("trends-transactions");
    private final Label tuplesFigure = figure("trends-tuples");
    private final Label cacheFigure = figure("trends-cache");
    private final Label note = new Label();
    private final ToggleButton pause = new ToggleButton("Pause");
    private final ChoiceBox<Integer> interval = new ChoiceBox<>();
    private final TrendChart sessions = new TrendChart("trends-sessions-chart", "Sessions", true,
            "connected", "active", "idle", "idle in transaction", "waiting on locks");
    private final TrendChart transactions = new TrendChart("trends-transactions-chart", "Transactions per second", true, "commits", "rollbacks");
    private final TrendChart tuples = new TrendChart("trends-tuples-chart", "Tuples per second", true,
            "returned", "fetched", "inserted", "updated", "deleted");
    private final TrendChart cache = new TrendChart("trends-cache-chart", "Buffer cache hit rate (%)", false, "hit rate");
    private VBox root;

    public TrendsSection(DatabaseTrends trends, TimeDisplay time) {
        this.trends = trends;
        this.time = time;
    }

    @Override public String id() { return "trends"; }

    @Override public String title() { return "Over time"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        interval.getItems().setAll(DatabaseTrends.INTERVAL_CHOICES);
        interval.setConverter(new StringConverter<>() {
            @Override public String toString(Integer s) { return s == null ? "" : "every " + s + " s"; }
            @Override public Integer fromString(String s) { return null; }
        });
        interval.setValue(trends.intervalSeconds());
        interval.setId("trends-interval");
        interval.valueProperty().addListener((o, was, now) -> { if (now != null) trends.setIntervalSeconds(now); });
        pause.setId("trends-pause");
        pause.setSelected(trends.isPaused());
        pause.selectedProperty().addListener((o, was, now) -> pausedChanged(now));
        pausedChanged(pause.isSelected());
        Label sampling = new Label("Sampling");
        Label kept = new Label("· the last hour is kept");
        kept.getStyleClass().add("text-muted");
        HBox bar = new HBox(8, sampling, interval, pause, kept);
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        note.setId("trends-note");
        note.setWrapText(true);
        note.getStyleClass().add("trends-note");
        note.managedProperty().bind(note.visibleProperty());
        note.setVisible(false);
        GridPane charts = chartGrid();
        VBox.setVgrow(charts, Priority.ALWAYS);
        VBox figures = new VBox(2, sessionsFigure, transactionsFigure, tuplesFigure, cacheFigure);
        root = new VBox(8, bar, figures, note, charts);
        root.setPadding(new Insets(8, 0, 0, 0));
        root.getStyleClass().add("trends");
        root.getStylesheets().add(TrendsSection.class.getResource("TrendsSection.css").toExternalForm());
        sessionsFigure.setText("Waiting for the first sample…");
    }

    /** The four charts two by two, sharing the space equally. */
    private GridPane chartGrid() {
        GridPane charts = new GridPane();
        charts.setHgap(8);
        charts.setVgap(8);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        half.setHgrow(Priority.ALWAYS);
        RowConstraints row = new RowConstraints();
        row.setPercentHeight(50);
        row.setVgrow(Priority.ALWAYS);
        charts.getColumnConstraints().addAll(half, half);
        charts.getRowConstraints().addAll(row, row);
        charts.add(sessions.chart, 0, 0);
        charts.add(transactions.chart, 1, 0);
        charts.add(tuples.chart, 0, 1);
        charts.add(cache.chart, 1, 1);
        return charts;
    }

    /** Shown: chart what arrived while hidden, then follow new points; the first showing starts sampling. */
    @Override
    public void refresh() {
        root();
        if (!listening) {
            trends.addListener(this::arrived);
            listening = true;
        }
        showing = true;
        chart(trends.history());
        trends.start();
    }

    @Override
    public void hidden() {
        showing = false;   // sampling carries on: the history is the point of this tab
    }

    private void pausedChanged(boolean paused) {
        if (paused) trends.pause();
        else trends.resume();
        pause.setText(paused ? "Resume" : "Pause");
    }

    /** On the sampler's thread: queue the point, and post one drain for however many arrive before it runs. */
    private void arrived(TrendPoint point) {
        if (!showing) return;
        arrived.add(point);
        if (drainPosted.compareAndSet(false, true)) Platform.runLater(this::drain);
    }

    private void drain() {
        drainPosted.set(false);
        List<TrendPoint> points = new java.util.ArrayList<>();
        for (TrendPoint p; (p = arrived.poll()) != null; ) points.add(p);
        chart(points);
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
            if (p.note() != null) showNote(p);
            else if (gapSince != null && p.sessions() != null) {
                note.setText(note.getText() + " Answering again since " + time.format(p.at()) + ".");
                gapSince = null;
            }
            newest = p;
        }
        if (newest == null) return;
        double oldest = newest.at().minus(DatabaseTrends.HISTORY).toEpochMilli() / 1000.0;
        double last = newest.at().toEpochMilli() / 1000.0;
        double first = sessions.series.get(0).getData().isEmpty() ? last : sessions.series.get(0).getData().get(0).getXValue().doubleValue();
        for (TrendChart c : List.of(sessions, transactions, tuples, cache)) {
            c.trim(oldest);
            c.timeSpan(Math.max(first, oldest), last);
        }
        showFigures(newest);
    }

    private void showNote(TrendPoint p) {
        if (p.kind() == TrendPoint.Kind.GAP) {
            if (gapSince == null) gapSince = p.at();   // a run of failed samples is one gap, dated from its first
            note.setText("Since " + time.format(gapSince) + ": no sample. " + p.note() + " Sampling carries on.");
        } else {
            note.setText(time.format(p.at()) + ": " + p.note());
        }
        note.setVisible(true);
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

    private static String rate(double perSecond) {
        return String.format(Locale.getDefault(), perSecond >= 100 ? "%,.0f" : "%.1f", perSecond);
    }

    private static Label figure(String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("trends-figure");
        return l;
    }

    /** Points charted so far in the sessions chart (one per sample with sessions): for tests. */
    int sessionPoints() { return sessions.series.get(0).getData().size(); }

    int transactionPoints() { return transactions.series.get(0).getData().size(); }

    ToggleButton pauseButton() { return pause; }

    ChoiceBox<Integer> intervalChoice() { return interval; }

    Label note() { return note; }

    private static final double[] TICKS = {10, 15, 30, 60, 120, 300, 600, 900, 1800};

    /** One line chart over clock time: its series, appended to and trimmed from the front. */
    private final class TrendChart {
        final LineChart<Number, Number> chart;
        final NumberAxis x;
        final List<XYChart.Series<Number, Number>> series;

        /** {@code fromZero}: the y axis starts at 0 (false for a hit rate, which lives near 100 % and needs zooming in). */
        TrendChart(String id, String title, boolean fromZero, String... names) {
            x = new NumberAxis();
            x.setAutoRanging(false);   // auto-ranging over one point spans a day backwards: timeSpan sets the range
            x.setForceZeroInRange(false);
            x.setMinorTickVisible(false);
            x.setAnimated(false);
            x.setTickLabelFormatter(new StringConverter<>() {
                // time.format gives "yyyy-MM-dd HH:mm:ss[ UTC]"; the axis needs only the clock time
                @Override public String toString(Number n) { return time.format(Instant.ofEpochSecond(n.longValue())).substring(11, 19); }
                @Override public Number fromString(String s) { return 0; }
            });
            NumberAxis y = new NumberAxis();
            y.setForceZeroInRange(fromZero);
            y.setMinorTickVisible(false);
            y.setAnimated(false);
            chart = new LineChart<>(x, y);
            chart.setId(id);
            chart.setTitle(title);
            chart.setAnimated(false);
            chart.setCreateSymbols(false);
            chart.setLegendVisible(names.length > 1);
            chart.setMinHeight(160);
            chart.getStyleClass().add("trends-chart");
            series = new java.util.ArrayList<>();
            for (String name : names) {
                XYChart.Series<Number, Number> s = new XYChart.Series<>();
                s.setName(name);
                series.add(s);
            }
            chart.getData().setAll(series);
        }

        void add(double x, double... values) {
            for (int i = 0; i < values.length; i++) series.get(i).getData().add(new XYChart.Data<>(x, values[i]));
        }

        /**
         * Shows {@code first}..{@code last} (epoch seconds), at least two minutes, with about six clock-time ticks on
         * round times. The bounds move in whole ticks, so the tick labels stay the same nodes for several samples
         * rather than being rebuilt and styled anew at each one (what an idle chart would otherwise spend its CPU on).
         */
        void timeSpan(double first, double last) {
            double span = Math.max(120, last - first);
            double tick = TICKS[TICKS.length - 1];
            for (double t : TICKS) if (t >= span / 6) { tick = t; break; }
            double upper = Math.ceil(last / tick) * tick;
            x.setTickUnit(tick);
            x.setUpperBound(upper);
            x.setLowerBound(upper - Math.ceil(span / tick) * tick);
        }

        void trim(double oldest) {
            for (XYChart.Series<Number, Number> s : series) {
                var data = s.getData();
                int stale = 0;
                while (stale < data.size() && (data.size() - stale > MAX_POINTS || data.get(stale).getXValue().doubleValue() < oldest)) stale++;
                if (stale > 0) data.remove(0, stale);
            }
        }
    }
}
