package ai.cascade.ops.database;

import ai.cascade.ops.ui.ConsoleView;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database page: pghero's checks, activity, statements, space, the pool and charts over time, one tab
 * each. A tab loads when it is shown, so a page left on Space does not keep querying pg_stat_activity.
 */
public final class DatabaseView implements ConsoleView {
    /** One tab: its own service calls, its own loading and errors. */
    public interface Section {
        /** Stable name used by links from the overview ("activity", "statements", ...). */
        String id();

        String title();

        Node root();

        /** Shown (again): load or refresh in the background. */
        void refresh();

        /** Another tab or page is shown: stop periodic work that only serves the eye. */
        default void hidden() {}
    }

    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final Map<String, Tab> tabs = new LinkedHashMap<>();
    private VBox root;
    private TabPane tabPane;
    private Section current;

    public DatabaseView(List<Section> sections) {
        for (Section s : sections) this.sections.put(s.id(), s);
    }

    @Override
    public Parent root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        Label title = new Label("Database");
        title.getStyleClass().add("title-2");
        tabPane = new TabPane();
        tabPane.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabPane.getStyleClass().add("database-tabs");
        for (Section s : sections.values()) {
            Tab t = new Tab(s.title());
            t.setId("database-tab-" + s.id());
            t.setUserData(s);
            tabs.put(s.id(), t);
            tabPane.getTabs().add(t);
        }
        tabPane.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (was != null && was.getUserData() instanceof Section s) s.hidden();
            if (now != null) show((Section) now.getUserData(), now);
        });
        VBox.setVgrow(tabPane, Priority.ALWAYS);
        root = new VBox(8, title, tabPane);
        root.getStyleClass().addAll("view", "view-body");
    }

    private void show(Section s, Tab t) {
        if (t.getContent() == null) t.setContent(s.root());
        current = s;
        s.refresh();
    }

    @Override
    public void refresh() {
        root();
        Tab selected = tabPane.getSelectionModel().getSelectedItem();
        if (selected != null) show((Section) selected.getUserData(), selected);
    }

    /** Opens the tab {@code id} (e.g. from an overview check); unknown ids leave the page as it is. */
    public void open(String id) {
        root();
        Tab t = tabs.get(id);
        if (t == null) return;
        if (tabPane.getSelectionModel().getSelectedItem() == t) show((Section) t.getUserData(), t);
        else tabPane.getSelectionModel().select(t);
    }

    /** The page itself is hidden (another page is shown). */
    public void hidden() {
        if (current != null) current.hidden();
    }

    public Section section(String id) { return sections.get(id); }
}
