package ai.cascade.ops.ui;

import javafx.scene.Parent;

/** A page of the console shown in the shell's main area. */
public interface ConsoleView {
    Parent root();

    /** Called each time the view is shown; loads or refreshes its data in the background. */
    void refresh();

    /** Loads anew on request (F5); a page that keeps its place between visits overrides this. */
    default void reload() {
        refresh();
    }
}
