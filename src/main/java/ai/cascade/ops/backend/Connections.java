package ai.cascade.ops.backend;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;

/**
 * The clients of the active profile. A backend that is not configured, or whose address is invalid,
 * answers with a {@link BackendException} saying so, so services need no null checks.
 */
public interface Connections {
    Database database();

    RedisConnection redis();
}
