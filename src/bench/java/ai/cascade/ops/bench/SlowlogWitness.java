package ai.cascade.ops.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whose commands reached the slowlog. Redis logs each slow command with its client's address and name; the
 * inventory's connections have no name unless the app sets one ({@link #APP_CLIENT_NAME}), and redis-cli's never
 * do. So a poller reads CLIENT LIST every 25 ms and remembers, for each client address, which phase of the
 * benchmark it was first seen in (the app's run, a redis-cli run, or the benchmark's own set-up). A slowlog entry
 * from an address never seen falls back to its timestamp (whole seconds) against the phases' time windows.
 */
final class SlowlogWitness implements AutoCloseable {
    static final String APP_CLIENT_NAME = "cascade-ops-inventory";

    enum Phase { BENCH, REFERENCE, APP }

    /** One slowlog entry, with whose it is; {@code command} is the command's name only (arguments may be credentials). */
    record Entry(long id, long unixSeconds, long micros, String command, int args, String client, String name, String whose) {}

    private record Window(Phase phase, long fromSeconds, long toSeconds) {}

    private final StatefulRedisConnection<String, String> poller;
    private final long pollerId;
    private final Map<String, Phase> firstSeen = new ConcurrentHashMap<>();
    private final List<Window> windows = new ArrayList<>();
    private final Thread thread;
    private volatile Phase phase = Phase.BENCH;
    private volatile boolean stopped;
    private long windowStart;

    SlowlogWitness(RedisClient client) {
        poller = client.connect();
        pollerId = poller.sync().clientId();
        poll();
        thread = new Thread(this::run, "slowlog-witness");
        thread.setDaemon(true);
        thread.start();
    }

    /** From now on, new clients belong to {@code p} (until {@link #end}). */
    synchronized void begin(Phase p) {
        poll();   // clients of the phase before are known before this one starts
        phase = p;
        windowStart = System.currentTimeMillis() / 1000;
    }

    synchronized void end() {
        poll();
        windows.add(new Window(phase, windowStart, System.currentTimeMillis() / 1000));
        phase = Phase.BENCH;
    }

    /** Every entry of the slowlog (its length set high enough beforehand), attributed. */
    List<Entry> entries(StatefulRedisConnection<String, String> control) {
        List<Object> raw = control.sync().slowlogGet(1_000_000);
        List<Entry> out = new ArrayList<>();
        for (Object o : raw) {
            List<?> e = (List<?>) o;
            List<?> args = (List<?>) e.get(3);
            String client = e.size() > 4 ? String.valueOf(e.get(4)) : "";
            String name = e.size() > 5 ? String.valueOf(e.get(5)) : "";
            long ts = ((Number) e.get(1)).longValue();
            out.add(new Entry(((Number) e.get(0)).longValue(), ts, ((Number) e.get(2)).longValue(),
                    args.isEmpty() ? "?" : String.valueOf(args.get(0)), args.size(), client, name, whose(client, name, ts)));
        }
        return out;
    }

    private String whose(String client, String name, long ts) {
        if (APP_CLIENT_NAME.equals(name)) return "app";
        Phase p = firstSeen.get(client);
        if (p != null) return label(p);
        List<Phase> during;
        synchronized (this) {
            during = windows.stream().filter(w -> ts >= w.fromSeconds && ts <= w.toSeconds).map(Window::phase).distinct().toList();
        }
        return during.size() == 1 ? label(during.get(0)) + " (by time)" : "unattributed";
    }

    private static String label(Phase p) {
        return switch (p) {
            case APP -> "app";
            case REFERENCE -> "redis-cli";
            case BENCH -> "bench";
        };
    }

    private void run() {
        while (!stopped) {
            try {
                Thread.sleep(25);
                poll();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopped) System.err.println("slowlog witness: CLIENT LIST failed: " + e.getMessage());
            }
        }
    }

    private synchronized void poll() {
        String list = poller.sync().clientList();
        for (String line : list.split("\n")) {
            String id = field(line, "id");
            String addr = field(line, "addr");
            if (addr == null) continue;
            firstSeen.putIfAbsent(addr, Long.toString(pollerId).equals(id) ? Phase.BENCH : phase);   // CLIENT LIST itself may be slow
        }
    }

    private static String field(String line, String name) {
        for (String f : line.strip().split(" "))
            if (f.startsWith(name + "=")) return f.substring(name.length() + 1);
        return null;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }
}
