package ai.cascade.ops.cache;

import ai.cascade.ops.ui.FigureList;
import ai.cascade.ops.ui.Figures;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Map;

/**
 * One key family of an inventory in detail: its TTL and idle-time histograms, types, largest keys and keys
 * without TTL. Every key name arrives already shown safely ({@link KeyText#shown}, by the inventory).
 */
final class InventoryFamilyPane extends VBox {
    static final String IDLE_EXPLAINED = "Idle time is how long ago a key was last read or written (OBJECT IDLETIME). "
            + "A cache entry whose idle time is about as long as it has existed was written and never read since: "
            + "in a family cached for 300 s, many keys in the \"1–5 min\" bucket mean entries are rarely reused. "
            + "Idle time alone cannot tell a key read once long ago from one never read.";

    private final Label title = new Label("Choose a family to see its keys in detail.");
    private final BarChart<String, Number> ttl = chart("TTL left");
    private final BarChart<String, Number> idle = chart("Idle time");
    private final Label idleNote = new Label();
    private final FigureList types = new FigureList();
    private final FigureList largest = new FigureList();
    private final ListView<String> withoutTtl = new ListView<>();
    private final Label withoutTtlTitle = new Label("Keys without TTL");

    InventoryFamilyPane() {
        super(8);
        setId("inventory-family");
        title.getStyleClass().add("card-title");
        title.setId("inventory-family-title");
        idleNote.setWrapText(true);
        idleNote.getStyleClass().add("text-muted");
        idleNote.setId("inventory-idle-note");
        types.setId("inventory-family-types");
        largest.setId("inventory-family-largest");
        withoutTtl.setId("inventory-family-without-ttl");
        withoutTtl.setPrefHeight(120);
        withoutTtl.setPlaceholder(new Label("Every key of this family has a TTL."));
        HBox charts = new HBox(12, ttl, idle);
        HBox.setHgrow(ttl, Priority.ALWAYS);
        HBox.setHgrow(idle, Priority.ALWAYS);
        VBox typesBox = new VBox(4, heading("Types"), types);
        VBox largestBox = new VBox(4, heading("Largest keys"), largest);
        VBox withoutBox = new VBox(4, withoutTtlTitle, withoutTtl);
        withoutTtlTitle.getStyleClass().add("card-title");
        HBox.setHgrow(largestBox, Priority.ALWAYS);
        HBox.setHgrow(withoutBox, Priority.ALWAYS);
        HBox lists = new HBox(16, typesBox, largestBox, withoutBox);
        getChildren().addAll(title, charts, idleNote, lists);
    }

    private static BarChart<String, Number> chart(String name) {
        CategoryAxis x = new CategoryAxis();
        x.setCategories(javafx.collections.FXCollections.observableArrayList(Buckets.LABELS));
        NumberAxis y = new NumberAxis();
        y.setLabel("keys");
        BarChart<String, Number> c = new BarChart<>(x, y);
        c.setTitle(name);
        c.setLegendVisible(false);
        c.setAnimated(false);   // redrawn several times a second while an inventory runs
        c.setPrefHeight(220);
        c.setMinWidth(260);
        c.getData().add(new XYChart.Series<>());
        return c;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("card-title");
        return l;
    }

    /** Shows {@code f} as far as {@code report} learnt it; null clears the pane. */
    void show(InventoryReport report, FamilyFigures f) {
        if (f == null) {
            title.setText("Choose a family to see its keys in detail.");
            fill(ttl, null);
            fill(idle, null);
            idleNote.setText("");
            types.clear();
            largest.clear();
            withoutTtl.getItems().clear();
            return;
        }
        title.setText(f.family() + " — " + Figures.count(f.keys()) + " keys"
                + (report.memoryKnown() ? ", " + Figures.bytes(f.bytes()) : ""));
        fill(ttl, report.ttlKnown() ? f.ttlBuckets() : null);
        fill(idle, report.idleKnown() ? f.idleBuckets() : null);
        ttl.setTitle(report.ttlKnown() ? "TTL left (" + Figures.count(f.withoutTtl()) + " keys without TTL not shown)" : "TTL left: not read (counts only)");
        idle.setTitle(report.idleKnown() ? "Idle time" : "Idle time: unknown");
        idleNote.setText(report.idleKnown() ? IDLE_EXPLAINED : idleUnknown(report));
        types.clear();
        f.types().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> types.add(e.getKey(), Figures.count(e.getValue()), share(e.getValue(), f.keys()), null));
        largest.clear();
        for (FamilyFigures.SizedKey k : f.largest()) largest.add(k.shown(), Figures.bytes(k.bytes()), k.type());
        withoutTtlTitle.setText(f.leaks() ? "Keys without TTL — a leak: this family is written with a TTL" : "Keys without TTL");
        withoutTtl.getItems().setAll(f.withoutTtlExamples());
    }

    private static String idleUnknown(InventoryReport report) {
        if (report.depth() == InventoryDepth.COUNTS) return "Idle time was not read: this was a counts-only run.";
        return report.notes().stream().filter(n -> n.toLowerCase(java.util.Locale.ROOT).contains("idle")).findFirst()
                .orElse("Idle time is unknown for this run (an LFU eviction policy keeps no idle time).");
    }

    private static void fill(BarChart<String, Number> chart, List<Long> buckets) {
        XYChart.Series<String, Number> s = chart.getData().get(0);
        if (buckets == null) {
            s.getData().clear();
            return;
        }
        List<XYChart.Data<String, Number>> points = new java.util.ArrayList<>();
        for (int i = 0; i < Buckets.count() && i < buckets.size(); i++) points.add(new XYChart.Data<>(Buckets.LABELS.get(i), buckets.get(i)));
        s.getData().setAll(points);
    }

    private static Double share(long part, long whole) {
        return whole <= 0 ? null : Math.min(1.0, (double) part / whole);
    }

    /** For tests: the TTL histogram's bars, by label. */
    List<XYChart.Data<String, Number>> ttlBars() { return ttl.getData().get(0).getData(); }

    List<XYChart.Data<String, Number>> idleBars() { return idle.getData().get(0).getData(); }

    String idleNote() { return idleNote.getText(); }

    List<String> withoutTtlShown() { return List.copyOf(withoutTtl.getItems()); }
}
