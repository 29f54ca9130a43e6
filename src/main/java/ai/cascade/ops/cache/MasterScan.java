package ai.cascade.ops.cache;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One master's part of an inventory, on a connection of its own with auto-flush off: each flush carries the
 * next SCAN, the per-key commands for the keys the previous SCAN returned (FULL), and a CLIENT ID. The CLIENT ID
 * reveals a reconnect: Lettuce replays commands in flight after one, and a SCAN cursor replayed on a restarted
 * server, or lookups executed twice, would make the figures wrong without a word.
 */
final class MasterScan {
    static final String CLIENT_NAME = "cascade-ops-inventory";
    private static final long UNKNOWN_CLIENT = -1;
    /** Beyond Lettuce's own 3 s command timeout: only a stuck client library would reach it. */
    private static final long REPLY_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long lookups may stay in flight back to back before a gap lets a hit-rate reading in. */
    static final long DRAIN_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** SCAN pages between readings of the server's time spent in SCAN. */
    static final int PACE_EVERY_PAGES = 16;

    /** The master went away or stopped answering; the message says how, for a person. */
    static final class Lost extends RuntimeException {
        Lost(String message) { super(message, null, false, false); }
    }

    /** An error reply in place of a value. */
    private record ErrorReply(String message) {}

    private final RedisNode node;
    private final InventoryTally tally;
    private final InspectionPlan plan;
    private final OwnLookups lookups;
    private final ScanPace pace;
    private final BooleanSupplier between;
    private int pages;
    private long returned;
    private boolean done;

    /**
     * @param between called after every round trip; false stops the scan (cancelled). It may report progress.
     */
    MasterScan(RedisNode node, InventoryTally tally, InspectionPlan plan, OwnLookups lookups, ScanPace pace, BooleanSupplier between) {
        this.node = node;
        this.tally = tally;
        this.plan = plan;
        this.lookups = lookups;
        this.pace = pace;
        this.between = between;
    }

    RedisNode node() { return node; }

    long returned() { return returned; }

    boolean done() { return done; }

    /** Scans the whole master; returns early (not done) when {@code between} says stop. Throws {@link Lost}. */
    void run(StatefulRedisConnection<byte[], byte[]> connection) {
        RedisAsyncCommands<byte[], byte[]> redis = connection.async();
        connection.setAutoFlushCommands(false);
        try {
            RedisFuture<String> named = redis.clientSetname(CLIENT_NAME.getBytes(StandardCharsets.US_ASCII));
            RedisFuture<Long> id = redis.clientId();
            connection.flushCommands();
            await(named);
            Object clientId = await(id);
            if (clientId instanceof ErrorReply e)
                plan.note("Redis " + node.id() + " refused CLIENT ID (" + e.message() + "): had the connection dropped and come back mid-scan, the run could not have told.");
            scan(connection, redis, clientId instanceof Long l ? l : UNKNOWN_CLIENT);
        } finally {
            connection.setAutoFlushCommands(true);
        }
    }

    /** What one flush carried: a CLIENT ID after everything, and the keys of one SCAN page, inspected or just counted. */
    private static final class Flight {
        final RedisFuture<Long> sameClient;
        final KeyBatch batch;
        final OwnLookups.Batch own;
        final List<byte[]> countOnly;
        /** INFO commandstats now and then, for {@link ScanPace}; with the keys returned when it was asked. */
        RedisFuture<String> commandstats;
        long returnedThen;
        boolean settled;

        Flight(RedisFuture<Long> sameClient, KeyBatch batch, OwnLookups.Batch own, List<byte[]> countOnly) {
            this.sameClient = sameClient;
            this.batch = batch;
            this.own = own;
            this.countOnly = countOnly;
        }
    }

