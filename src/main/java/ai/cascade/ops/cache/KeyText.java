package ai.cascade.ops.cache;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Key names and values as a person may safely see them: valid, printable UTF-8 as is; anything else escaped the
 * way redis-cli quotes it ({@code \n}, {@code \xff}), so a binary key can neither break a table row nor hide
 * among look-alikes. Names of credential families are masked ({@link #shown}).
 */
public final class KeyText {
    /** Characters of a credential left visible: enough to tell two apart, too few to use or to search logs by. */
    public static final int VISIBLE_CREDENTIAL_CHARS = 4;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private KeyText() {}

    /** The key as shown anywhere on screen, in exports and in logs: escaped, and masked in credential families. */
    public static String shown(byte[] key) {
        String family = KeyFamilies.of(key);
        String text = escaped(key);
        if (!KeyFamilies.nameIsCredential(family)) return text;
        return family + maskCredential(text.substring(Math.min(family.length(), text.length())));
    }

    /** A credential reduced to its first few characters and an ellipsis. */
    public static String maskCredential(String secret) {
        if (secret == null || secret.isEmpty()) return "";
        int keep = Math.min(VISIBLE_CREDENTIAL_CHARS, secret.length() / 2);
        return secret.substring(0, keep) + "…";
    }

    /** Printable UTF-8 as is; otherwise escaped as redis-cli does. */
    public static String escaped(byte[] bytes) {
        String utf8 = printableUtf8(bytes);
        if (utf8 != null) return utf8;
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c >= 0x20 && c < 0x7f) sb.append((char) c);
                    else sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                }
            }
        }
        return sb.toString();
    }

    /** Whether the bytes are valid UTF-8 without control characters (newlines and tabs in values are fine). */
    public static boolean isText(byte[] bytes, boolean allowLineBreaks) {
        String s = decode(bytes);
        if (s == null) return false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (allowLineBreaks && (ch == '\n' || ch == '\r' || ch == '\t')) continue;
            if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029') return false;
        }
        return true;
    }

    /** Hex dump, 16 bytes a line with offsets, for values that are not text. */
    public static String hexDump(byte[] bytes, int limit) {
        int n = Math.min(bytes.length, limit);
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < n; line += 16) {
            sb.append(String.format("%08x  ", line));
            StringBuilder ascii = new StringBuilder();
            for (int i = line; i < line + 16; i++) {
                if (i < n) {
                    int c = bytes[i] & 0xff;
                    sb.append(HEX[c >> 4]).append(HEX[c & 0xf]).append(' ');
                    ascii.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
                } else sb.append("   ");
            }
            sb.append(' ').append(ascii).append('\n');
        }
        if (bytes.length > n) sb.append("… ").append(bytes.length - n).append(" more bytes not shown\n");
        return sb.toString();
    }

    private static String printableUtf8(byte[] bytes) {
        return isText(bytes, false) ? decode(bytes) : null;
    }

    /** Strict UTF-8 decoding: null when the bytes are not valid UTF-8. */
    public static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
