package ai.cascade.ops.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records the FX thread's stack every 20 ms and keeps the samples of its long busy stretches (100 ms or more on end):
 * an answer to the watchdog can only be that late of the console's own while the thread is busy that long, so these
 * samples say what made it late. Each sample is named by its phase (FXML loading, CSS, layout, …), the console's
 * innermost frame and the top frame, and the most frequent names are printed.
 */
final class FxStackSampler implements AutoCloseable {
    private static final long PERIOD_MS = 20;
    private static final long LONG_MS = 100;

    private record Sample(long atNanos, StackTraceElement[] stack) {}

    /** A busy stretch of at least {@link #LONG_MS}. */
    private record Stretch(long startNanos, long ms, List<Sample> samples) {}

    private final Thread fx;
    private final Thread sampler;
    private final List<Stretch> stretches = new ArrayList<>();
    private volatile boolean stop;
    private int samples;
    private int busySamples;

    private FxStackSampler(Thread fx) {
        this.fx = fx;
        this.sampler = new Thread(this::loop, "fx-stack-sampler");
        sampler.setDaemon(true);
    }

    static FxStackSampler start(Thread fx) {
        FxStackSampler s = new FxStackSampler(fx);
        s.sampler.start();
        return s;
    }

    private void loop() {
        List<Sample> current = new ArrayList<>();
        while (!stop) {
            StackTraceElement[] stack = fx.getStackTrace();
            long now = System.nanoTime();
            synchronized (this) {
                samples++;
                if (busy(fx.getState(), stack)) {
                    busySamples++;
                    current.add(new Sample(now, stack));
                } else {
                    close(current);
                    current = new ArrayList<>();
                }
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                break;
            }
        }
        synchronized (this) {
            close(current);
        }
    }

    private void close(List<Sample> stretch) {
        if (stretch.isEmpty()) return;
        long ms = (stretch.get(stretch.size() - 1).atNanos() - stretch.get(0).atNanos()) / 1_000_000 + PERIOD_MS;
        if (ms >= LONG_MS) stretches.add(new Stretch(stretch.get(0).atNanos(), ms, stretch));
    }

    /** Idle: waiting in the event loop with nothing of JavaFX's scene or the console's on the stack. */
    private static boolean busy(Thread.State state, StackTraceElement[] stack) {
        if (state == Thread.State.RUNNABLE && stack.length > 0 && !stack[0].getClassName().startsWith("jdk.internal.misc.Unsafe")
                && !stack[0].getMethodName().equals("park")) return true;
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.startsWith("ai.cascade.") || c.startsWith("javafx.") || c.startsWith("com.sun.javafx.")) return true;
        }
        return false;
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
        try {
            sampler.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The FX thread's busy share, its long stretches, the most frequent sample names in them and the longest's stack. */
    synchronized void print(PrintStream out, int top) {
        long longMs = stretches.stream().mapToLong(Stretch::ms).sum();
        out.printf(Locale.ROOT, "  FX thread busy in %d of %d samples (20 ms); %d stretches of 100 ms or more on end, %,d ms in all%n",
                busySamples, samples, stretches.size(), longMs);
        if (stretches.isEmpty()) return;
        Map<String, Integer> byName = new HashMap<>();
        Map<String, Integer> byPhase = new HashMap<>();
        int n = 0;
        for (Stretch s : stretches)
            for (Sample x : s.samples()) {
                n++;
                byName.merge(name(x.stack()), 1, Integer::sum);
                byPhase.merge(phase(x.stack()), 1, Integer::sum);
            }
        int total = n;
        out.println("  in those stretches, by phase: " + byPhase.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %d%%", e.getKey(), 100 * e.getValue() / total)).toList());
        out.println("  most frequent samples (phase | console's innermost frame | top frame):");
        byName.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.printf(Locale.ROOT, "    %3d  %s%n", e.getValue(), e.getKey()));
        List<Stretch> longest = stretches.stream().sorted(Comparator.comparingLong(Stretch::ms).reversed()).limit(3).toList();
        for (Stretch s : longest) {
            Map<String, Integer> phases = new HashMap<>();
            Map<String, Integer> owners = new HashMap<>();
            s.samples().forEach(x -> { phases.merge(phase(x.stack()), 1, Integer::sum); owners.merge(consoleFrame(x.stack()), 1, Integer::sum); });
            out.printf(Locale.ROOT, "  a %d ms stretch: phases %s; console frames %s%n", s.ms(), phases, owners);
        }
        Stretch worst = longest.get(0);
        StackTraceElement[] mid = worst.samples().get(worst.samples().size() / 2).stack();
        out.println("  the longest stretch's middle sample:");
        for (int i = 0; i < Math.min(45, mid.length); i++) out.println("      at " + mid[i]);
    }

    private static String name(StackTraceElement[] stack) {
        return phase(stack) + " | " + consoleFrame(stack) + " | " + (stack.length == 0 ? "-" : frame(stack[0]));
    }

    /** The innermost phase a sample is in: the first marker found from the top of the stack. */
    static String phase(StackTraceElement[] stack) {
        if (stack.length > 0 && (stack[0].getMethodName().equals("park") || stack[0].getMethodName().equals("unpark")
                || stack[0].getMethodName().equals("wait")))
            for (StackTraceElement f : stack) if (f.getClassName().startsWith("com.sun.javafx.tk.quantum.")) return "render hand-off";
        for (StackTraceElement f : stack) {
            if (f.getClassName().contains("monocle.Framebuffer") || f.getClassName().contains("monocle.Headless")) return "Monocle compose";
            String c = f.getClassName();
            String m = f.getMethodName();
            if (c.startsWith("javafx.fxml.") || c.startsWith("com.sun.javafx.fxml.")) return "FXML";
            if (c.startsWith("javafx.css.CssParser") || c.contains("StylesheetFactory") || m.equals("loadStylesheet")
                    || m.equals("loadStylesheetUnPrivileged")) return "CSS parse";
            if (c.contains("CssStyleHelper") || c.contains("StyleManager") || m.equals("doCSSPass") || m.equals("applyCss")
                    || m.equals("processCSS") || m.equals("doProcessCSS")) return "CSS";
            if (m.equals("doLayoutPass") || m.equals("layoutChildren") || m.equals("layout") || m.startsWith("computePref")
                    || m.startsWith("prefWidth") || m.startsWith("prefHeight")) return "layout";
            if (c.startsWith("javafx.scene.text") || c.startsWith("com.sun.javafx.text") || c.startsWith("com.sun.javafx.font")) return "text";
            if (m.equals("synchronizeSceneNodes") || c.startsWith("com.sun.javafx.sg.prism")) return "sync";
            if (c.startsWith("ai.cascade.")) return "console";
        }
        return "other";
    }

    /** The console's innermost frame (its own code on the stack), or "-". */
    private static String consoleFrame(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) if (f.getClassName().startsWith("ai.cascade.ops.") && !f.getClassName().startsWith("ai.cascade.ops.bench.")
                && !f.getClassName().startsWith("ai.cascade.ops.testing.")) return frame(f);
        return "-";
    }

    private static String frame(StackTraceElement f) {
        String c = f.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber();
    }
}
