package ai.cascade.ops.cache;

/**
 * One Redis server holding part of the keyspace: the only one of a standalone server, or a master of a cluster
 * (with the hash slots it serves). {@code id} is "host:port", the key under which the console tallies its own
 * lookups on that server ({@link OwnLookups}).
 */
public record RedisNode(String host, int port, String clusterId, java.util.List<int[]> slots) {
    public RedisNode {
        slots = slots == null ? java.util.List.of() : java.util.List.copyOf(slots);
    }

    public static RedisNode standalone(String host, int port) {
        return new RedisNode(host, port, "", java.util.List.of());
    }

    public String id() { return host + ":" + port; }

    public boolean serves(int slot) {
        for (int[] r : slots) if (slot >= r[0] && slot <= r[1]) return true;
        return false;
    }

    @Override
    public String toString() { return id(); }
}
