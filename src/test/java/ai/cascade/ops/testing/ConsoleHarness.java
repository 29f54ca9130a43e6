package ai.cascade.ops.testing;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.LoadPane;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.stage.Stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts the real console on a profile, in its own settings folder, and reads what it shows. */
public final class ConsoleHarness {
    private ConsoleHarness() {}

    public static Console start(Stage stage, ConnectionProfile profile) {
        try {
            Path home = Files.createTempDirectory("cascade-ops-ui");
            AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
            Console c = new Console(dirs, new Console.Options(null, null, profile));
            c.start(stage);
            return c;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Health.State state(Console c, Backend b) {
        return Fx.read(() -> c.statusBar().shown(b).state());
    }

    public static void awaitState(Console c, Backend b, Health.State s, Duration bound) {
        Fx.until(bound, b.label() + " shown as " + s, () -> c.statusBar().shown(b).state() == s);
    }

    /** Every LoadPane of the current page. Call on the FX thread. */
    public static List<LoadPane> panes(Console c) {
        List<LoadPane> out = new ArrayList<>();
        collect(c.shell().content(), out);
        return out;
    }

    public static void awaitSettled(Console c, Duration bound) {
        Fx.until(bound, "every part of " + Fx.read(() -> c.shell().currentView()) + " loaded",
                () -> c.workspace() != null && c.shell().content().lookup("#starting-panel") == null
                        && panes(c).stream().noneMatch(LoadPane::isBusy) && rendered(c.shell().content()));
    }

    /** True once a pulse has given every control its skin: before that a ScrollPane shows nothing of its content. */
    private static boolean rendered(Node n) {
        if (!n.isVisible()) return true;   // hidden nodes get no CSS pass, hence no skin
        if (n instanceof javafx.scene.control.Control ctl && ctl.getSkin() == null) return false;
        if (n instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) if (!rendered(child)) return false;
        }
        return true;
    }

    private static void collect(Node n, List<LoadPane> out) {
        if (n instanceof LoadPane p) out.add(p);
        if (n instanceof Parent p) for (Node child : p.getChildrenUnmodifiable()) collect(child, out);
    }
}
