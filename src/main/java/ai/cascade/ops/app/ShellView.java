package ai.cascade.ops.app;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.fxml.FXML;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Toggle;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The main window's frame: menus, banners, navigation, the current page and the status bar. */
public final class ShellView extends FxmlView {
    @FXML private BorderPane shell;
    @FXML private HBox productionBanner;
    @FXML private Label productionLabel;
    @FXML private VBox notices;
    @FXML private Label demoBadge;
    @FXML private Label profileBadge;
    @FXML private VBox navigation;
    @FXML private StackPane content;
    @FXML private StackPane overlay;
    @FXML private HBox menuSlot;
    private final CheckMenuItem utcItem = new CheckMenuItem("Show times in UTC");
    private final CheckMenuItem darkItem = new CheckMenuItem("Dark theme");
    private final MenuItem resetDemoItem = new MenuItem("Reset demo data…");

    private final StatusBar statusBar;
    private final ShellCommands commands;
    private final TimeDisplay time;
    private final Map<ViewId, ConsoleView> views = new EnumMap<>(ViewId.class);
    private final ToggleGroup navGroup = new ToggleGroup();
    private final ObjectProperty<ViewId> current = new SimpleObjectProperty<>(ViewId.OVERVIEW);

    public ShellView(StatusBar statusBar, ShellCommands commands, TimeDisplay time) {
        this.statusBar = statusBar;
        this.commands = commands;
        this.time = time;
    }

