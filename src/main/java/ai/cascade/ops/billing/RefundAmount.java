package ai.cascade.ops.billing;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The partial amount of a refund as a person types it: read strictly in the invoice currency's major units ("4.50"
 * EUR is 450 minor units), more than zero and at most what is still refundable. No grouping and no locale decimal
 * comma: "1,50" could mean 1.50 or 150, and a refund must not guess.
 */
public final class RefundAmount {
    /** The most digits before the point: a trillion in any currency is no refund, and it keeps minor units in a long. */
    static final int MAX_WHOLE_DIGITS = 12;
    /** How much of the typed text a message echoes: a pasted page must not become the message. */
    static final int ECHOED_CHARS = 24;

    private RefundAmount() {}

    /**
     * Minor units of {@code typed} in {@code currency}'s major units: digits, and at most the currency's decimals after a
     * point. Throws {@link IllegalArgumentException} with a sentence a person can act on when the text is not such an amount.
     */
    public static long parse(String typed, String currency) {
        int digits = Money.fractionDigits(currency);
        String t = typed == null ? "" : typed.strip();
        String pattern = "\\d{1," + MAX_WHOLE_DIGITS + "}" + (digits == 0 ? "" : "(\\.\\d{1," + digits + "})?");
        if (!t.matches(pattern))
            throw new IllegalArgumentException(shown(t) + " is not an amount: type it in "
                    + (currency == null ? "" : currency.toUpperCase(Locale.ROOT)) + " with "
                    + (digits == 0 ? "no decimals, e.g. 500." : "at most " + digits + " decimals after a point, e.g. 4.50."));
        return new BigDecimal(t).movePointRight(digits).longValueExact();
    }

    /**
     * Why {@code typed} cannot be refunded of an invoice in {@code currency} with {@code refundable} minor units left, or
     * null when it can. {@code locale} formats the amount left.
     */
    public static String problem(String typed, long refundable, String currency, Locale locale) {
        if (refundable <= 0) return "Nothing is left to refund.";
        if (typed == null || typed.isBlank()) return "Type the amount to refund.";
        long minor;
        try {
            minor = parse(typed, currency);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (minor <= 0) return "A refund must be more than zero.";
        if (minor > refundable) return "That is more than the " + Money.format(refundable, currency, locale) + " left to refund.";
        return null;
    }

    /**
     * The typed text quoted for a message: cut after {@link #ECHOED_CHARS} characters (saying how long it was), and
     * invisible characters (controls, bidi overrides, broken surrogates) written as code points so that none can hide
     * or reorder the message around it.
     */
    static String shown(String t) {
        StringBuilder sb = new StringBuilder("\"");
        int kept = 0;
        int i = 0;
        while (i < t.length() && kept < ECHOED_CHARS) {
            int cp = t.codePointAt(i);
            boolean invisible = Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.LINE_SEPARATOR
                    || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR;
            if (invisible) sb.append(String.format(Locale.ROOT, "U+%04X", cp));
            else sb.appendCodePoint(cp);
            i += Character.charCount(cp);
            kept++;
        }
        boolean cut = i < t.length();
        sb.append(cut ? "…\"" : "\"");
        if (cut) sb.append(" (").append(String.format(Locale.ROOT, "%,d", t.length())).append(" characters)");
        return sb.toString();
    }
}