    /**
     * SCAN pages in order; each page's keys go out with the next SCAN, and are counted only once the flush after
     * them has been sent, so Redis works on one page while this thread counts the previous one. Two batches of
     * lookups are then open at once; every {@link #DRAIN_EVERY_NANOS} the older one is finished before the next
     * begins, so a hit-rate reading waiting for {@link OwnLookups} gets its turn.
     */
    private void scan(StatefulRedisConnection<byte[], byte[]> connection, RedisAsyncCommands<byte[], byte[]> redis, long clientId) {
        RedisFuture<KeyScanCursor<byte[]>> scan = redis.scan(ScanArgs.Builder.limit(pace.count()));
        List<Flight> open = new ArrayList<>(2);
        long lastDrain = System.nanoTime();
        try {
            open.add(send(connection, redis, List.of()));
            while (true) {
                Object reply = await(scan);
                if (reply instanceof ErrorReply e) throw new Lost("Redis " + node.id() + " refused SCAN (" + e.message() + ")");
                @SuppressWarnings("unchecked") KeyScanCursor<byte[]> page = (KeyScanCursor<byte[]>) reply;
                returned += page.getKeys().size();
                scan = page.isFinished() ? null : redis.scan(page, ScanArgs.Builder.limit(pace.count()));
                if (scan != null) connection.flushCommands();   // Redis reads the next page while this thread sorts this one
                List<byte[]> fresh = new ArrayList<>(page.getKeys().size());
                for (byte[] k : page.getKeys()) if (tally.firstSight(k)) fresh.add(k);
                if (System.nanoTime() - lastDrain >= DRAIN_EVERY_NANOS) {
                    finishAll(open, clientId);
                    lastDrain = System.nanoTime();
                }
                if (scan != null || !fresh.isEmpty()) open.add(send(connection, redis, fresh));
                while (open.size() > 1) finishOldest(open, clientId);
                if (scan == null) {
                    finishAll(open, clientId);
                    done = true;
                    return;
                }
                if (!between.getAsBoolean()) {
                    finishAll(open, clientId);
                    return;
                }
            }
        } finally {
            for (Flight f : open) abandon(f);
        }
    }

    /** Queues the page's per-key commands (FULL) and a CLIENT ID after the SCAN already queued, and flushes. */
    private Flight send(StatefulRedisConnection<byte[], byte[]> connection, RedisAsyncCommands<byte[], byte[]> redis, List<byte[]> keys) {
        Flight f = dispatch(connection, redis, keys);
        if (pace.isAdaptive() && pages++ % PACE_EVERY_PAGES == 0) {
            f.commandstats = redis.info("commandstats");   // after this page's SCAN, in the same flush
            f.returnedThen = returned;
        }
        connection.flushCommands();
        return f;
    }

    private Flight dispatch(StatefulRedisConnection<byte[], byte[]> connection, RedisAsyncCommands<byte[], byte[]> redis, List<byte[]> keys) {
        if (!plan.full() || keys.isEmpty()) return new Flight(redis.clientId(), null, null, keys);
        KeyBatch batch = new KeyBatch(keys, plan.ttl(), plan.memory(), plan.idle());
        OwnLookups.Batch own = lookups.begin(node.id());   // before the first lookup is sent
        try {
            connection.dispatch(batch.commands());
            return new Flight(redis.clientId(), batch, own, null);
        } catch (RuntimeException e) {
            own.unknown(batch.lookups());
            own.close();
            throw e;
        }
    }

    /** Waits for the flight's replies (they come in order: CLIENT ID last), then counts its keys and lookups. */
    private void finish(Flight f, long clientId) {
        checkSameConnection(f.sameClient, clientId);
        if (f.commandstats != null && await(f.commandstats) instanceof String stats) pace.measured(stats, f.returnedThen);
        if (f.batch == null) {
            for (byte[] k : f.countOnly) tally.count(k);
        } else {
            long[] hitsAndMisses = count(f.batch);
            f.own.hits(hitsAndMisses[0]);
            f.own.misses(hitsAndMisses[1]);
            f.own.close();
        }
        f.settled = true;
    }

