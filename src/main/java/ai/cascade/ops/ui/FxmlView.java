package ai.cascade.ops.ui;

import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;

/** Loads {@code <ClassName>.fxml} from beside the class with this object as its controller, then calls {@link #didLoad()}. */
public abstract class FxmlView {
    private volatile Parent root;
    /** Nodes {@link #prebuild()} made ahead of the first {@link #root()}, which still has to call didLoad(). */
    private Parent prebuilt;
    /** Held while the FXML loads, so a prebuild in flight and the FX thread never load into the same fields at once. */
    private final Object loading = new Object();

    protected final void loadFxml() {
        synchronized (loading) {
            // root is set inside the lock: a prebuild that got the lock next must see it, or it would inject anew
            root = prebuilt != null ? prebuilt : loadNodes();
            prebuilt = null;
        }
        didLoad();
    }

    private Parent loadNodes() {
        String name = getClass().getSimpleName() + ".fxml";
        URL url = getClass().getResource(name);
        if (url == null) throw new IllegalStateException("missing FXML " + name + " beside " + getClass().getName());
        FXMLLoader loader = new FXMLLoader(url);
        loader.setController(this);
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("could not load " + name, e);
        }
    }

    /**
     * Builds the page's nodes from its FXML on the calling thread, ahead of the first {@link #root()}, so that first
     * visit does not hold the FX thread for it (measured: 80-290 ms a page under load). JavaFX allows building nodes
     * off the FX thread while they are in no scene; {@link #didLoad()}, which wires them to the rest of the console,
     * still runs on the FX thread at the first {@code root()}. Does nothing once loaded.
     */
    public final void prebuild() {
        synchronized (loading) {
            if (root != null || prebuilt != null) return;
            prebuilt = loadNodes();
        }
    }

    /** Called once the FXML fields are injected. */
    protected void didLoad() {}

    public Parent root() {
        if (root == null) loadFxml();
        return root;
    }
}
