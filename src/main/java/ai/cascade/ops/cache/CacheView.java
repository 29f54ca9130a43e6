package ai.cascade.ops.cache;

import ai.cascade.ops.ui.PlannedView;

/** Cache: not built yet (issue #6); the page says what it will show. */
public final class CacheView extends PlannedView {
}