    private void finishAll(List<Flight> open, long clientId) {
        while (!open.isEmpty()) finishOldest(open, clientId);
    }

    /** Removed only once finished: one that fails stays to be abandoned. */
    private void finishOldest(List<Flight> open, long clientId) {
        finish(open.get(0), clientId);
        open.remove(0);
    }

    /** A flight whose replies will not be counted: its lookups may or may not have happened. */
    private static void abandon(Flight f) {
        if (f.settled || f.own == null) return;
        f.own.unknown(f.batch.lookups());
        f.own.close();
    }

    /**
     * Adds the batch's keys to the figures, the vanished apart; returns the lookups that counted as hits and as
     * misses: a missing key is a miss, an error reply is neither (refused before the lookup) except OBJECT's
     * under LFU, which looks the key up first.
     */
    private long[] count(KeyBatch b) {
        long hits = 0, misses = 0;
        boolean idleLooksUp = b.idleError != null && b.idleError.contains("LFU");
        for (int i = 0; i < b.keys.size(); i++) {
            boolean gone = false;
            String type = b.types[i];
            if (type != null) {
                if (type.equals("none")) { misses++; gone = true; } else hits++;
            }
            long pttl = b.ttl ? b.pttls[i] : KeyBatch.ERROR;
            if (b.ttl && pttl != KeyBatch.ERROR) {
                if (pttl == -2 || pttl == KeyBatch.NIL) { misses++; gone = true; } else hits++;
            }
            long idle = b.idle ? b.idles[i] : KeyBatch.ERROR;
            if (b.idle) {
                if (idle == KeyBatch.NIL) { misses++; gone = true; }
                else if (idle != KeyBatch.ERROR || idleLooksUp) hits++;
            }
            long memory = b.memory ? b.memories[i] : KeyBatch.ERROR;
            if (memory == KeyBatch.NIL) gone = true;
            if (gone) {
                tally.vanished();
                continue;
            }
            tally.add(b.keys.get(i), type, known(pttl), known(memory), known(idle));
        }
        if (b.typeError != null) plan.note("Redis " + node.id() + " refused TYPE for some keys (" + b.typeError + ").");
        if (b.pttlError != null) plan.ttlRefused(node, b.pttlError);
        if (b.memoryError != null) plan.memoryRefused(node, b.memoryError);
        if (b.idleError != null) plan.idleRefused(node, b.idleError);
        return new long[]{hits, misses};
    }

    private static Long known(long reply) {
        return reply == KeyBatch.ERROR || reply == KeyBatch.NIL ? null : reply;
    }

    /** Waits for the CLIENT ID sent last in a flush; a different id than at the start means Lettuce reconnected. */
    private void checkSameConnection(RedisFuture<Long> sameClient, long clientId) {
        Object id = await(sameClient);
        if (clientId == UNKNOWN_CLIENT) return;   // refused: the reply still marks the flush's end
        if (!(id instanceof Long l) || l != clientId)
            throw new Lost("the connection to Redis " + node.id() + " dropped and was re-established (the server may have restarted)");
    }

    /** The reply, an {@link ErrorReply} for an error reply, or {@link Lost} when none came. */
    private Object await(RedisFuture<?> future) {
        try {
            return future.get(REPLY_LIMIT_NANOS, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisCommandExecutionException) return new ErrorReply(String.valueOf(cause.getMessage()));
            throw new Lost(describe(cause));
        } catch (TimeoutException e) {
            throw new Lost("Redis " + node.id() + " did not answer within " + TimeUnit.NANOSECONDS.toSeconds(REPLY_LIMIT_NANOS) + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Lost("the inventory was interrupted");
        }
    }

    private String describe(Throwable cause) {
        String m = cause == null ? "no reply" : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof io.lettuce.core.RedisCommandTimeoutException) return "Redis " + node.id() + " stopped answering (" + m + ")";
        return "the connection to Redis " + node.id() + " was lost (" + m + ")";
    }
}
