package ai.cascade.ops.ui;

import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.util.StringConverter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line chart over clock time (x in epoch seconds), for the "Over time" tabs: its series appended to and trimmed
 * from the front, without animation or symbols, so an idle console stays idle.
 */
public final class TrendChart {
    private static final double[] TICKS = {10, 15, 30, 60, 120, 300, 600, 900, 1800};
    private final LineChart<Number, Number> chart;
    private final NumberAxis x;
    private final List<XYChart.Series<Number, Number>> series = new ArrayList<>();

    /** {@code fromZero}: the y axis starts at 0 (false for a hit rate, which lives near 100 % and needs zooming in). */
    public TrendChart(TimeDisplay time, String id, String title, boolean fromZero, String... names) {
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
        for (String name : names) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(name);
            series.add(s);
        }
        chart.getData().setAll(series);
    }

    public LineChart<Number, Number> chart() { return chart; }

    /** The charts in a grid of {@code columns}, row by row, sharing the space equally. */
    public static GridPane grid(int columns, TrendChart... charts) {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        int rows = (charts.length + columns - 1) / columns;
        for (int c = 0; c < columns; c++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(100.0 / columns);
            column.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(column);
        }
        for (int r = 0; r < rows; r++) {
            RowConstraints row = new RowConstraints();
            row.setPercentHeight(100.0 / rows);
            row.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(row);
        }
        for (int i = 0; i < charts.length; i++) grid.add(charts[i].chart, i % columns, i / columns);
        return grid;
    }

    /** Points in series {@code index}. */
    public int points(int index) { return series.get(index).getData().size(); }

    /** The x of the oldest point charted, or NaN when none is. */
    public double firstX() {
        var data = series.get(0).getData();
        return data.isEmpty() ? Double.NaN : data.get(0).getXValue().doubleValue();
    }

    /** One value per series at {@code x}; NaN leaves that series without a point there. */
    public void add(double x, double... values) {
        for (int i = 0; i < values.length; i++)
            if (!Double.isNaN(values[i])) series.get(i).getData().add(new XYChart.Data<>(x, values[i]));
    }

    /**
     * Shows {@code first}..{@code last} (epoch seconds), at least two minutes, with about six clock-time ticks on
     * round times. The bounds move in whole ticks, so the tick labels stay the same nodes for several samples
     * rather than being rebuilt and styled anew at each one (what an idle chart would otherwise spend its CPU on).
     */
    public void timeSpan(double first, double last) {
        double span = Math.max(120, last - first);
        double tick = TICKS[TICKS.length - 1];
        for (double t : TICKS) if (t >= span / 6) { tick = t; break; }
        double upper = Math.ceil(last / tick) * tick;
        x.setTickUnit(tick);
        x.setUpperBound(upper);
        x.setLowerBound(upper - Math.ceil(span / tick) * tick);
    }

    /** Drops points older than {@code oldest}, and the oldest beyond {@code maxPoints} per series. */
    public void trim(double oldest, int maxPoints) {
        for (XYChart.Series<Number, Number> s : series) {
            var data = s.getData();
            int stale = 0;
            while (stale < data.size() && (data.size() - stale > maxPoints || data.get(stale).getXValue().doubleValue() < oldest)) stale++;
            if (stale > 0) data.remove(0, stale);
        }
    }

    /** A per-second rate as the figures above the charts show it: whole above 100, one decimal below. */
    public static String rate(double perSecond) {
        return String.format(java.util.Locale.getDefault(), perSecond >= 100 ? "%,.0f" : "%.1f", perSecond);
    }

    /** A figure line above the charts. */
    public static javafx.scene.control.Label figure(String id) {
        javafx.scene.control.Label l = new javafx.scene.control.Label();
        l.setId(id);
        l.getStyleClass().add("trends-figure");
        return l;
    }
}
