package ai.cascade.ops.ui;

import javafx.scene.Node;

/** One tab of a {@link SectionedPage}: its own service calls, its own loading and errors. */
public interface PageSection {
    /** Stable name used by links from the overview ("activity", "statements", ...). */
    String id();

    String title();

    Node root();

    /** Shown (again): load or refresh in the background. */
    void refresh();

    /** Another tab or page is shown: stop periodic work that only serves the eye. */
    default void hidden() {}
}
