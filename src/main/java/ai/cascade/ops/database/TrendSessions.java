package ai.cascade.ops.database;

/**
 * Sessions on the current database at one sample. {@code connected} is pg_stat_database's numbackends (every
 * backend, the sampler's own included); the states count client sessions other than the sampler's. {@code hidden}
 * sessions belong to other logins whose state this login may not read (it lacks pg_read_all_stats).
 */
public record TrendSessions(int connected, int active, int idle, int idleInTransaction, int waitingOnLocks, int hidden) {}
