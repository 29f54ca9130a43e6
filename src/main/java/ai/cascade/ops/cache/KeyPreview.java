package ai.cascade.ops.cache;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.ValuePreview.Figure;
import ai.cascade.ops.cache.ValuePreview.Form;
import ai.cascade.ops.cache.ValuePreview.PageStart;
import ai.cascade.ops.ui.Figures;
import io.lettuce.core.Limit;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A look at one key (issue #6, item 5), type-aware and paged so that no value is ever loaded whole: a string reads
 * at most {@link #STRING_LIMIT} bytes (GETRANGE), a collection one page of about {@link #PAGE_SIZE} elements, fewer
 * when MEMORY USAGE says its elements are big. Every lookup is tallied in {@link OwnLookups}, so the hit-rate charts
 * leave the browser's reads out; a reply that cannot tell a missing key from an empty read (STRLEN 0, an empty
 * range) is settled by the PTTL read last. Texts are escaped ({@link KeyText}) and credentials masked ({@link CredentialMask}).
 */
public final class KeyPreview {
    /** Bytes of a string value read at most. */
    public static final int STRING_LIMIT = 256 * 1024;
    /** Elements of a collection read a page at most. */
    public static final int PAGE_SIZE = 100;
    /** Bytes of a binary value shown as a hex dump (a dump is four times the bytes it shows). */
    static final int HEX_BYTES = 16 * 1024;
    /** About how many bytes one page of elements may weigh, by MEMORY USAGE's estimate. */
    private static final long PAGE_BYTES = 4L * 1024 * 1024;
    /** Calls of HSCAN/SSCAN for one page at most: a sparse table may answer with empty pages. */
    private static final int SCAN_CALLS_PER_PAGE = 16;

    private final RedisKeyspace keyspace;
    private final int stringLimit;
    /** Runs between TYPE and the reads: tests change the key there to reproduce the race with a writer. */
    Runnable afterType = () -> { };

    public KeyPreview(RedisKeyspace keyspace) {
        this(keyspace, STRING_LIMIT);
    }

    KeyPreview(RedisKeyspace keyspace, int stringLimit) {
        this.keyspace = keyspace;
        this.stringLimit = stringLimit;
    }

    /**
     * Previews {@code key} from {@code from} (null: the first page). A key gone meanwhile comes back as a preview of
     * type "none" saying so; a key whose type changed between TYPE and the read is read again as its new type, with a
     * note. Throws a {@link BackendException} with a message a person can act on when Redis fails.
     */
    public ValuePreview preview(byte[] key, PageStart from, CancelSignal cancel) {
        if (cancel.isCancelled()) throw new CancellationException("preview cancelled");
        PageStart start = from == null || from.position() == null ? null : from;   // a first page's start has no position
        RedisNode node = keyspace.nodeFor(key);
        try (OwnLookups.Batch batch = keyspace.redis().lookups().begin(node.id())) {
            Lookups lookups = new Lookups(batch);
            return keyspace.redis().runBytes(node, "previewing the key " + KeyText.shown(key),
                    c -> new Read(c, lookups, key).preview(start));
        }
    }

    /** The preview of one key, command by command on one connection. */
    private final class Read {
        private final RedisCommands<byte[], byte[]> c;
        private final Lookups lookups;
        private final byte[] key;
        private final List<String> notes = new ArrayList<>();
        /** MEMORY USAGE's bytes, or -1 when unknown: sizes the pages. */
        private long memoryBytes = -1;

        Read(RedisCommands<byte[], byte[]> c, Lookups lookups, byte[] key) {
            this.c = c;
            this.lookups = lookups;
            this.key = key;
        }

        ValuePreview preview(PageStart from) {
            String type = lookups.exact(() -> c.type(key), "none"::equals);
            if ("none".equals(type)) return gone();
            afterType.run();
            for (int attempt = 0; ; attempt++) {
                try {
                    return as(type, from != null && type.equals(from.type()) ? from : null);
                } catch (TypeChanged changed) {
                    String now = lookups.exact(() -> c.type(key), "none"::equals);
                    if ("none".equals(now)) return gone();
                    if (attempt == 2) throw new BackendException(Backend.REDIS, "The key " + KeyText.shown(key)
                            + " keeps changing type while it is read. Try again in a moment.");
                    notes.add("The key changed type from " + type + " to " + now + " after it was listed; it is shown as " + now + ".");
                    type = now;
                    from = null;
                }
            }
        }

        private ValuePreview as(String type, PageStart from) {
            Figure encoding = encoding();
            Figure memory = memory();
            Content content = switch (type) {
                case "string" -> string();
                case "hash" -> hash(from);
                case "list" -> list(from);
                case "set" -> set(from);
                case "zset" -> zset(from);
                case "stream" -> stream(from);
                default -> new Content(-1, Form.NONE, "Redis type “" + type + "” (a module's type) cannot be previewed here.",
                        List.of(), List.of(), null);
            };
            long ttl = lookups.exact(() -> c.pttl(key), t -> t == -2);
            lookups.settle(ttl != -2);
            if (ttl == -2 || content == null) return gone();
            return new ValuePreview(key, KeyText.shown(key), type, ttl, memory, encoding, content.length, content.form,
                    content.text, content.columns, content.rows, from == null ? new PageStart(type, null, 0) : from,
                    content.next, notes);
        }

        private Figure encoding() {
            try {
                String e = lookups.exact(() -> c.objectEncoding(key), java.util.Objects::isNull);
                return e == null ? Figure.unknown("the key is gone") : Figure.of(e);
            } catch (RedisCommandExecutionException refused) {
                return Figure.unknown(declined("OBJECT ENCODING", refused));
            }
        }

        private Figure memory() {
            try {
                Long bytes = lookups.uncounted(() -> c.memoryUsage(key));   // MEMORY USAGE counts as neither hit nor miss
                if (bytes == null) return Figure.unknown("the key is gone");
                memoryBytes = bytes;
                return Figure.of(Figures.bytes(bytes));
            } catch (RedisCommandExecutionException refused) {
                return Figure.unknown(declined("MEMORY USAGE", refused));
            }
        }

        private Content string() {
            long length = lookups.ambiguous(() -> c.strlen(key), n -> n == 0);
            byte[] head = length == 0 ? new byte[0]
                    : lookups.ambiguous(() -> c.getrange(key, 0, Math.min(length, stringLimit) - 1), b -> b.length == 0);
            boolean partial = head.length < length;
            if (partial) notes.add("Showing the first " + Figures.bytes(head.length) + " of " + Figures.bytes(length)
                    + ": the value is too big to load whole.");
            if (length == 0) return new Content(0, Form.TEXT, "", List.of(), List.of(), null);
            byte[] text = partial ? ElementText.withoutCutCharacter(head) : head;
            String decoded = KeyText.isText(text, true) ? KeyText.decode(text) : null;
            if (decoded == null) {
                notes.add("A binary value (not UTF-8 text): shown as a hex dump"
                        + (head.length > HEX_BYTES ? " of the first " + Figures.bytes(HEX_BYTES) : "") + ".");
                return new Content(length, Form.HEX, KeyText.hexDump(head, HEX_BYTES), List.of(), List.of(), null);
            }
            String json = partial ? null : CredentialMask.prettyJson(decoded);
            if (json != null) {
                if (!json.equals(CredentialMask.prettyJsonUnmasked(decoded))) notes.add(CredentialMask.NOTE);
                return new Content(length, Form.JSON, json, List.of(), List.of(), null);
            }
            String masked = CredentialMask.inText(decoded);
            if (!masked.equals(decoded)) notes.add(CredentialMask.NOTE);
            if (partial && decoded.stripLeading().startsWith("{"))
                notes.add("Looks like JSON, but only part was read: shown as text.");
            return new Content(length, Form.TEXT, masked, List.of(), List.of(), null);
        }

        private Content hash(PageStart from) {
            long n = lookups.exact(() -> c.hlen(key), v -> v == 0);
            if (n == 0) return null;
            int count = pageSize(n);
            String cursor = from == null ? "0" : from.position();
            List<List<String>> rows = new ArrayList<>();
            MapScanCursor<byte[], byte[]> page = null;
            for (int calls = 0; calls < SCAN_CALLS_PER_PAGE && rows.size() < count; calls++) {
                String at = cursor;
                page = lookups.ambiguous(() -> c.hscan(key, ScanCursor.of(at), ScanArgs.Builder.limit(count)),
                        p -> p.isFinished() && p.getMap().isEmpty());
                for (Map.Entry<byte[], byte[]> e : page.getMap().entrySet())
                    rows.add(List.of(ElementText.element(e.getKey(), notes), ElementText.field(e.getKey(), e.getValue(), notes)));
                cursor = page.getCursor();
                if (page.isFinished()) break;
            }
            PageStart next = page == null || page.isFinished() ? null : new PageStart("hash", cursor, number(from) + 1);
            return new Content(n, Form.NONE, null, List.of("field", "value"), rows, next);
        }

        private Content set(PageStart from) {
            long n = lookups.exact(() -> c.scard(key), v -> v == 0);
            if (n == 0) return null;
            int count = pageSize(n);
            String cursor = from == null ? "0" : from.position();
            List<List<String>> rows = new ArrayList<>();
            ValueScanCursor<byte[]> page = null;
            for (int calls = 0; calls < SCAN_CALLS_PER_PAGE && rows.size() < count; calls++) {
                String at = cursor;
                page = lookups.ambiguous(() -> c.sscan(key, ScanCursor.of(at), ScanArgs.Builder.limit(count)),
                        p -> p.isFinished() && p.getValues().isEmpty());
                for (byte[] v : page.getValues()) rows.add(List.of(ElementText.element(v, notes)));
                cursor = page.getCursor();
                if (page.isFinished()) break;
            }
            PageStart next = page == null || page.isFinished() ? null : new PageStart("set", cursor, number(from) + 1);
            return new Content(n, Form.NONE, null, List.of("member"), rows, next);
        }

        private Content list(PageStart from) {
            long n = lookups.exact(() -> c.llen(key), v -> v == 0);
            if (n == 0) return null;
            int count = pageSize(n);
            long offset = from == null ? 0 : Long.parseLong(from.position());
            List<byte[]> items = lookups.ambiguous(() -> c.lrange(key, offset, offset + count - 1), List::isEmpty);
            List<List<String>> rows = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) rows.add(List.of(String.valueOf(offset + i), ElementText.element(items.get(i), notes)));
            PageStart next = offset + count < n ? new PageStart("list", String.valueOf(offset + count), number(from) + 1) : null;
            return new Content(n, Form.NONE, null, List.of("index", "element"), rows, next);
        }

        private Content zset(PageStart from) {
            long n = lookups.exact(() -> c.zcard(key), v -> v == 0);
            if (n == 0) return null;
            int count = pageSize(n);
            long offset = from == null ? 0 : Long.parseLong(from.position());
            List<ScoredValue<byte[]>> items = lookups.ambiguous(() -> c.zrangeWithScores(key, offset, offset + count - 1), List::isEmpty);
            List<List<String>> rows = new ArrayList<>();
            for (ScoredValue<byte[]> v : items) rows.add(List.of(ElementText.element(v.getValue(), notes), ElementText.score(v.getScore())));
            PageStart next = offset + count < n ? new PageStart("zset", String.valueOf(offset + count), number(from) + 1) : null;
            return new Content(n, Form.NONE, null, List.of("member", "score"), rows, next);
        }

        private Content stream(PageStart from) {
            long n = lookups.ambiguous(() -> c.xlen(key), v -> v == 0);   // a stream may exist with no entries
            int count = pageSize(Math.max(n, 1));
            Range<String> range = from == null ? Range.unbounded()
                    : Range.from(Range.Boundary.including(from.position()), Range.Boundary.unbounded());
            List<StreamMessage<byte[], byte[]>> items = lookups.ambiguous(() -> c.xrange(key, range, Limit.create(0, count)), List::isEmpty);
            List<List<String>> rows = new ArrayList<>();
            for (StreamMessage<byte[], byte[]> m : items) rows.add(List.of(m.getId(), ElementText.entry(m.getBody(), notes)));
            PageStart next = items.size() == count
                    ? new PageStart("stream", nextId(items.get(items.size() - 1).getId()), number(from) + 1) : null;
            return new Content(n, Form.NONE, null, List.of("id", "fields"), rows, next);
        }

        /** Fewer elements a page when they are big: a page of 100 ten-megabyte elements would load a gigabyte. */
        private int pageSize(long length) {
            if (memoryBytes < 0 || length <= 0) return PAGE_SIZE;
            long perElement = Math.max(1, memoryBytes / length);
            int size = (int) Math.max(1, Math.min(PAGE_SIZE, PAGE_BYTES / perElement));
            if (size < PAGE_SIZE) notes.add("Its elements are big (about " + Figures.bytes(perElement) + " each): "
                    + size + (size == 1 ? " is" : " are") + " read a page.");
            return size;
        }

        private ValuePreview gone() {
            notes.add(ValuePreview.GONE);
            return new ValuePreview(key, KeyText.shown(key), "none", -2L, Figure.unknown("the key is gone"),
                    Figure.unknown("the key is gone"), 0, Form.NONE, ValuePreview.GONE, List.of(), List.of(), null, null, notes);
        }
    }

    private static long number(PageStart from) { return from == null ? 0 : from.number(); }

    /** The stream id just after {@code id} ("ms-seq"), for the next XRANGE page (exclusive ranges need Redis 6.2). */
    static String nextId(String id) {
        int dash = id.indexOf('-');
        long ms = Long.parseUnsignedLong(id.substring(0, dash));
        long seq = Long.parseUnsignedLong(id.substring(dash + 1));
        return seq == -1L ? Long.toUnsignedString(ms + 1) + "-0" : Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq + 1);
    }

    private static String declined(String command, RedisCommandExecutionException e) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("NOPERM")) return "the Redis user may not run " + command;
        if (m.contains("unknown command") || m.contains("unknown subcommand") || m.contains("Unknown subcommand"))
            return "this Redis server has no " + command;
        return "Redis declined " + command + ": " + m;
    }

    /** One page of content: the length, a string's text in its form, or a collection's rows, and the next page. */
    private record Content(long length, Form form, String text, List<String> columns, List<List<String>> rows, PageStart next) {}

    /** WRONGTYPE: the key was written meanwhile with another type. */
    private static final class TypeChanged extends RuntimeException {
        TypeChanged() { super(null, null, false, false); }
    }

    /**
     * Tallies the preview's lookups. A command whose reply tells a missing key apart counts at once; one whose empty
     * reply could be either is held until the PTTL read last shows whether the key still exists.
     */
    private static final class Lookups {
        private final OwnLookups.Batch batch;
        private long ambiguous;

        Lookups(OwnLookups.Batch batch) { this.batch = batch; }

        <T> T exact(Supplier<T> command, Predicate<T> missing) {
            T reply = send(command);
            if (missing.test(reply)) batch.miss(); else batch.hit();
            return reply;
        }

        <T> T ambiguous(Supplier<T> command, Predicate<T> empty) {
            T reply = send(command);
            if (empty.test(reply)) ambiguous++; else batch.hit();
            return reply;
        }

        <T> T uncounted(Supplier<T> command) {
            return command.get();
        }

        /** The key existed when TYPE was read; if it still does, every empty reply between was a hit, else unknowable. */
        void settle(boolean stillExists) {
            if (stillExists) batch.hits(ambiguous); else batch.unknown(ambiguous);
            ambiguous = 0;
        }

        private <T> T send(Supplier<T> command) {
            try {
                return command.get();
            } catch (RedisCommandExecutionException e) {
                // A refused command (NOPERM, unknown) never ran; WRONGTYPE looked the key up first and found it.
                if (String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                    batch.hit();
                    throw new TypeChanged();
                }
                throw e;
            } catch (RedisException e) {
                batch.unknown(1 + ambiguous);   // the reply was lost: the command may or may not have run
                ambiguous = 0;
                throw e;
            }
        }
    }
}
