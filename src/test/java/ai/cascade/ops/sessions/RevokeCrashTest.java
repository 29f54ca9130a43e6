package ai.cascade.ops.sessions;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.SessionFixtures.TestConnections;
import ai.cascade.ops.testing.ChildJvm;
import ai.cascade.ops.testing.TestServers;
import io.lettuce.core.SetArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, data safety: a JVM revoking sessions is killed with SIGKILL, and afterwards every session it touched is
 * either untouched (value and TTL as before, token not blacklisted) or revoked (token blacklisted with a TTL, key
 * deleted, one audit entry) — never deleted without its blacklist entry. A new revoker (the restarted app) can then
 * revoke what is left. Real child JVMs, the real Postgres and Redis of this test JVM.
 * <p>
 * Two kinds of kill point: random ones while the child works through a list of sessions, and three exact ones,
 * reached by a local TCP proxy between the child and Redis that holds the traffic at MULTI, at EXEC, or holds
 * EXEC's answer (so the transaction has run on the server when the child dies).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RevokeCrashTest {
    private static final int RANDOM_RUNS = 10;
    private static final int SESSIONS_PER_RUN = 40;
    private static final long SEED = Long.getLong("revokeCrash.seed", System.nanoTime());

    static String url;
    static Database db;
    static RedisConnection redis;
    static int nextUser = 10_000;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("revoke_crash");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @Test
    void randomKillsNeverLeaveASessionDeletedWithoutItsTokenBlacklisted() throws Exception {
        Random random = new Random(SEED);
        int runsKilledMidList = 0;
        int revokedBeforeKills = 0;
        for (int run = 0; run < RANDOM_RUNS; run++) {
            Map<Integer, String> sessions = sessions(SESSIONS_PER_RUN);
            int first = sessions.keySet().iterator().next();
            int afterRevoked = random.nextInt(12);        // kill after this many reported revokes ...
            long extraNanos = random.nextInt(4_000_000);  // ... plus up to 4 ms, so the kill lands anywhere in the next one
            String at = "seed " + SEED + ", run " + run + ": killed after " + afterRevoked + " revokes + " + extraNanos / 1000 + " µs";

            Process child = child(TestServers.redisUrl(), first, SESSIONS_PER_RUN);
            List<Integer> reported;
            try {
                reported = awaitRevokes(child, afterRevoked);
                LockSupport.parkNanos(extraNanos);
            } finally {
                ChildJvm.kill(child);
            }
            Tally t = assertEachUntouchedOrRevoked(sessions, at);
            assertThat(t.revoked).as(at + ": each session the child reported revoked is revoked").containsAll(reported);
            if (!t.revoked.isEmpty() && !t.untouched.isEmpty()) runsKilledMidList++;
            revokedBeforeKills += t.revoked.size();
            assertRestartedAppRevokesTheRest(sessions, t.untouched, at);
        }
        // the property is only shown when kills landed in the middle of the work, not before or after it
        assertThat(runsKilledMidList).as("runs killed between revokes (seed " + SEED + ")").isGreaterThanOrEqualTo(RANDOM_RUNS / 2);
        assertThat(revokedBeforeKills).isPositive();
    }

    @Test
    void aKillAfterTheAuditEntryBeforeMultiLeavesTheSessionUntouched() throws Exception {
        Map<Integer, String> s = killedAtHold(Hold.BEFORE_MULTI);
        Tally t = assertEachUntouchedOrRevoked(s, "held before MULTI");
        assertThat(t.untouched).as("nothing reached Redis").hasSize(1);
        assertThat(auditRows(s.keySet().iterator().next())).as("the audit entry records the attempt").isEqualTo(1);
        assertRestartedAppRevokesTheRest(s, t.untouched, "held before MULTI");
    }

    @Test
    void aKillWithSetAndDelQueuedButNoExecLeavesTheSessionUntouched() throws Exception {
        Map<Integer, String> s = killedAtHold(Hold.BEFORE_EXEC);
        Tally t = assertEachUntouchedOrRevoked(s, "held before EXEC");
        assertThat(t.untouched).as("Redis discards a transaction whose client died before EXEC").hasSize(1);
        assertRestartedAppRevokesTheRest(s, t.untouched, "held before EXEC");
    }

    @Test
    void aKillAfterExecRanButBeforeItsAnswerLeavesTheSessionRevoked() throws Exception {
        Map<Integer, String> s = killedAtHold(Hold.EXEC_ANSWER);
        Tally t = assertEachUntouchedOrRevoked(s, "held EXEC's answer");
        assertThat(t.revoked).as("EXEC ran on the server before the kill").hasSize(1);
    }

    // ---- helpers ----

    /** The sessions the tests revoke: user id → token id, each with a 1-hour TTL and an exp in the future. */
    private static Map<Integer, String> sessions(int count) {
        Map<Integer, String> out = new LinkedHashMap<>();
        long exp = Instant.now().getEpochSecond() + 3600;
        for (int i = 0; i < count; i++) {
            int user = nextUser++;
            String jti = UUID.randomUUID().toString();
            out.put(user, jti);
            redis.run("writing a session", c -> c.set(sessionKey(user), SessionFixtures.sessionJson(user, "Crash_" + user, jti, exp),
                    SetArgs.Builder.ex(3600)));
        }
        return out;
    }

    private static String sessionKey(int user) { return "cascade:session:" + user; }

    private record Tally(List<Integer> untouched, List<Integer> revoked) {}

    /** The claim, per session, checked on Redis and Postgres directly. */
    private static Tally assertEachUntouchedOrRevoked(Map<Integer, String> sessions, String at) {
        List<Integer> untouched = new ArrayList<>();
        List<Integer> revoked = new ArrayList<>();
        for (Map.Entry<Integer, String> e : sessions.entrySet()) {
            int user = e.getKey();
            String blacklist = "cascade:blacklist:" + e.getValue();
            String value = get(sessionKey(user));
            boolean blacklisted = exists(blacklist) == 1;
            String what = at + ", session of user " + user;
            assertThat(value != null || blacklisted).as(what + ": deleted without its token blacklisted").isTrue();
            assertThat(value != null && blacklisted).as(what + ": blacklisted but not deleted, though both run in one MULTI/EXEC").isFalse();
            if (value != null) {
                assertThat(value).as(what + ": untouched").contains("\"jti\": \"" + e.getValue() + "\"");
                assertThat(ttl(sessionKey(user))).as(what + ": TTL kept").isPositive();
                assertThat(auditRows(user)).as(what + ": at most the attempt's audit entry").isLessThanOrEqualTo(1);
                untouched.add(user);
            } else {
                assertThat(ttl(blacklist)).as(what + ": blacklist entry expires").isPositive();
                assertThat(get(blacklist)).as(what).contains("\"by\":\"support:");
                assertThat(auditRows(user)).as(what + ": one audit entry, written before Redis").isEqualTo(1);
                revoked.add(user);
            }
        }
        return new Tally(untouched, revoked);
    }

    /** The restarted app revokes what the killed one left, with nothing in its way (no stale lock, watch or entry). */
    private static void assertRestartedAppRevokesTheRest(Map<Integer, String> sessions, List<Integer> untouched, String at) {
        SessionRevoker restarted = new SessionRevoker(new TestConnections(db, redis), "restarted");
        for (int user : untouched)
            assertThat(restarted.revoke(sessionKey(user), "after the crash").result()).as(at).isEqualTo(SessionRevoker.Result.REVOKED);
        for (Map.Entry<Integer, String> e : sessions.entrySet()) {
            assertThat(exists(sessionKey(e.getKey()))).as(at).isZero();
            assertThat(exists("cascade:blacklist:" + e.getValue())).as(at).isOne();
        }
    }

    private static String get(String key) { return redis.run("reading " + key, c -> c.get(key)); }

    private static long exists(String key) { return redis.run("reading " + key, c -> c.exists(key)); }

    private static long ttl(String key) { return redis.run("reading " + key, c -> c.ttl(key)); }

    private static long auditRows(int user) {
        return SessionFixtures.count(url, "SELECT count(*) FROM ops.audit_log WHERE action = 'revoke-session' AND target = '"
                + sessionKey(user) + "'");
    }

    private static Process child(String redisUrl, int first, int count) throws IOException {
        return ChildJvm.start(RevokerChild.class, url, redisUrl, String.valueOf(first), String.valueOf(count));
    }

    /** Reads the child's output until it has reported {@code n} revokes; a child that ends first fails with its output. */
    private static List<Integer> awaitRevokes(Process child, int n) throws Exception {
        List<Integer> revoked = new ArrayList<>();
        // READY comes before any REVOKED line, so it is where a wait for no revokes ends
        String last = ChildJvm.awaitLine(child, "READY and " + n + " REVOKED lines", line -> {
            if (line.startsWith("REVOKED ")) revoked.add(Integer.parseInt(line.split(" ")[1]));
            return line.startsWith("NOT-REVOKED") || (line.equals("READY") || line.startsWith("REVOKED ")) && revoked.size() >= n;
        });
        assertThat(last).as("the child stopped after " + revoked.size() + " of " + n + " revokes").doesNotStartWith("NOT-REVOKED");
        return revoked;
    }

    private enum Hold { BEFORE_MULTI, BEFORE_EXEC, EXEC_ANSWER }

    /** One session, revoked by a child through a proxy that holds at {@code hold}; the child is killed there. */
    private static Map<Integer, String> killedAtHold(Hold hold) throws Exception {
        Map<Integer, String> s = sessions(1);
        int redisPort = Integer.parseInt(TestServers.redisUrl().substring(TestServers.redisUrl().lastIndexOf(':') + 1));
        try (HoldingProxy proxy = new HoldingProxy(redisPort, hold)) {
            Process child = child("redis://localhost:" + proxy.port(), s.keySet().iterator().next(), 1);
            try {
                assertThat(proxy.held.await(120, TimeUnit.SECONDS)).as("the proxy reached " + hold).isTrue();
            } finally {
                ChildJvm.kill(child);
            }
        }
        return s;
    }

    /**
     * A TCP proxy to Redis that, in the client's stream, finds the first MULTI or EXEC command and stops there:
     * before MULTI or EXEC nothing more is forwarded; at EXEC_ANSWER the EXEC is forwarded and its answer kept back.
     * {@link #held} opens when the hold is reached (for EXEC_ANSWER: when Redis has answered EXEC).
     */
    private static final class HoldingProxy implements AutoCloseable {
        final CountDownLatch held = new CountDownLatch(1);
        private final ServerSocket server;
        private final int redisPort;
        private final Hold hold;
        private final List<Socket> sockets = new ArrayList<>();
        private volatile boolean answersHeld;

        HoldingProxy(int redisPort, Hold hold) throws IOException {
            this.redisPort = redisPort;
            this.hold = hold;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "holding-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        int port() { return server.getLocalPort(); }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                    synchronized (sockets) {
                        sockets.add(client);
                        sockets.add(upstream);
                    }
                    pump(client, upstream, true);
                    pump(upstream, client, false);
                }
            } catch (IOException closed) {
                // the proxy was closed
            }
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            byte[] pattern = (hold == Hold.BEFORE_MULTI ? "MULTI\r\n" : "EXEC\r\n").getBytes(StandardCharsets.US_ASCII);
            Thread t = new Thread(() -> {
                byte[] window = new byte[pattern.length];
                boolean stopped = false;
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    byte[] buf = new byte[8192];
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        if (stopped) continue;   // swallow the rest until the client dies
                        if (!fromClient) {
                            if (answersHeld) {
                                held.countDown();   // EXEC has run: its answer is here, and it stays here
                                stopped = true;
                                continue;
                            }
                            out.write(buf, 0, n);
                            out.flush();
                            continue;
                        }
                        int end = n;
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(window, 1, window, 0, window.length - 1);
                            window[window.length - 1] = buf[i];
                            if (java.util.Arrays.equals(window, pattern) && held.getCount() > 0 && !answersHeld) {
                                // the command starts with "*1\r\n$4\r\n" before its name; cut there when holding before it
                                end = hold == Hold.EXEC_ANSWER ? i + 1 : Math.max(0, i + 1 - pattern.length - "*1\r\n$4\r\n".length());
                                stopped = true;
                                break;
                            }
                        }
                        if (stopped && hold == Hold.EXEC_ANSWER) answersHeld = true;
                        out.write(buf, 0, end);
                        out.flush();
                        if (stopped && hold != Hold.EXEC_ANSWER) held.countDown();
                    }
                } catch (IOException ignored) {
                    // one side closed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "holding-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() {
            closeQuietly(server);
            synchronized (sockets) {
                sockets.forEach(HoldingProxy::closeQuietly);
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
    }
}
