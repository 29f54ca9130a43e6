package ai.cascade.ops.app;

import ai.cascade.ops.config.AppDirectories;
import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: hands the stage to the {@link Console}, which does the wiring. */
public final class CascadeOpsApp extends Application {
    private static volatile Console.Options options = new Console.Options(null, null, null);

    static void prepare(Console.Options o) {
        options = o;
    }

    /** The toolkit is up: load the icon font on another core while {@link #start} builds the window. */
    @Override
    public void init() {
        Thread t = new Thread(() -> new org.kordamp.ikonli.javafx.FontIcon("mdi2c-circle"), "ops-icon-font");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void start(Stage stage) {
        new Console(AppDirectories.forUser(), options).start(stage);
    }
}
