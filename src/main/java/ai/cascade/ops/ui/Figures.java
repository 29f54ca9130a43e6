package ai.cascade.ops.ui;

import java.text.NumberFormat;
import java.util.Locale;

/** Numbers as people read them: grouped counts, bytes in binary units, percentages. */
public final class Figures {
    private Figures() {}

    public static String count(long n) {
        return NumberFormat.getIntegerInstance(Locale.getDefault()).format(n);
    }

    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return String.format(Locale.getDefault(), "%.1f %s", v, units[u]);
    }

    public static String percent(long part, long whole) {
        if (whole <= 0) return "—";
        return String.format(Locale.getDefault(), "%.1f %%", 100.0 * part / whole);
    }

    public static String duration(long seconds) {
        if (seconds < 120) return seconds + " s";
        if (seconds < 7200) return (seconds / 60) + " min";
        if (seconds < 172800) return (seconds / 3600) + " h";
        return (seconds / 86400) + " days";
    }

    /** A time left as "4 m 12 s", "1 h 5 m" or "2 d 3 h": two units, precise enough for a TTL that counts down. */
    public static String remaining(long seconds) {
        if (seconds < 0) return "—";
        if (seconds < 60) return seconds + " s";
        if (seconds < 3600) return (seconds / 60) + " m " + (seconds % 60) + " s";
        if (seconds < 86400) return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " m";
        return (seconds / 86400) + " d " + (seconds % 86400 / 3600) + " h";
    }
}
