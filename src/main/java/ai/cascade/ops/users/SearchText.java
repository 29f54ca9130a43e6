package ai.cascade.ops.users;

import ai.cascade.ops.database.PostgresText;

/**
 * What a person typed into the user search, understood: a numeric user id, a Stripe customer or
 * subscription id, an email, or else the start of a Venice username. Text that no stored value can
 * equal (a NUL, a broken surrogate, longer than the column) is {@link Kind#IMPOSSIBLE}: no query runs.
 */
public record SearchText(Kind kind, String value) {
    /** VARCHAR(255) columns: longer text matches nothing. */
    static final int MAX_LENGTH = 255;

    public enum Kind {
        EVERYONE("all users"),
        USER_ID("user id"),
        CUSTOMER_ID("Stripe customer id"),
        SUBSCRIPTION_ID("Stripe subscription id"),
        EMAIL("email (exact, any case)"),
        USERNAME_PREFIX("Venice username starting with"),
        IMPOSSIBLE("nothing can match");

        private final String label;

        Kind(String label) { this.label = label; }

        public String label() { return label; }
    }

    public static SearchText parse(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.isEmpty()) return new SearchText(Kind.EVERYONE, "");
        if (t.length() > MAX_LENGTH || t.indexOf('\0') >= 0 || PostgresText.hasBrokenSurrogate(t)) return new SearchText(Kind.IMPOSSIBLE, t);
        if (t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // user ids are SERIAL (int4): a longer number is nobody's id
            return t.length() <= 10 && Long.parseLong(t) <= Integer.MAX_VALUE
                    ? new SearchText(Kind.USER_ID, t) : new SearchText(Kind.IMPOSSIBLE, t);
        }
        if (t.startsWith("cus_")) return new SearchText(Kind.CUSTOMER_ID, t);
        if (t.startsWith("sub_")) return new SearchText(Kind.SUBSCRIPTION_ID, t);
        if (t.indexOf('@') > 0) return new SearchText(Kind.EMAIL, t);
        return new SearchText(Kind.USERNAME_PREFIX, t);
    }

    @Override
    public String toString() {
        return kind.label() + (value.isEmpty() ? "" : " \"" + value + "\"");
    }
}
