package ai.cascade.ops.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The keys an inventory has already counted, so a key SCAN returns twice is counted once. Exact, unlike a Bloom
 * filter or a set of hashes (a 64-bit collision would silently drop a key), yet compact: key bytes are appended to
 * large byte[] chunks (a length prefix, then the bytes) and an open-addressing long[] table holds, per key, a
 * fragment of its hash and where its bytes are. About key length + 20 bytes per key; no object per key.
 * Not thread-safe.
 */
public final class SeenKeys {
    /** Chunk size; a key over a quarter of it gets a chunk of its own, so little of a chunk goes unused. */
    private static final int CHUNK = 1 << 20;
    private static final int POSITION_BITS = 20;
    private static final int CHUNK_BITS = 24;
    private static final int FRAGMENT_SHIFT = POSITION_BITS + CHUNK_BITS;
    private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    private static final double MAX_LOAD = 0.6;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    /** Index + 1 of {@link #current} in {@link #chunks}: keys with a chunk of their own come after it. */
    private long currentNumber;
    private int used;
    /** 0 = empty; else hash fragment (20 bits) | chunk index + 1 (24 bits) | position in chunk (20 bits). */
    private long[] table;
    private int size;
    private long keyBytes;

    public SeenKeys() {
        this(1 << 16);
    }

    /** Sized for about {@code expected} keys up front (DBSIZE), so the table need not grow while scanning. */
    public SeenKeys(long expected) {
        long wanted = Math.min(1L << 30, Math.max(16, (long) (expected / MAX_LOAD) + 1));
        table = new long[(int) Long.highestOneBit(wanted - 1) << 1];
    }

    /** Adds {@code key}; true when it was not seen before. */
    public boolean add(byte[] key) {
        long hash = hash(key);
        int mask = table.length - 1;
        long fragment = hash >>> FRAGMENT_SHIFT;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long slot = table[i];
            if (slot == 0) {
                table[i] = (fragment << FRAGMENT_SHIFT) | store(key);
                if (++size > table.length * MAX_LOAD) grow();
                return true;
            }
            if (slot >>> FRAGMENT_SHIFT == fragment && sameBytes(slot, key)) return false;
        }
    }

    public boolean contains(byte[] key) {
        long hash = hash(key);
        int mask = table.length - 1;
        long fragment = hash >>> FRAGMENT_SHIFT;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long slot = table[i];
            if (slot == 0) return false;
            if (slot >>> FRAGMENT_SHIFT == fragment && sameBytes(slot, key)) return true;
        }
    }

    public int size() { return size; }

    /** Bytes held: the table and every chunk allocated (what the heap pays, not just what is filled). */
    public long footprintBytes() {
        long total = (long) table.length * Long.BYTES + 16;
        for (byte[] c : chunks) total += c.length + 16L;
        return total + (long) chunks.size() * 8;
    }

    /** Total length of the keys held, for comparing with {@link #footprintBytes()}. */
    public long keyBytes() { return keyBytes; }

    /** Appends length and bytes; returns (chunk index + 1) and position, packed. */
    private long store(byte[] key) {
        int need = varintLength(key.length) + key.length;
        if (need > CHUNK / 4) {
            byte[] own = new byte[need];
            writeEntry(own, 0, key);
            chunks.add(own);
            keyBytes += key.length;
            return ((long) chunks.size() << POSITION_BITS);
        }
        if (current == null || used + need > current.length) {
            current = new byte[CHUNK];
            used = 0;
            chunks.add(current);
            currentNumber = chunks.size();
        }
        int at = used;
        used = writeEntry(current, at, key);
        keyBytes += key.length;
        return (currentNumber << POSITION_BITS) | at;
    }

    private static int writeEntry(byte[] into, int at, byte[] key) {
        int n = key.length;
        while (n >= 0x80) {
            into[at++] = (byte) (n | 0x80);
            n >>>= 7;
        }
        into[at++] = (byte) n;
        System.arraycopy(key, 0, into, at, key.length);
        return at + key.length;
    }

    private boolean sameBytes(long slot, byte[] key) {
        byte[] chunk = chunks.get((int) ((slot >>> POSITION_BITS) & CHUNK_MASK) - 1);
        int at = (int) (slot & POSITION_MASK);
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = chunk[at++];
            length |= (b & 0x7f) << shift;
            if (b >= 0) break;
        }
        return length == key.length && Arrays.equals(chunk, at, at + length, key, 0, length);
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long slot : old) {
            if (slot == 0) continue;
            long hash = hashAt(slot);
            int i = (int) hash & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            table[i] = slot;
        }
    }

    private long hashAt(long slot) {
        byte[] chunk = chunks.get((int) ((slot >>> POSITION_BITS) & CHUNK_MASK) - 1);
        int at = (int) (slot & POSITION_MASK);
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = chunk[at++];
            length |= (b & 0x7f) << shift;
            if (b >= 0) break;
        }
        return hash(chunk, at, at + length);
    }

    private static int varintLength(int n) {
        int bytes = 1;
        while (n >= 0x80) {
            n >>>= 7;
            bytes++;
        }
        return bytes;
    }

    /** FNV-1a over the bytes, then a finaliser so low bits (the table index) and high bits (the fragment) both mix. */
    static long hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    private static long hash(byte[] bytes, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= bytes[i];
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
