package ai.cascade.ops.sessions;

import ai.cascade.ops.ui.PlannedView;

/** Sessions: not built yet (issue #7); the page says what it will show. */
public final class SessionsView extends PlannedView {
}
