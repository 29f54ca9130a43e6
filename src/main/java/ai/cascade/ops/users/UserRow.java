package ai.cascade.ops.users;

import java.time.LocalDateTime;

/** One row of {@code cascade_users} as the users table shows it; times are UTC, as stored. */
public record UserRow(int id, String username, String email, String customerId, String tier, String status,
                      LocalDateTime lastLogin, LocalDateTime createdAt) {
}
