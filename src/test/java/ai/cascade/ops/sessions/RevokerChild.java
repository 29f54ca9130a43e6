package ai.cascade.ops.sessions;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.RedisAddress;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.SessionFixtures.TestConnections;
import ai.cascade.ops.testing.TestServers;

import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of {@link RevokeCrashTest}: revokes the sessions of users {@code first .. first+count-1} one after
 * another against the parent's Postgres and Redis, saying {@code REVOKED <user>} after each, then {@code ENDED}, and
 * waits to be killed. Arguments: Postgres URL, Redis URL, first user id, count.
 */
public final class RevokerChild {
    private RevokerChild() {}

    public static void main(String[] args) throws Exception {
        Database db = TestServers.open(args[0]);
        RedisConnection redis = new RedisConnection(RedisAddress.parse(args[1]));
        int first = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        SessionRevoker revoker = new SessionRevoker(new TestConnections(db, redis), "crash-child");
        System.out.println("READY");
        System.out.flush();
        for (int user = first; user < first + count; user++) {
            SessionRevoker.Outcome o = revoker.revoke("cascade:session:" + user, "Crash test: revoke killed mid-way");
            System.out.println((o.revoked() ? "REVOKED " : "NOT-REVOKED ") + user + " " + o.result());
            System.out.flush();
        }
        System.out.println("ENDED");
        System.out.flush();
        new CountDownLatch(1).await();   // until SIGKILL
    }
}