    @Override
    protected void didLoad() {
        shell.setBottom(statusBar);
        // Plain toggle buttons, not a ListView: a virtualised list costs its skin at every start for six rows.
        for (ViewId v : ViewId.values()) {
            ToggleButton b = new ToggleButton(v.label(), new FontIcon(v.icon()));
            b.setId("nav-" + v.name().toLowerCase());
            b.setToggleGroup(navGroup);
            b.setUserData(v);
            b.setMaxWidth(Double.MAX_VALUE);
            b.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            b.getStyleClass().add("nav-item");
            navigation.getChildren().add(b);
        }
        navGroup.selectedToggleProperty().addListener((o, was, t) -> {
            if (t == null) was.setSelected(true);   // a page is always chosen
            else show((ViewId) t.getUserData());
        });
        navigation.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DOWN) { step(1); e.consume(); }
            if (e.getCode() == KeyCode.UP) { step(-1); e.consume(); }
        });
        productionBanner.managedProperty().bind(productionBanner.visibleProperty());
        demoBadge.managedProperty().bind(demoBadge.visibleProperty());
    }

    /**
     * The menu bar is drawn from the second frame on: its skin (a popup per menu) is the costliest part
     * of the first frame, which should come as fast as the window can. Its row keeps its height meanwhile.
     */
    public void revealMenus() {
        if (!menuSlot.getChildren().isEmpty()) return;
        MenuItem connections = item("Connections…", "Shortcut+K", commands::openConnections);
        resetDemoItem.setOnAction(e -> commands.resetDemo());
        Menu file = new Menu("_File", null, connections, item("Check thresholds…", null, commands::editCheckThresholds), resetDemoItem,
                new SeparatorMenuItem(), item("Quit", "Shortcut+Q", commands::quit));
        utcItem.setAccelerator(KeyCombination.keyCombination("Shortcut+U"));
        utcItem.selectedProperty().bindBidirectional(time.utcProperty());
        darkItem.setOnAction(e -> commands.setDarkTheme(darkItem.isSelected()));
        Menu view = new Menu("_View", null, item("Reload this page", "F5", this::refreshCurrent), utcItem, darkItem);
        Menu help = new Menu("_Help", null, item("Keyboard shortcuts", "F1", commands::showShortcuts),
                item("Open the log folder", null, commands::openLogFolder), new SeparatorMenuItem(),
                item("About CASCADE Ops", null, commands::showAbout));
        MenuBar bar = new MenuBar(file, view, help);
        HBox.setHgrow(bar, javafx.scene.layout.Priority.ALWAYS);
        menuSlot.getChildren().add(bar);
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem i = new MenuItem(text);
        if (accelerator != null) i.setAccelerator(KeyCombination.keyCombination(accelerator));
        i.setOnAction(e -> action.run());
        return i;
    }

    /** Ctrl+1…7 open a page, Ctrl+Tab and Ctrl+Shift+Tab step through them, F5 reloads the current one. */
    public void installShortcuts(Scene scene) {
        for (ViewId v : ViewId.values())
            scene.getAccelerators().put(new KeyCodeCombination(v.key(), KeyCombination.SHORTCUT_DOWN), () -> select(v));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.TAB, KeyCombination.CONTROL_DOWN), () -> step(1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.TAB, KeyCombination.CONTROL_DOWN, KeyCombination.SHIFT_DOWN), () -> step(-1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PAGE_DOWN, KeyCombination.CONTROL_DOWN), () -> step(1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PAGE_UP, KeyCombination.CONTROL_DOWN), () -> step(-1));

    }

    public void select(ViewId v) {
        for (Toggle t : navGroup.getToggles()) if (t.getUserData() == v) t.setSelected(true);
    }

    private void step(int by) {
        ViewId[] all = ViewId.values();
        select(all[Math.floorMod(current.get().ordinal() + by, all.length)]);
    }

    /** Replaces every page, e.g. after switching profile, and shows {@code first}. */
    public void setViews(Map<ViewId, ConsoleView> next, ViewId first) {
        views.clear();
        views.putAll(next);
        current.set(null);
        Toggle selected = navGroup.getSelectedToggle();
        if (selected != null && selected.getUserData() == first) show(first);
        else select(first);
    }

    private void show(ViewId v) {
        ConsoleView view = views.get(v);
        current.set(v);
        if (view == null) return;
        content.getChildren().setAll(view.root());
        view.refresh();
    }

    /** F5: loads the current page anew, even one that keeps its state between visits. */
    public void refreshCurrent() {
        ConsoleView view = views.get(current.get());
        if (view != null) view.reload();
    }

    /** The page shown for {@code v}, or null before the views are built. */
    public ConsoleView view(ViewId v) { return views.get(v); }

    public ViewId currentView() { return current.get(); }

    public ObjectProperty<ViewId> currentViewProperty() { return current; }

    /** While the demo servers start or a profile connects: a progress panel bound to the job. */
    public void showStarting(Job<?> job) {
        Label title = new Label();
        title.getStyleClass().add("title-3");
        title.textProperty().bind(job.titleProperty());
        Label message = new Label();
        message.setWrapText(true);
        message.textProperty().bind(job.messageProperty());
        ProgressIndicator p = new ProgressIndicator();
        VBox box = new VBox(12, p, title, message);
        box.getStyleClass().add("starting-panel");
        box.setId("starting-panel");
        content.getChildren().setAll(box);
    }

    public void showFailure(String heading, String message) {
        Label h = new Label(heading);
        h.getStyleClass().add("title-3");
        Label m = new Label(message);
        m.setWrapText(true);
        VBox box = new VBox(10, new FontIcon("mdi2a-alert-octagon-outline"), h, m);
        box.getStyleClass().add("starting-panel");
        box.setId("failure-panel");
        content.getChildren().setAll(box);
    }

    /** The profile shown at the top: a red banner for production, the demo badge for the demo. */
    public void showProfile(ConnectionProfile profile, boolean demo) {
        productionBanner.setVisible(profile.production());
        productionLabel.setText("PRODUCTION — " + profile.name() + ": changes here affect real customers. Every change asks you to type the profile's name.");
        demoBadge.setVisible(demo);
        resetDemoItem.setDisable(!demo);
        profileBadge.setText("Profile: " + profile.name() + (profile.readOnly() ? " (read-only)" : ""));
    }

    /** Notices under the banner (read-only reasons, unreadable settings); each can be dismissed. */
    public void setNotices(List<String> texts) {
        notices.getChildren().clear();
        for (String t : texts) {
            Label l = new Label(t, new FontIcon("mdi2i-information-outline"));
            l.setWrapText(true);
            l.setMaxWidth(Double.MAX_VALUE);
            javafx.scene.control.Button close = new javafx.scene.control.Button(null, new FontIcon("mdi2c-close"));
            close.getStyleClass().addAll("flat", "small");
            HBox row = new HBox(8, l, close);
            HBox.setHgrow(l, javafx.scene.layout.Priority.ALWAYS);
            row.getStyleClass().add("notice");
            close.setOnAction(e -> notices.getChildren().remove(row));
            notices.getChildren().add(row);
        }
    }

    /** The first-run panel over the demo: connect to real servers, or dismiss it for good. */
    public void showWelcome(Runnable connect, Runnable dismissForGood) {
        Label title = new Label("Welcome to CASCADE Ops");
        title.getStyleClass().add("title-4");
        Label text = new Label("You are looking at the demo: a PostgreSQL and a Redis started on this computer, "
                + "filled with generated users. Nothing here touches real customers.");
        text.setWrapText(true);
        javafx.scene.control.Button go = new javafx.scene.control.Button("Connect to your servers…", new FontIcon("mdi2l-lan-connect"));
        go.setId("welcome-connect");
        go.setDefaultButton(true);
        javafx.scene.control.Button later = new javafx.scene.control.Button("Keep exploring the demo");
        later.setId("welcome-dismiss");
        HBox buttons = new HBox(8, go, later);
        VBox card = new VBox(10, title, text, buttons);
        card.setId("welcome-panel");
        card.getStyleClass().add("welcome-panel");
        card.setMaxSize(540, javafx.scene.layout.Region.USE_PREF_SIZE);
        go.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        later.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        StackPane.setMargin(card, new javafx.geometry.Insets(20));
        go.setOnAction(e -> { overlay.getChildren().remove(card); dismissForGood.run(); connect.run(); });
        later.setOnAction(e -> { overlay.getChildren().remove(card); dismissForGood.run(); });
        overlay.getChildren().setAll(card);
    }

    public void setDarkSelected(boolean dark) {
        darkItem.setSelected(dark);
    }

    public StackPane content() { return content; }
}
