package ai.cascade.ops.ui;

import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;

/** Loads {@code <ClassName>.fxml} from beside the class with this object as its controller, then calls {@link #didLoad()}. */
public abstract class FxmlView {
    private Parent root;

    protected final void loadFxml() {
        String name = getClass().getSimpleName() + ".fxml";
        URL url = getClass().getResource(name);
        if (url == null) throw new IllegalStateException("missing FXML " + name + " beside " + getClass().getName());
        FXMLLoader loader = new FXMLLoader(url);
        loader.setController(this);
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("could not load " + name, e);
        }
        didLoad();
    }

    /** Called once the FXML fields are injected. */
    protected void didLoad() {}

    public Parent root() {
        if (root == null) loadFxml();
        return root;
    }
}
