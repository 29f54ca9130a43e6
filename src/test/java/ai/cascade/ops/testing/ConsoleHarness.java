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
        return start(stage, profile, null);
    }

    /** As {@link #start(Stage, ConnectionProfile)}, with Stripe's API base of the test's choosing (null: Stripe's own). */
    public static Console start(Stage stage, ConnectionProfile profile, String stripeApiBase) {
        try {
            Path home = Files.createTempDirectory("cascade-ops-ui");
            AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));
            Console c = new Console(dirs, new Console.Options(null, stripeApiBase, profile));
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

    /** The problem each part of the current page shows (null where it loaded), in page order. */
    public static List<String> problems(Console c) {
        return Fx.read(() -> panes(c).stream().map(p -> p.problemProperty().get()).toList());
    }

    /** The problem shown by the part with this id on the current page (null when it loaded). */
    public static String problem(Console c, String paneId) {
        return Fx.read(() -> ((LoadPane) c.shell().content().lookup("#" + paneId)).problemProperty().get());
    }

    /** Reloads the current page, as F5 does, and waits until every part has loaded or failed. */
    public static void reload(Console c, Duration bound) {
        Fx.run(() -> c.shell().refreshCurrent());
        awaitSettled(c, bound);
    }

    /** Waits until {@code b} is shown in any state but {@code s}. */
    public static Health.State awaitNotState(Console c, Backend b, Health.State s, Duration bound) {
        Fx.until(bound, b.label() + " shown as anything but " + s, () -> c.statusBar().shown(b).state() != s);
        return state(c, b);
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
