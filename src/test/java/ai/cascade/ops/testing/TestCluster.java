package ai.cascade.ops.testing;

import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.InvalidSettingException;
import ai.cascade.ops.config.RedisAddress;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A real three-master Redis Cluster on loopback for the whole test run, from the redis-server 6.2 binary that
 * embedded-redis ships (nothing installed on the machine is used). Started on first use, stopped when the JVM exits.
 * Each master serves a third of the 16,384 hash slots; there are no replicas.
 */
public final class TestCluster {
    public static final int MASTERS = 3;
    public static final int SLOTS = 16_384;
    private static final Duration FORMING_LIMIT = Duration.ofSeconds(30);

    /** One master: its port and the slots it was given, {@code [from, to]} inclusive. */
    public record Master(int port, int firstSlot, int lastSlot) {
        public String url() { return "redis://127.0.0.1:" + port; }

        public boolean serves(int slot) { return slot >= firstSlot && slot <= lastSlot; }
    }

    private static TestCluster cluster;

    private final Path dir;
    private final List<RedisServer> servers;
    private final List<Master> masters;
    private final RedisClient client;

    private TestCluster(Path dir, List<RedisServer> servers, List<Master> masters) {
        this.dir = dir;
        this.servers = servers;
        this.masters = List.copyOf(masters);
        this.client = RedisClient.create();
    }

    /** The cluster of this test run, formed on first use. */
    public static synchronized TestCluster get() {
        if (cluster == null) {
            cluster = start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "test-cluster-stop"));
        }
        return cluster;
    }

    /** The first master's URL: a client given only this must discover the other two. */
    public String seedUrl() { return masters.get(0).url(); }

    public List<Master> masters() { return masters; }

    /** A client of the app's kind on the seed node. */
    public RedisConnection connection() {
        try {
            return new RedisConnection(RedisAddress.parse(seedUrl()));
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Empties every master (FLUSHALL is per node in a cluster). */
    public void flush() {
        for (Master m : masters) on(m, c -> c.flushall());
    }

    /** The master that serves {@code slot} by the assignment this class made (the oracle, not the server's word). */
    public Master masterOf(int slot) {
        return masters.stream().filter(m -> m.serves(slot)).findFirst().orElseThrow();
    }

    /** Runs commands on one master over a plain Lettuce connection (no cluster routing: a wrong slot gets MOVED). */
    public <T> T on(Master m, Function<RedisCommands<String, String>, T> work) {
        try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(m.url()))) {
            return work.apply(c.sync());
        }
    }

    /** Keys per master, by DBSIZE. */
    public List<Long> dbsizes() {
        return masters.stream().map(m -> on(m, RedisCommands::dbsize)).toList();
    }

    private static TestCluster start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("cascade-ops-test-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the test cluster's folder", e);
        }
        List<RedisServer> servers = new ArrayList<>();
        List<Master> masters = new ArrayList<>();
        List<Integer> ports = freePortPairs(MASTERS);
        try {
            for (int i = 0; i < MASTERS; i++) {
                int port = ports.get(i);
                RedisServer s = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                        .setting("dir " + dir)
                        .setting("cluster-enabled yes")
                        .setting("cluster-config-file nodes-" + port + ".conf")
                        .setting("cluster-node-timeout 5000")
                        .setting("save \"\"").setting("appendonly no")
                        .build();
                s.start();
                servers.add(s);
                int from = i * SLOTS / MASTERS, to = (i + 1) * SLOTS / MASTERS - 1;
                masters.add(new Master(port, from, to));
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(TestCluster::quietlyStop);
            deleteQuietly(dir);
            throw new IllegalStateException("could not start the test cluster's redis-server nodes", e);
        }
        TestCluster c = new TestCluster(dir, servers, masters);
        try {
            c.form();
        } catch (RuntimeException e) {
            c.stop();
            throw e;
        }
        return c;
    }

    /** Slots first (Redis 6.2 has no ADDSLOTSRANGE), then MEET, then wait until every node agrees. */
    private void form() {
        for (Master m : masters) {
            int[] slots = IntStream.rangeClosed(m.firstSlot(), m.lastSlot()).toArray();
            on(m, c -> c.clusterAddSlots(slots));
        }
        Master seed = masters.get(0);
        for (Master m : masters.subList(1, masters.size())) on(seed, c -> c.clusterMeet("127.0.0.1", m.port()));
        long end = System.nanoTime() + FORMING_LIMIT.toNanos();
        while (!formed()) {
            if (System.nanoTime() > end)
                throw new IllegalStateException("the test cluster did not reach cluster_state:ok with " + MASTERS + " masters within "
                        + FORMING_LIMIT.toSeconds() + " s: " + masters.stream().map(m -> on(m, RedisCommands::clusterInfo)).toList());
            sleep(100);
        }
    }

    private boolean formed() {
        for (Master m : masters) {
            String info = on(m, RedisCommands::clusterInfo);
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_size:" + MASTERS)
                    || !info.contains("cluster_known_nodes:" + MASTERS)) return false;
            String nodes = on(m, RedisCommands::clusterNodes);
            long mastersWithSlots = nodes.lines().filter(l -> l.contains("master") && l.split(" ").length > 8).count();
            if (mastersWithSlots != MASTERS) return false;
        }
        return true;
    }

    private void stop() {
        servers.forEach(TestCluster::quietlyStop);
        deleteQuietly(dir);
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            // the JVM is ending anyway
        }
    }

    /** The nodes' cluster config files: a next run forms a new cluster on new ports. */
    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }

    private static void quietlyStop(RedisServer s) {
        try {
            s.stop();
        } catch (IOException | RuntimeException e) {
            // the JVM is ending; a node left behind dies with its parent's pipes
        }
    }

    /** Ports whose cluster bus port (port + 10000) is free as well. */
    private static List<Integer> freePortPairs(int n) {
        List<Integer> out = new ArrayList<>();
        for (int attempt = 0; out.size() < n && attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (out.contains(port) || out.contains(port + 10_000) || out.contains(port - 10_000)) continue;
            if (free(port) && free(port + 10_000)) out.add(port);
        }
        if (out.size() < n) throw new IllegalStateException("found no free port pairs for the test cluster");
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the test cluster formed", e);
        }
    }
}
