package ai.cascade.ops.demo;

import java.time.LocalDate;

/** One row in COPY's text format: tab-separated, {@code \N} for NULL, timestamps as UTC text. */
final class CopyLine {
    /** Marks an absent timestamp. */
    static final long NO_TIME = Long.MIN_VALUE;

    private final StringBuilder out;
    private boolean atStart = true;

    CopyLine(StringBuilder out) {
        this.out = out;
    }

    CopyLine text(String value) {
        separate();
        if (value == null) {
            out.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return this;
    }

    CopyLine number(long value) {
        separate();
        out.append(value);
        return this;
    }

    /** A TIMESTAMP column holds UTC: written as {@code yyyy-MM-dd HH:mm:ss} of the UTC wall clock. */
    CopyLine timestamp(long epochSecond) {
        if (epochSecond == NO_TIME) return text(null);
        separate();
        long day = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        out.append(date.getYear()).append('-');
        two(date.getMonthValue()).append('-');
        two(date.getDayOfMonth()).append(' ');
        two(secondOfDay / 3600).append(':');
        two(secondOfDay / 60 % 60).append(':');
        two(secondOfDay % 60);
        return this;
    }

    void end() {
        out.append('\n');
        atStart = true;
    }

    private StringBuilder two(int n) {
        if (n < 10) out.append('0');
        return out.append(n);
    }

    private void separate() {
        if (!atStart) out.append('\t');
        atStart = false;
    }
}
