package ai.cascade.ops.bench;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

import java.lang.management.ManagementFactory;

/**
 * The start-up benchmark's reference: a Stage with one Label, nothing else. Packaged with the same
 * runtime and launcher options as the console, it prints FIRST_FRAME at its first frame and exits.
 */
public final class BareWindow {
    private BareWindow() {}

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    public static final class Window extends Application {
        @Override
        public void start(Stage stage) {
            Scene scene = new Scene(new Label("CASCADE Ops start-up reference"), 1280, 820);
            stage.setScene(scene);
            stage.show();
            scene.addPostLayoutPulseListener(new Runnable() {
                @Override public void run() {
                    scene.removePostLayoutPulseListener(this);
                    long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                    System.out.println("FIRST_FRAME " + ms);
                    Platform.exit();
                }
            });
        }
    }
}
