package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Check;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Tells staff that checks have turned red: a notification in the console's window (clicking it opens the page
 * that explains the check) and, where the desktop has {@code notify-send}, one on the desktop too, so it is seen
 * while the console is behind other windows.
 */
public final class AlarmNotifier {
    private static final Logger log = LoggerFactory.getLogger(AlarmNotifier.class);
    /** More at once than this become one summary notification rather than a column of them. */
    private static final int MOST_SHOWN = 4;
    private static final String STYLE = AlarmNotifier.class.getResource("AlarmNotifier.css").toExternalForm();

    private final Supplier<Window> owner;
    private final Consumer<Check> open;
    private final boolean desktop;
    private int shown;

    /** {@code owner}: the main window (asked on the FX thread); {@code open}: shows the page that explains a check. */
    public AlarmNotifier(Supplier<Window> owner, Consumer<Check> open) {
        this(owner, open, true);
    }

    /** {@code desktop} false: the console's window only (tests, so nothing reaches a developer's desktop). */
    public AlarmNotifier(Supplier<Window> owner, Consumer<Check> open, boolean desktop) {
        this.owner = owner;
        this.open = open;
        this.desktop = desktop;
    }

    /**
     * Adds the notifications' stylesheet to the main window's scene, which the pop-ups take their styles from (as
     * ControlsFX's own do). Call it at start-up, before the first frame: added at the first alarm, it made the whole
     * window be styled anew at that instant (ResponsivenessBench's restyle probe: 50-100 ms of the FX thread on the
     * overview at load 8, besides the first parse of the file).
     */
    public static void styleScene(Scene scene) {
        if (!scene.getStylesheets().contains(STYLE)) scene.getStylesheets().add(STYLE);
    }

    /** Raises one notification per check; callable from any thread. */
    public void notify(List<Check> newlyRed) {
        if (newlyRed.isEmpty()) return;
        if (desktop) CompletableFuture.runAsync(() -> newlyRed.forEach(AlarmNotifier::toDesktop));
        if (Platform.isFxApplicationThread()) show(newlyRed);
        else Platform.runLater(() -> show(newlyRed));
    }

    /** How many notifications this notifier has raised in the window (tests and the log). */
    public int shownCount() {
        return shown;
    }

    private void show(List<Check> newlyRed) {
        Window window = owner.get();
        if (window == null || !window.isShowing()) {
            log.info("{} check(s) turned red while no window was showing: {}", newlyRed.size(), newlyRed.stream().map(Check::id).toList());
            return;
        }
        if (window.getScene() != null) styleScene(window.getScene());   // a no-op where start-up did it
        for (Check c : newlyRed) {
            shown++;
            Notifications.create()
                    .owner(window)
                    .styleClass("cascade-alarm")
                    .title(title(c))
                    .text(text(c) + "\nClick to open.")
                    .position(Pos.BOTTOM_RIGHT)
                    .hideAfter(Duration.seconds(20))
                    .threshold(MOST_SHOWN, Notifications.create().owner(window).styleClass("cascade-alarm").title("Several checks turned red")
                            .text("Open the Overview to see them, worst first."))
                    .onAction(e -> open.accept(c))
                    .showError();
        }
    }

    static String title(Check c) {
        return c.backend().label() + ": " + c.title();
    }

    static String text(Check c) {
        return c.advice().isEmpty() ? c.figure() : c.figure() + "\n" + c.advice();
    }

    /** Best effort: a desktop without a notification daemon just does not show it. */
    private static void toDesktop(Check c) {
        String path = System.getenv("PATH");
        if (path == null) return;
        boolean present = false;
        for (String dir : path.split(File.pathSeparator)) present |= new File(dir, "notify-send").canExecute();
        if (!present) return;
        try {
            new ProcessBuilder("notify-send", "--urgency=critical", "--app-name=CASCADE Ops", title(c), text(c))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (Exception e) {
            log.debug("notify-send failed: {}", e.toString());
        }
    }
}
