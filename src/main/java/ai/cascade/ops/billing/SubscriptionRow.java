package ai.cascade.ops.billing;

import java.time.LocalDateTime;

/**
 * One row of {@code subscriptions} as the subscriptions table shows it, with its user's Venice username.
 * {@code amount} is in the currency's minor units per billing interval (null when the backend left it
 * empty); {@code currency} comes from the tier's configuration and is null when the tier is not
 * configured. Times are UTC, as stored.
 */
public record SubscriptionRow(int id, Integer userId, String username, String subscriptionId, String tier, Integer amount,
                              String currency, String status, LocalDateTime periodStart, LocalDateTime periodEnd,
                              LocalDateTime createdAt) {
}
