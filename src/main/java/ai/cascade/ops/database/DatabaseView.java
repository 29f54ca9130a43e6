package ai.cascade.ops.database;

import ai.cascade.ops.ui.PlannedView;

/** Database: not built yet (issue #8); the page says what it will show. */
public final class DatabaseView extends PlannedView {
}
