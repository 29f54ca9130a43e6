package ai.cascade.ops.ui;

import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;

import java.util.concurrent.atomic.AtomicInteger;

/** A page for FxmlViewTest: counts its didLoad calls and notes the thread of each. */
final class PrebuiltPage extends FxmlView {
    @FXML Label title;
    @FXML TableView<String> table;
    final AtomicInteger loads = new AtomicInteger();
    volatile boolean loadedOnFx;
    volatile String titleSeenInDidLoad;

    @Override
    protected void didLoad() {
        loads.incrementAndGet();
        loadedOnFx = Platform.isFxApplicationThread();
        titleSeenInDidLoad = title == null ? null : title.getText();
    }
}
