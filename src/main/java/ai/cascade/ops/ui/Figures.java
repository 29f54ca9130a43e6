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
}
