package ai.cascade.ops.cache;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.ui.Figures;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The key browser's search (issue #6, item 5): SCAN MATCH over every master, never KEYS, handing keys to the caller
 * as they are found and stopping at a limit, so a pattern matching millions of keys costs no more than the first
 * thousand. A literal search looks the typed key up first: an exact name shows at once even in a huge keyspace.
 */
public final class KeySearch {
    /** Keys shown at most; past it the person refines the search. */
    public static final int LIMIT = 1000;
    /** SCAN's COUNT: about a thousand buckets per call keeps each call well under a millisecond on the server (STACK.md). */
    static final int SCAN_COUNT = 1000;
    private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

    public enum Status { FINISHED, LIMITED, CANCELLED, FAILED }

    /** How far a search has come: keys found, masters done of all, SCAN calls made. */
    public record Progress(long found, int mastersDone, int masters, long scanCalls) {}

    /** How a search ended, with a sentence for the person. */
    public record Outcome(Status status, long found, String message) {}

    private final RedisKeyspace keyspace;
    private final int limit;
    private final int scanCount;

    public KeySearch(RedisKeyspace keyspace) {
        this(keyspace, LIMIT, SCAN_COUNT);
    }

    /** With another limit and SCAN COUNT (tests: a search slow enough to interrupt, or a limit reached on few keys). */
    KeySearch(RedisKeyspace keyspace, int limit, int scanCount) {
        this.keyspace = keyspace;
        this.limit = limit;
        this.scanCount = scanCount;
    }

    public int limit() { return limit; }

    /**
     * Searches every master for {@code pattern}. {@code found} hears each new batch of distinct keys (a key SCAN
     * returns twice is handed over once) on this thread; {@code progress} hears how far it has come every 100 ms or
     * so. Stops at {@link #limit()} keys, when cancelled, or when Redis fails (the outcome says which, and what was
     * found stays found); never throws for Redis' sake.
     */
    public Outcome search(KeyPattern pattern, CancelSignal cancel, Consumer<List<byte[]>> found, Consumer<Progress> progress) {
        Set<ByteBuffer> seen = new HashSet<>();
        long[] calls = {0};
        int mastersDone = 0;
        int masters = 0;
        RedisNode current = null;
        try {
            Optional<byte[]> exact = pattern.exactKey();
            if (exact.isPresent() && exists(exact.get())) {
                seen.add(ByteBuffer.wrap(exact.get()));
                found.accept(List.of(exact.get()));
            }
            List<RedisNode> nodes = keyspace.refresh().masters();
            masters = nodes.size();
            long lastProgress = System.nanoTime();
            progress.accept(new Progress(seen.size(), 0, masters, 0));
            for (RedisNode node : nodes) {
                current = node;
                ScanCursor cursor = ScanCursor.INITIAL;
                ScanArgs args = ScanArgs.Builder.matches(pattern.match()).limit(scanCount);
                do {
                    if (cancel.isCancelled()) return cancelled(seen.size(), pattern);
                    ScanCursor from = cursor;
                    KeyScanCursor<byte[]> page = keyspace.redis().runBytes(node, "searching for " + pattern.describe(),
                            c -> c.scan(from, args));
                    calls[0]++;
                    List<byte[]> fresh = new ArrayList<>();
                    for (byte[] key : page.getKeys()) {
                        if (!seen.add(ByteBuffer.wrap(key))) continue;
                        if (seen.size() > limit) {
                            if (!fresh.isEmpty()) found.accept(fresh);
                            return new Outcome(Status.LIMITED, limit, "The first " + Figures.count(limit) + " of "
                                    + pattern.describe() + " are shown; there are more. Refine the search.");
                        }
                        fresh.add(key);
                    }
                    if (!fresh.isEmpty()) found.accept(fresh);
                    cursor = page;
                    if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
                        lastProgress = System.nanoTime();
                        progress.accept(new Progress(seen.size(), mastersDone, masters, calls[0]));
                    }
                } while (!cursor.isFinished());
                mastersDone++;
            }
            progress.accept(new Progress(seen.size(), mastersDone, masters, calls[0]));
            String where = masters > 1 ? " on " + masters + " masters." : ".";
            String keys = Figures.count(seen.size()) + (seen.size() == 1 ? " key" : " keys");
            if (pattern.typed().length == 0) return new Outcome(Status.FINISHED, seen.size(), keys + " in all" + where);
            return new Outcome(Status.FINISHED, seen.size(), seen.isEmpty() ? "No " + pattern.describe() + where
                    : keys + " found: all " + pattern.describe() + where);
        } catch (BackendException e) {
            String so = seen.isEmpty() ? " before any key was found." : " after " + Figures.count(seen.size())
                    + (seen.size() == 1 ? " key" : " keys") + " (they stay listed).";
            return new Outcome(Status.FAILED, seen.size(), described(e, current) + " The search stopped" + so
                    + " Search again once Redis answers.");
        }
    }

    /**
     * The failure for a person. A connection reset mid-call (Redis restarting, a failover) reaches here as a bare
     * SocketException text: said plainly instead.
     */
    private String described(BackendException e, RedisNode node) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException) {
                String where = node == null ? "Redis at " + keyspace.redis().address().describe() : "Redis at " + node.id();
                return where + " closed the connection in the middle of the search (it may be restarting, or failing over).";
            }
        }
        return e.getMessage();
    }

    private Outcome cancelled(long found, KeyPattern pattern) {
        return new Outcome(Status.CANCELLED, found, "Search cancelled after " + Figures.count(found)
                + (found == 1 ? " key" : " keys") + " of " + pattern.describe() + ".");
    }

    /** EXISTS on the typed key, tallied as the console's own lookup. */
    private boolean exists(byte[] key) {
        RedisNode node = keyspace.nodeFor(key);
        try (OwnLookups.Batch batch = keyspace.redis().lookups().begin(node.id())) {
            long n;
            try {
                n = keyspace.redis().runBytes(node, "looking up the key typed", c -> c.exists(key));
            } catch (BackendException e) {
                if (!(e.getCause() instanceof io.lettuce.core.RedisCommandExecutionException)) batch.unknown(1);
                throw e;
            }
            if (n > 0) batch.hit(); else batch.miss();
            return n > 0;
        }
    }
}
