package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.ui.LoadPane;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Renders every page to a PNG, offscreen: shows a page, waits (without blocking the FX thread) until
 * its data has loaded or its error is shown and the status bar has a verdict for each backend, then snapshots.
 */
public final class ScreenshotTour {
    private static final Logger log = LoggerFactory.getLogger(ScreenshotTour.class);
    private static final long LIMIT_MS = 90_000;

    private final ShellView shell;
    private final StatusBar statusBar;
    private final Scene scene;
    private final Path folder;

    private BooleanSupplier idle;

    public ScreenshotTour(ShellView shell, StatusBar statusBar, Scene scene, Path folder) {
        this.shell = shell;
        this.statusBar = statusBar;
        this.scene = scene;
        this.folder = folder;
    }

    /** Problems the pages showed (load errors, a failed start), for the exit code of the screenshot run. */
    private final List<String> problems = new java.util.ArrayList<>();

    public List<String> problems() {
        return problems;
    }

    private final java.util.Map<String, java.util.function.Supplier<Parent>> dialogs = new java.util.LinkedHashMap<>();

    /** Also pictures {@code dialog} (rendered offscreen, never shown) as {@code name}.png after the pages. */
    public ScreenshotTour withDialog(String name, java.util.function.Supplier<Parent> dialog) {
        dialogs.put(name, dialog);
        return this;
    }

    private record CloseUp(String name, ViewId view, Runnable arrange) {}

    private final List<CloseUp> closeUps = new java.util.ArrayList<>();

    /** Also pictures page {@code view} after {@code arrange} (e.g. a row selected, its detail open) as {@code name}.png. */
    public ScreenshotTour withCloseUp(String name, ViewId view, Runnable arrange) {
        closeUps.add(new CloseUp(name, view, arrange));
        return this;
    }

    private void closeUps(Deque<CloseUp> todo, List<Path> written, Runnable done) {
        CloseUp c = todo.poll();
        if (c == null) {
            done.run();
            return;
        }
        shell.select(c.view());
        c.arrange().run();
        whenSettled(() -> {
            Path file = folder.resolve(c.name() + ".png");
            collectProblems(c.view());
            try {
                write(scene, file);
                written.add(file);
            } catch (IOException e) {
                log.error("Could not write {}: {}", file, e.getMessage());
            }
            closeUps(todo, written, done);
        });
    }

    /** Takes every page in turn, then the close-ups and the dialogs, and then calls {@code done} with the files written. */
    public void run(java.util.function.Consumer<List<Path>> done) {
        Deque<ViewId> todo = new ArrayDeque<>(List.of(ViewId.values()));
        List<Path> written = new java.util.ArrayList<>();
        next(todo, written, pages -> closeUps(new ArrayDeque<>(closeUps), written, () -> {
            dialogs.forEach((name, dialog) -> {
                Scene s = new Scene(dialog.get(), 1100, 1000);
                s.getStylesheets().addAll(scene.getStylesheets());
                Path file = folder.resolve(name + ".png");
                try {
                    write(s, file);
                    written.add(file);
                } catch (IOException e) {
                    log.error("Could not write {}: {}", file, e.getMessage());
                }
            });
            done.accept(written);
        }));
    }

    private void next(Deque<ViewId> todo, List<Path> written, java.util.function.Consumer<List<Path>> done) {
        if (todo.isEmpty()) {
            done.accept(written);
            return;
        }
        ViewId v = todo.poll();
        shell.select(v);
        whenSettled(() -> {
            Path file = folder.resolve(String.format("%02d-%s.png", v.ordinal() + 1, v.name().toLowerCase()));
            collectProblems(v);
            try {
                write(scene, file);
                written.add(file);
            } catch (IOException e) {
                log.error("Could not write {}: {}", file, e.getMessage());
            }
            next(todo, written, done);
        });
    }

    /** Polls every 100 ms on the FX thread until settled or the limit passes; never blocks it. */
    private void whenSettled(Runnable then) {
        long deadline = System.currentTimeMillis() + LIMIT_MS;
        BooleanSupplier settled = this::settled;
        Timeline poll = new Timeline();
        int[] calmTicks = {0};
        poll.getKeyFrames().add(new KeyFrame(Duration.millis(100), e -> {
            calmTicks[0] = settled.getAsBoolean() ? calmTicks[0] + 1 : 0;
            boolean late = System.currentTimeMillis() > deadline;
            if (calmTicks[0] >= 3 || late) {
                if (late) log.warn("Page {} did not settle within {} s; taking it as it is", shell.currentView(), LIMIT_MS / 1000);
                poll.stop();
                then.run();
            }
        }));
        poll.setCycleCount(Timeline.INDEFINITE);
        poll.play();
    }

    private boolean settled() {
        if (scene.getRoot().lookup("#starting-panel") != null) return false;
        for (Backend b : Backend.values()) {
            Health h = statusBar.shown(b);
            if (h != null && h.state() == Health.State.CHECKING) return false;
        }
        return !anyBusy(shell.content()) && (idle == null || idle.getAsBoolean());
    }

    /** Also waits until {@code idleCheck} says no background work is running (pages that load without a LoadPane). */
    public ScreenshotTour waitingFor(BooleanSupplier idleCheck) {
        this.idle = idleCheck;
        return this;
    }

    private void collectProblems(ViewId v) {
        if (shell.content().lookup("#failure-panel") != null) problems.add(v.label() + ": the console could not connect");
        collect(shell.content(), v, problems);
    }

    private static void collect(Node n, ViewId v, List<String> out) {
        if (n instanceof LoadPane p && p.problemProperty().get() != null) out.add(v.label() + ": " + p.problemProperty().get());
        if (n instanceof javafx.scene.control.Label l && l.getStyleClass().contains("problems") && l.isVisible()
                && l.getText() != null && !l.getText().isBlank()) out.add(v.label() + ": " + l.getText());
        if (n instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) collect(c, v, out);
    }

    private static boolean anyBusy(Node n) {
        if (n instanceof LoadPane p && p.isBusy()) return true;
        if (n instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) if (anyBusy(c)) return true;
        return false;
    }

    private void write(Scene target, Path file) throws IOException {
        Files.createDirectories(folder);
        target.getRoot().applyCss();
        target.getRoot().layout();
        WritableImage image = target.snapshot(null);
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
        log.info("Wrote {}", file);
    }
}
