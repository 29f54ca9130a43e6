package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.config.RedisAddress;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The console's one Lettuce client, set up so a down server is an error within seconds, never a
 * queue of waiting commands (STACK.md). Connects lazily and again after a failed first attempt.
 */
public final class RedisConnection implements AutoCloseable {
    /** The client name of the console's connections; its own scans add a suffix ("cascade-ops-inventory"). */
    public static final String CLIENT_NAME = "cascade-ops";
    private final RedisAddress address;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final OwnLookups lookups = new OwnLookups();
    private final Map<String, StatefulRedisConnection<byte[], byte[]>> nodeConnections = new HashMap<>();
    private StatefulRedisConnection<String, String> connection;

    public RedisConnection(RedisAddress address) {
        this.address = address;
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(address.url());
        uri.setTimeout(Duration.ofSeconds(3));
        // named, so CLIENT LIST and SLOWLOG tell the console's commands from the application's
        if (uri.getClientName() == null) uri.setClientName(CLIENT_NAME);
        this.uri = uri;
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(3)))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
    }

    public RedisAddress address() { return address; }

    /** Runs commands on the shared connection; failures become messages a person can act on. */
    public <T> T run(String what, Function<RedisCommands<String, String>, T> work) {
        try {
            return work.apply(connection().sync());
        } catch (RedisException e) {
            throw new BackendException(Backend.REDIS, explain(what, e), e);
        }
    }

    /**
     * Runs commands on a connection of their own, closed afterwards: for MULTI/EXEC and WATCH (connection state
     * that other threads' commands on the shared connection would otherwise join) and for pipelines that flush
     * by hand. Failures become messages a person can act on, as in {@link #run}.
     */
    public <T> T runDedicated(String what, Function<StatefulRedisConnection<String, String>, T> work) {
        try (StatefulRedisConnection<String, String> own = client.connect()) {
            return work.apply(own);
        } catch (RedisException e) {
            throw new BackendException(Backend.REDIS, explain(what, e), e);
        }
    }

    /** The tally of the console's own keyspace lookups on this server (or cluster), for honest hit rates. */
    public OwnLookups lookups() { return lookups; }

    /**
     * Runs commands with binary-safe keys and values on {@code node} over a connection shared by such calls
     * (opened on first use, reconnecting by itself). Not for pipelines or connection state: see {@link #runBytesDedicated}.
     */
    public <T> T runBytes(RedisNode node, String what, Function<RedisCommands<byte[], byte[]>, T> work) {
        try {
            return work.apply(nodeConnection(node).sync());
        } catch (RedisException e) {
            throw new BackendException(Backend.REDIS, explain(what, node, e), e);
        }
    }

    /**
     * Runs commands with binary-safe keys and values on a connection of their own to {@code node}, closed
     * afterwards: for pipelines that flush by hand (STACK.md's measured recipe for per-key metadata).
     */
    public <T> T runBytesDedicated(RedisNode node, String what, Function<StatefulRedisConnection<byte[], byte[]>, T> work) {
        try (StatefulRedisConnection<byte[], byte[]> own = client.connect(ByteArrayCodec.INSTANCE, uriOf(node))) {
            return work.apply(own);
        } catch (RedisException e) {
            throw new BackendException(Backend.REDIS, explain(what, node, e), e);
        }
    }

    private synchronized StatefulRedisConnection<byte[], byte[]> nodeConnection(RedisNode node) {
        StatefulRedisConnection<byte[], byte[]> c = nodeConnections.get(node.id());
        if (c == null || !c.isOpen()) {
            c = client.connect(ByteArrayCodec.INSTANCE, uriOf(node));
            nodeConnections.put(node.id(), c);
        }
        return c;
    }

    /** The profile's URI (credentials, TLS, timeout) pointed at another node of the same deployment. */
    private RedisURI uriOf(RedisNode node) {
        if (node.host().equals(uri.getHost()) && node.port() == uri.getPort()) return uri;
        return RedisURI.builder(uri).withHost(node.host()).withPort(node.port()).withDatabase(0).build();
    }

    private String explain(String what, RedisNode node, RedisException e) {
        String text = explain(what, e);
        String self = address.describe();
        return node.id().equals(self) ? text : text.replace("Redis at " + self, "Redis node " + node.id());
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (connection == null) connection = client.connect();
        return connection;
    }

    /** What went wrong, for a person. */
    public String explain(String what, RedisException e) {
        String where = "Redis at " + address.describe();
        String detail = root(e);
        if (detail.contains("NOAUTH") || detail.contains("WRONGPASS") || detail.contains("invalid username-password"))
            return where + " rejected the credentials. Check the user and password in the profile's Redis URL.";
        if (detail.contains("NOPERM"))
            return where + " refused " + what + ": this Redis user lacks the permission (" + detail + ").";
        if (e instanceof RedisCommandTimeoutException)
            return where + " did not answer within 3 s while " + what + ".";
        if (detail.contains("timed out"))   // silence, not a refusal: asking "is the port right?" would mislead
            return where + " did not answer in time while " + what + " (" + detail + "). The server, or the network to it, may be overloaded.";
        if (e instanceof RedisConnectionException || detail.contains("Connection refused"))
            return where + " is unreachable (" + detail + "). Is the server running, and is the port right?";
        if (detail.contains("Currently not connected") || detail.contains("Connection closed"))
            return where + " is disconnected; reconnecting in the background.";
        if (causedByIo(e))
            return where + " dropped the connection while " + what + " (the server restarted, failed over, or the network broke); reconnecting in the background.";
        return where + " failed while " + what + ": " + detail;
    }

    /** A reset or broken socket mid-command: the server went away (restart, failover, network), not a refusal. */
    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t instanceof java.io.IOException) return true;
        return false;
    }

    private static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String top = e.getMessage() == null ? "" : e.getMessage();
        return top.contains(m) ? top : top + ": " + m;
    }

    @Override
    public synchronized void close() {
        if (connection != null) connection.close();
        nodeConnections.values().forEach(StatefulRedisConnection::close);
        nodeConnections.clear();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
}
