package ai.cascade.ops.cache;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-key commands for one SCAN page and their replies, written straight into arrays. Plain Lettuce
 * {@link Command}s with a tiny output each, not one future per command: at four commands per key, futures cost
 * more client time than Redis spends answering. Replies arrive in order, so once the command sent after them has
 * completed, every slot here is filled (or the connection failed).
 */
final class KeyBatch {
    static final long NIL = Long.MIN_VALUE;
    static final long ERROR = Long.MIN_VALUE + 1;
    private static final String[] TYPES = {"string", "hash", "list", "set", "zset", "stream", "none"};
    private static final byte[][] TYPE_BYTES = new byte[TYPES.length][];
    private static final byte[] IDLETIME = "IDLETIME".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "USAGE".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int i = 0; i < TYPES.length; i++) TYPE_BYTES[i] = TYPES[i].getBytes(StandardCharsets.US_ASCII);
    }

    final List<byte[]> keys;
    final boolean ttl;
    final boolean memory;
    final boolean idle;
    /** TYPE's reply per key; null for an error reply. */
    final String[] types;
    final long[] pttls;
    final long[] memories;
    final long[] idles;
    /** The first error reply of each command, for the notes (volatile: written on Lettuce's I/O thread). */
    volatile String typeError, pttlError, memoryError, idleError;

    KeyBatch(List<byte[]> keys, boolean ttl, boolean memory, boolean idle) {
        this.keys = keys;
        this.ttl = ttl;
        this.memory = memory;
        this.idle = idle;
        int n = keys.size();
        types = new String[n];
        pttls = ttl ? new long[n] : null;
        memories = memory ? new long[n] : null;
        idles = idle ? new long[n] : null;
    }

    /** Commands counted as keyspace lookups (TYPE, PTTL, OBJECT IDLETIME; not MEMORY USAGE). */
    long lookups() {
        return (long) keys.size() * (1 + (ttl ? 1 : 0) + (idle ? 1 : 0));
    }

    /** The commands to send, per key: TYPE, PTTL, MEMORY USAGE, OBJECT IDLETIME (those asked for). */
    List<RedisCommand<byte[], byte[], ?>> commands() {
        List<RedisCommand<byte[], byte[], ?>> out = new ArrayList<>(keys.size() * 4);
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            out.add(command(CommandType.TYPE, new TypeReply(i), args().addKey(key)));
            if (ttl) out.add(command(CommandType.PTTL, new NumberReply(pttls, i, Kind.PTTL), args().addKey(key)));
            if (memory) out.add(command(CommandType.MEMORY, new NumberReply(memories, i, Kind.MEMORY), args().add(USAGE).addKey(key)));
            if (idle) out.add(command(CommandType.OBJECT, new NumberReply(idles, i, Kind.IDLE), args().add(IDLETIME).addKey(key)));
        }
        return out;
    }

    /**
     * Completable, so Lettuce cancels each command's timeout as its reply arrives; a plain Command's timeout
     * would linger for its full 3 s and then fire, which costs more than the command.
     */
    private static RedisCommand<byte[], byte[], Void> command(CommandType type, CommandOutput<byte[], byte[], Void> output,
                                                              CommandArgs<byte[], byte[]> args) {
        return new AsyncCommand<>(new Command<>(type, output, args));
    }

    private static CommandArgs<byte[], byte[]> args() {
        return new CommandArgs<>(ByteArrayCodec.INSTANCE);
    }

    private enum Kind { PTTL, MEMORY, IDLE }

    private void error(Kind kind, String message) {
        switch (kind) {
            case PTTL -> { if (pttlError == null) pttlError = message; }
            case MEMORY -> { if (memoryError == null) memoryError = message; }
            case IDLE -> { if (idleError == null) idleError = message; }
        }
    }

    /** An integer reply, nil ({@link #NIL}) or an error ({@link #ERROR}) into {@code into[index]}. */
    private final class NumberReply extends CommandOutput<byte[], byte[], Void> {
        private final long[] into;
        private final int index;
        private final Kind kind;

        NumberReply(long[] into, int index, Kind kind) {
            super(ByteArrayCodec.INSTANCE, null);
            this.into = into;
            this.index = index;
            this.kind = kind;
            into[index] = NIL;
        }

        @Override public void set(long value) { into[index] = value; }

        @Override public void set(ByteBuffer bytes) { into[index] = NIL; }

        @Override public void setError(ByteBuffer bytes) { setError(decodeString(bytes)); }

        @Override public void setError(String message) {
            super.setError(message);
            into[index] = ERROR;
            error(kind, message);
        }
    }

    /** TYPE's status reply, as one of the shared type names. */
    private final class TypeReply extends CommandOutput<byte[], byte[], Void> {
        private final int index;

        TypeReply(int index) {
            super(ByteArrayCodec.INSTANCE, null);
            this.index = index;
        }

        @Override public void set(ByteBuffer bytes) {
            if (bytes == null) return;
            for (int t = 0; t < TYPE_BYTES.length; t++) {
                if (bytes.remaining() == TYPE_BYTES[t].length && bytes.equals(ByteBuffer.wrap(TYPE_BYTES[t]))) {
                    types[index] = TYPES[t];
                    return;
                }
            }
            types[index] = decodeString(bytes);
        }

        @Override public void setError(ByteBuffer bytes) { setError(decodeString(bytes)); }

        @Override public void setError(String message) {
            super.setError(message);
            types[index] = null;
            if (typeError == null) typeError = message;
        }
    }
}
