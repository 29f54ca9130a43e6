package ai.cascade.ops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real TCP proxy on a loopback port, forwarding to one target, whose behaviour can be switched at any time
 * to stage outages against the real servers behind it:
 * <ul>
 *   <li>{@link #pass()}: forwards both ways as it comes;</li>
 *   <li>{@link #delay(Duration)}: forwards each chunk, both ways, only after the delay (a slow server or network);</li>
 *   <li>{@link #blackhole()}: keeps accepting and reading, but forwards nothing either way, so nothing is ever
 *       answered (data already read is held, not dropped, and arrives once the mode changes, as TCP would deliver it);</li>
 *   <li>{@link #down()}: stops listening (connections refused) and closes every open connection;
 *       {@link #up()} listens again on the same port.</li>
 * </ul>
 * The mode is read per chunk, so switching affects connections already open. Threads are daemons.
 */
public final class TcpProxy implements AutoCloseable {
    private enum Mode { PASS, DELAY, BLACKHOLE }

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMs;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort, ServerSocket listener) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = listener;
        this.port = listener.getLocalPort();
    }

    /** Starts a proxy on a free loopback port, in PASS mode. */
    public static TcpProxy start(String host, int port) {
        try {
            TcpProxy p = new TcpProxy(host, port, bind(0));
            p.acceptOn(p.listener);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a proxy port", e);
        }
    }

    /** The loopback port clients connect to. Stays the same across {@link #down()} and {@link #up()}. */
    public int port() {
        return port;
    }

    /** "127.0.0.1:port", for building URLs. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public void pass() {
        mode = Mode.PASS;
    }

    public void delay(Duration d) {
        delayMs = d.toMillis();
        mode = Mode.DELAY;
    }

    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** Stops listening, so new connections are refused, and closes every open connection. */
    public synchronized void down() {
        ServerSocket l = listener;
        listener = null;
        if (l != null) closeQuietly(l);
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    /** Listens again on the same port, in PASS mode. */
    public synchronized void up() {
        if (closed) throw new IllegalStateException("proxy closed");
        mode = Mode.PASS;
        if (listener != null) return;
        IOException last = null;
        // The port was just released; on a busy machine binding it again can take a moment.
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                listener = bind(port);
                acceptOn(listener);
                return;
            } catch (IOException e) {
                last = e;
                sleep(100);
            }
        }
        throw new IllegalStateException("cannot listen again on port " + port, last);
    }

    @Override
    public synchronized void close() {
        closed = true;
        down();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return s;
    }

    private void acceptOn(ServerSocket l) {
        daemon("proxy-accept-" + port, () -> {
            while (!l.isClosed()) {
                Socket client;
                try {
                    client = l.accept();
                } catch (IOException e) {
                    return;   // closed by down()
                }
                track(client);
                daemon("proxy-conn-" + port, () -> connect(client));
            }
        });
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(new InetSocketAddress(targetHost, targetPort), 5000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            return;
        }
        track(server);
        if (listener == null) {   // went down while connecting
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        daemon("proxy-up-" + port, () -> pump(client, server));
        pump(server, client);
    }

    private void track(Socket s) {
        open.add(s);
        try {
            s.setTcpNoDelay(true);
        } catch (SocketException ignored) {
            // only a latency hint
        }
    }

    /** A chunk as read, and when: a delay is latency counted from here, not a cap on throughput. */
    private record Chunk(byte[] bytes, long readAtNanos) {}

    private static final Chunk END = new Chunk(new byte[0], 0);

    /** Reads {@code from} into a queue and writes the queue to {@code to} as the mode allows, until either side closes. */
    private void pump(Socket from, Socket to) {
        java.util.concurrent.BlockingQueue<Chunk> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        daemon("proxy-write-" + port, () -> drain(queue, from, to));
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) queue.add(new Chunk(java.util.Arrays.copyOf(buf, n), System.nanoTime()));
        } catch (IOException e) {
            // closed or reset: the writer closes both sides
        } finally {
            queue.add(END);
        }
    }

    private void drain(java.util.concurrent.BlockingQueue<Chunk> queue, Socket from, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk c = queue.take();
                if (c == END) break;
                // A black hole holds the data rather than dropping it: on a real network TCP keeps retransmitting,
                // so whatever was sent arrives in order once the hole closes (dropping would corrupt the protocol).
                while (mode == Mode.BLACKHOLE && !to.isClosed()) Thread.sleep(20);
                if (mode == Mode.DELAY) {
                    long wait = c.readAtNanos() + delayMs * 1_000_000L - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
                out.write(c.bytes());
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed or reset
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
