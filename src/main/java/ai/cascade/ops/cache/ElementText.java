package ai.cascade.ops.cache;

import ai.cascade.ops.ui.Figures;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Elements of a collection as a preview shows them in a row: escaped ({@link KeyText#escaped}), credentials masked
 * ({@link CredentialMask}), cut to {@link #ELEMENT_BYTES} with the whole size said. Masking adds its note once.
 */
final class ElementText {
    /** Bytes of one element shown in a row; the rest is summarised. */
    static final int ELEMENT_BYTES = 1000;

    private ElementText() {}

    static String element(byte[] v, List<String> notes) {
        byte[] head = v.length > ELEMENT_BYTES ? withoutCutCharacter(Arrays.copyOf(v, ELEMENT_BYTES)) : v;
        String decoded = KeyText.decode(head);
        String text;
        if (decoded != null) {
            String masked = CredentialMask.inText(decoded);
            if (!masked.equals(decoded)) noteMasking(notes);
            text = KeyText.escaped(masked.getBytes(StandardCharsets.UTF_8));
        } else text = KeyText.escaped(head);
        return v.length > ELEMENT_BYTES ? text + " … (" + Figures.bytes(v.length) + " in all)" : text;
    }

    /** A hash value or stream field: masked whole when its name is a credential's. */
    static String field(byte[] name, byte[] value, List<String> notes) {
        String n = KeyText.decode(name);
        if (n != null && CredentialMask.isCredentialName(n)) {
            noteMasking(notes);
            return CredentialMask.masked(KeyText.escaped(value));
        }
        return element(value, notes);
    }

    /** A stream entry's fields: "name=value  name=value". */
    static String entry(Map<byte[], byte[]> body, List<String> notes) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
            if (b.length() > 0) b.append("  ");
            b.append(element(e.getKey(), notes)).append('=').append(field(e.getKey(), e.getValue(), notes));
        }
        return b.toString();
    }

    /** A sorted set's score: whole numbers without ".0". */
    static String score(double s) {
        return s == Math.rint(s) && Math.abs(s) < 1e15 ? String.valueOf((long) s) : String.valueOf(s);
    }

    /** Drops a multi-byte UTF-8 character cut short at the end, so a partial read of text still reads as text. */
    static byte[] withoutCutCharacter(byte[] b) {
        int end = b.length;
        int i = end - 1;
        int back = 0;
        while (i >= 0 && back < 3 && (b[i] & 0xC0) == 0x80) { i--; back++; }
        if (i < 0) return b;
        int lead = b[i] & 0xff;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return need > end - i ? Arrays.copyOf(b, i) : b;
    }

    private static void noteMasking(List<String> notes) {
        if (!notes.contains(CredentialMask.NOTE)) notes.add(CredentialMask.NOTE);
    }
}
