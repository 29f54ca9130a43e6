package ai.cascade.ops.users;

import ai.cascade.ops.ui.PlannedView;

/** Users: not built yet (issue #4); the page says what it will show. */
public final class UsersView extends PlannedView {
}
