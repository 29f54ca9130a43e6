package ai.cascade.ops.billing;

import ai.cascade.ops.ui.PlannedView;

/** Subscriptions: not built yet (issue #4); the page says what it will show. */
public final class SubscriptionsView extends PlannedView {
}
