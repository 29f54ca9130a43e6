package ai.cascade.ops.app;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Problems;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** Help → Keyboard shortcuts and About: what a person needs to find their way and to report a problem. */
final class HelpDialogs {
    private HelpDialogs() {}

    /** Every shortcut of the console, in one place (F1). */
    static final List<String[]> SHORTCUTS = List.of(
            new String[]{"Ctrl+1 … Ctrl+7", "Overview, Users, Subscriptions, Cache, Sessions, Database, Audit"},
            new String[]{"Ctrl+Tab / Ctrl+Shift+Tab", "Next / previous page (also Ctrl+PgDn / Ctrl+PgUp)"},
            new String[]{"↑ / ↓ in the page list", "Move between pages"},
            new String[]{"F5", "Reload the current page"},
            new String[]{"Ctrl+K", "Connections: add, test and switch profiles"},
            new String[]{"Ctrl+U", "Show times in UTC instead of the local time zone"},
            new String[]{"F1", "This list"},
            new String[]{"Ctrl+Q", "Quit (the demo's servers stop with the window)"});

    static void showShortcuts(Window owner) {
        GridPane grid = new GridPane();
        grid.setHgap(16);
        grid.setVgap(6);
        grid.setId("shortcuts");
        for (int i = 0; i < SHORTCUTS.size(); i++) {
            Label key = new Label(SHORTCUTS.get(i)[0]);
            key.getStyleClass().add("shortcut-key");
            grid.addRow(i, key, new Label(SHORTCUTS.get(i)[1]));
        }
        show(owner, "Keyboard shortcuts", "Keyboard shortcuts", grid);
    }

    /** A non-modal window with a Close button: help stays open while the person works. */
    private static void show(Window owner, String title, String header, javafx.scene.Node content) {
        Alert a = new Alert(Alert.AlertType.NONE, null, javafx.scene.control.ButtonType.CLOSE);
        a.initOwner(owner);
        a.initModality(javafx.stage.Modality.NONE);
        a.setTitle(title);
        a.setHeaderText(header);
        a.getDialogPane().setContent(content);
        a.show();
    }

    static String appVersion() {
        try (InputStream in = HelpDialogs.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "development");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Versions of the console and of the servers it is connected to (read in the background). */
    static void showAbout(Window owner, BackgroundWork work, Workspace ws, Path logFolder) {
        Label servers = new Label("Asking the servers for their versions…");
        servers.setWrapText(true);
        VBox box = new VBox(8,
                new Label("CASCADE Ops " + appVersion()),
                new Label("Java " + System.getProperty("java.runtime.version") + ", JavaFX " + System.getProperty("javafx.runtime.version")),
                new Label("Profile: " + (ws == null ? "none yet" : ws.profile().name())),
                servers,
                new Label("Log: " + logFolder.resolve("cascade-ops.log")));
        box.setId("about");
        show(owner, "About CASCADE Ops", "CASCADE Ops: operations console for CASCADE", box);
        if (ws == null) {
            servers.setText("Not connected.");
            return;
        }
        work.run("Reading server versions", c -> serverVersions(ws), servers::setText, e -> servers.setText(Problems.describe(e)));
    }

    private static String serverVersions(Workspace ws) {
        StringBuilder b = new StringBuilder();
        ws.databaseIfConfigured().ifPresentOrElse(db -> {
            try {
                String version = db.run("reading the version", c -> {
                    try (var st = c.createStatement(); var rs = st.executeQuery("SHOW server_version")) {
                        rs.next();
                        return rs.getString(1);
                    }
                });
                b.append("PostgreSQL ").append(version).append(" at ").append(db.address().describe());
            } catch (RuntimeException e) {
                b.append("PostgreSQL: ").append(Problems.describe(e));
            }
        }, () -> b.append("PostgreSQL: not configured"));
        b.append('\n');
        try {
            String info = ws.redis().run("reading INFO server", c -> c.info("server"));
            String version = info.lines().filter(l -> l.startsWith("redis_version:")).map(l -> l.substring(14).trim()).findFirst().orElse("?");
            b.append("Redis ").append(version).append(" at ").append(ws.redis().address().describe());
        } catch (RuntimeException e) {
            b.append("Redis: ").append(Problems.describe(e));
        }
        return b.toString();
    }
}
