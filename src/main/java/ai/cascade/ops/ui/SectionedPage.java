package ai.cascade.ops.ui;

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
 * A page of tabs, one per {@link PageSection}. A tab loads when it is shown, so a page left on one tab does not keep
 * querying for the others; hiding the page or the tab tells the section to stop its periodic work.
 */
public class SectionedPage implements ConsoleView {
    private final Map<String, PageSection> sections = new LinkedHashMap<>();
    private final Map<String, Tab> tabs = new LinkedHashMap<>();
    private VBox root;
    private TabPane tabPane;
    private PageSection current;

    private final String title;
    private final String styleName;

    protected SectionedPage(String title, String styleName, List<PageSection> sections) {
        this.title = title;
        this.styleName = styleName;
        for (PageSection s : sections) this.sections.put(s.id(), s);
    }

    @Override
    public Parent root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        Label heading = new Label(title);
        heading.getStyleClass().add("title-2");
        tabPane = new TabPane();
        tabPane.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabPane.getStyleClass().add(styleName + "-tabs");
        for (PageSection s : sections.values()) {
            Tab t = new Tab(s.title());
            t.setId(styleName + "-tab-" + s.id());
            t.setUserData(s);
            tabs.put(s.id(), t);
            tabPane.getTabs().add(t);
        }
        tabPane.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (was != null && was.getUserData() instanceof PageSection s) s.hidden();
            if (now != null) show((PageSection) now.getUserData(), now);
        });
        VBox.setVgrow(tabPane, Priority.ALWAYS);
        root = new VBox(8, heading, tabPane);
        root.getStyleClass().addAll("view", "view-body");
    }

    private void show(PageSection s, Tab t) {
        if (t.getContent() == null) t.setContent(s.root());
        current = s;
        s.refresh();
    }

    @Override
    public void refresh() {
        root();
        Tab selected = tabPane.getSelectionModel().getSelectedItem();
        if (selected != null) show((PageSection) selected.getUserData(), selected);
    }

    /** Opens the tab {@code id} (e.g. from an overview check); unknown ids leave the page as it is. */
    public void open(String id) {
        root();
        Tab t = tabs.get(id);
        if (t == null) return;
        if (tabPane.getSelectionModel().getSelectedItem() == t) show((PageSection) t.getUserData(), t);
        else tabPane.getSelectionModel().select(t);
    }

    /** The page itself is hidden (another page is shown). */
    public void hidden() {
        if (current != null) current.hidden();
    }

    public PageSection section(String id) { return sections.get(id); }
}
