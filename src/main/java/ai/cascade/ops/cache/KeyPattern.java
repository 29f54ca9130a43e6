package ai.cascade.ops.cache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the person typed in the key browser's search field, as a SCAN MATCH pattern. By default the text is a key
 * prefix matched literally: {@code * ? [ ] \} typed are escaped, so "cascade:venice:citizens/[x]" finds that key and
 * not a character class. Only when the person asks for a pattern is the text used as a glob as typed.
 */
public final class KeyPattern {
    private final byte[] typed;
    private final boolean glob;

    private KeyPattern(byte[] typed, boolean glob) {
        this.typed = typed.clone();
        this.glob = glob;
    }

    /** A literal key prefix (the default); empty text matches every key. */
    public static KeyPattern prefix(byte[] text) { return new KeyPattern(text, false); }

    /** A glob used as typed (SCAN MATCH syntax); empty text matches every key. */
    public static KeyPattern glob(byte[] text) { return new KeyPattern(text, true); }

    /** The search field's text (UTF-8), literal unless {@code glob}. */
    public static KeyPattern of(String text, boolean glob) {
        byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        return glob ? glob(bytes) : prefix(bytes);
    }

    public boolean isGlob() { return glob; }

    public byte[] typed() { return typed.clone(); }

    /** The argument of SCAN MATCH. */
    public byte[] match() {
        if (typed.length == 0) return new byte[]{'*'};
        if (glob) return typed.clone();
        byte[] escaped = escaped(typed);
        byte[] out = Arrays.copyOf(escaped, escaped.length + 1);
        out[escaped.length] = '*';
        return out;
    }

    /** The key to look up directly before scanning: the literal text itself, when there is one. */
    public Optional<byte[]> exactKey() {
        return glob || typed.length == 0 ? Optional.empty() : Optional.of(typed.clone());
    }

    /** True when {@code key} is one this pattern asks for (a literal prefix; for globs, SCAN decides). */
    public boolean literallyMatches(byte[] key) {
        return !glob && KeyFamilies.startsWith(key, typed);
    }

    /**
     * The bytes with every glob character escaped by a backslash. Byte-wise is safe for UTF-8: the bytes of a
     * multi-byte character are all above 0x7f, never one of these.
     */
    public static byte[] escaped(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 8);
        for (byte b : text) {
            if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\') out.write('\\');
            out.write(b);
        }
        return out.toByteArray();
    }

    /** "keys starting with “cascade:session:”" or "keys matching the pattern “cascade:*:1?”", masked like key names. */
    public String describe() {
        if (typed.length == 0) return "all keys";
        return glob ? "keys matching the pattern “" + KeyText.escaped(typed) + "”"
                : "keys starting with “" + KeyText.shown(typed) + "”";
    }

    @Override
    public String toString() { return describe(); }
}
