package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.Connections;
import io.lettuce.core.cluster.SlotHash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the keys live: the one server of a standalone Redis, or every master of a Redis Cluster, found by asking
 * the server ({@code INFO cluster}, then {@code CLUSTER NODES}), so a profile needs no setting for it. Key-level
 * commands go to the master serving the key's hash slot; SCAN runs on every master.
 */
public final class RedisKeyspace {
    /** Masters and whether they form a cluster. */
    public record Topology(boolean cluster, List<RedisNode> masters) {
        public Topology {
            masters = List.copyOf(masters);
        }
    }

    private final Supplier<RedisConnection> redis;
    private Topology topology;

    public RedisKeyspace(RedisConnection redis) {
        this.redis = () -> redis;
    }

    /** On the profile's Redis, asked for at each use: a profile without Redis fails there, with the reason, not here. */
    public RedisKeyspace(Connections connections) {
        this.redis = connections::redis;
    }

    public RedisConnection redis() { return redis.get(); }

    /** The topology read last, or read now. */
    public synchronized Topology topology() {
        if (topology == null) topology = read();
        return topology;
    }

    /** Reads the topology anew (after a failover or resharding, or before a long scan). */
    public synchronized Topology refresh() {
        topology = read();
        return topology;
    }

    /** The master serving {@code key} (the only server when standalone). */
    public RedisNode nodeFor(byte[] key) {
        Topology t = topology();
        if (!t.cluster()) return t.masters().get(0);
        int slot = SlotHash.getSlot(key);
        for (RedisNode n : t.masters()) if (n.serves(slot)) return n;
        throw new BackendException(Backend.REDIS, "No Redis Cluster master serves hash slot " + slot
                + " (the cluster is incomplete or resharding). Try again in a moment.");
    }

    private Topology read() {
        RedisConnection redis = redis();
        String info = redis.run("asking whether Redis is a cluster", c -> c.info("cluster"));
        Map<String, String> fields = CacheChecks.parseInfo(info);
        String host = redis.address().host();
        int port = redis.address().port();
        if (!"1".equals(fields.get("cluster_enabled")))
            return new Topology(false, List.of(RedisNode.standalone(host, port)));
        String nodes = redis.run("listing the Redis Cluster's masters", c -> c.clusterNodes());
        List<RedisNode> masters = parseClusterNodes(nodes, host);
        if (masters.isEmpty())
            throw new BackendException(Backend.REDIS, "Redis at " + redis.address().describe()
                    + " is in cluster mode but its cluster has no master with hash slots yet.");
        return new Topology(true, masters);
    }

    /**
     * Masters with slots from CLUSTER NODES' text: {@code <id> <ip:port@cport[,hostname]> <flags> <master> ... <slot ranges>}.
     * A node announcing no address (a lone node, "myself") is reached at {@code seedHost}.
     */
    static List<RedisNode> parseClusterNodes(String text, String seedHost) {
        List<RedisNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 8) continue;
            List<String> flags = List.of(f[2].split(","));
            if (!flags.contains("master") || flags.contains("fail") || flags.contains("noaddr")) continue;
            String address = f[1].split("@")[0].split(",")[0];
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon);
            int port = Integer.parseInt(address.substring(colon + 1));
            if (host.isEmpty()) host = seedHost;
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                String r = f[i];
                if (r.startsWith("[")) continue;   // a slot being migrated or imported
                int dash = r.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(r.substring(dash + 1));
                slots.add(new int[]{from, to});
            }
            if (!slots.isEmpty()) out.add(new RedisNode(host, port, f[0], slots));
        }
        out.sort(java.util.Comparator.comparingInt(n -> n.slots().get(0)[0]));
        return out;
    }
}
