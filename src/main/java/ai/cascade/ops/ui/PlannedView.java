package ai.cascade.ops.ui;

/** A page whose capability is not built yet: its FXML says so plainly and what it will show. Loads nothing. */
public abstract class PlannedView extends FxmlView implements ConsoleView {
    @Override
    public void refresh() {
        root();
    }
}
