package ai.cascade.ops.app;

import ai.cascade.ops.config.Settings;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;

/** Puts the window where it was last time, unless that place is no longer on any screen. */
final class WindowMemory {
    private WindowMemory() {}

    static void restore(Stage stage, Settings.WindowPlacement p) {
        if (p == null || p.width() < 400 || p.height() < 300) {
            stage.setWidth(1280);
            stage.setHeight(820);
            return;
        }
        stage.setWidth(p.width());
        stage.setHeight(p.height());
        boolean visible = Screen.getScreens().stream().map(Screen::getVisualBounds)
                .anyMatch((Rectangle2D b) -> b.intersects(p.x(), p.y(), Math.min(p.width(), 200), 50));
        if (visible) {
            stage.setX(p.x());
            stage.setY(p.y());
        }
        stage.setMaximized(p.maximized());
    }

    static Settings.WindowPlacement capture(Stage stage) {
        return new Settings.WindowPlacement(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized());
    }
}
