package ai.cascade.ops.bench;

import ai.cascade.ops.app.Console;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.PagedRows;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.users.UserDirectory;
import ai.cascade.ops.users.UserRow;
import ai.cascade.ops.users.UsersView;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.stage.Stage;

import java.lang.management.ManagementFactory;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * BENCH users.heap-after-100k-rows (issue 4): the real users view (as the console builds it, with the
 * console's theme and stylesheet) in a Stage on headless JavaFX (Monocle), on the demo with a million
 * users. The table is scrolled a screenful at a time with {@code table.scrollTo}, one frame per step,
 * waiting whenever a page is loading, until 100,000 rows of the result have passed; then the heap in
 * use after full collections is compared with the 300 MB budget.
 *
 * <pre>BENCH_ONLY=heap src/bench/users/run.sh</pre>
 */
public final class UsersViewHeapBench {
    private static final long ROWS = 100_000;
    private static final double BUDGET_MB = 300;

    private UsersViewHeapBench() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {   // the FX thread would keep a failed benchmark's JVM alive
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        headlessUnlessTold();
        long target = args.length > 0 ? Long.parseLong(args[0]) : ROWS;
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        double baseline, after;
        Scrolled scrolled;
        try (BenchDemo demo = BenchDemo.start(); BackgroundWork work = new BackgroundWork(6)) {
            UserDirectory directory = new UserDirectory(demo.connections());
            UsersView view = BenchFx.onFx(() -> show(directory, work));
            BenchFx.waitFor("the first page", () -> !view.rows().rows().isEmpty() && !view.rows().loadingProperty().get(), 60, 2);
            baseline = heapAfterGcMb();
            System.err.printf(Locale.ROOT, "first page shown; heap after GC %.1f MB; scrolling through %,d rows…%n", baseline, target);
            long t0 = System.nanoTime();
            scrolled = scroll(view, target);
            System.err.printf(Locale.ROOT, "scrolled %,d rows in %.1f s (%,d frames, %,d waits for a page)%n",
                    scrolled.passed, (System.nanoTime() - t0) / 1e9, scrolled.steps, scrolled.waits);
            after = heapAfterGcMb();   // the view is still on screen, as after a person scrolled there
            System.out.printf(Locale.ROOT, "users table after %,d rows: %,d rows held (window %,d), %,d dropped before; "
                            + "heap in use after full GC: %.1f MB (with the first page shown: %.1f MB); max heap %.0f MB%n",
                    scrolled.passed, BenchFx.onFx(() -> view.rows().rows().size()), PagedRows.WINDOW, BenchFx.onFx(() -> view.rows().droppedBefore()),
                    after, baseline, Runtime.getRuntime().maxMemory() / 1048576.0);
        }
        Platform.exit();
        System.out.printf(Locale.ROOT, "BENCH users.heap-after-100k-rows app=%.1f reference=%.0f ratio=%.2f%n", after, BUDGET_MB, after / BUDGET_MB);
    }

    /** The Monocle settings the UI tests use (pom.xml), when the command line set none. */
    private static void headlessUnlessTold() {
        String[][] defaults = {{"glass.platform", "Monocle"}, {"monocle.platform", "Headless"}, {"prism.order", "sw"},
                {"prism.text", "t2k"}, {"headless.geometry", "1920x1200-32"}, {"java.awt.headless", "true"}};
        for (String[] d : defaults) if (System.getProperty(d[0]) == null) System.setProperty(d[0], d[1]);
    }

    /** The users view as the console builds it (Console.buildViews), in a window the console's size. */
    private static UsersView show(UserDirectory directory, BackgroundWork work) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheetBSS());
        UsersView view = new UsersView(directory, new Label("Select a user to see everything about them."), row -> { }, work,
                new TimeDisplay(ZoneId.systemDefault()));
        Scene scene = new Scene(view.root(), 1280, 820);
        scene.getStylesheets().add(Console.class.getResource("console.css").toExternalForm());
        Stage stage = new Stage();
        stage.setScene(scene);
        stage.show();
        view.refresh();
        return view;
    }

    private record Scrolled(long passed, long steps, long waits) {}

    /**
     * A screenful per frame: scrollTo the row after the last one fully shown, let a pulse lay it out
     * (which tells the paged rows what is shown, so they fetch ahead and drop behind), and wait while
     * a page loads. Positions count in the whole result: rows dropped before the window plus the index.
     */
    private static Scrolled scroll(UsersView view, long target) throws Exception {
        TableView<UserRow> table = view.table();
        PagedRows<UserRow> rows = view.rows();
        long steps = 0, waits = 0, passed = 0;
        while (passed < target) {
            if (BenchFx.onFx(() -> rows.problemProperty().get()) != null)
                throw new IllegalStateException("the users table showed an error: " + BenchFx.onFx(() -> rows.problemProperty().get()));
            if (BenchFx.onFx(() -> rows.loadingProperty().get())) {
                waits++;
                BenchFx.waitFor("a page of users", () -> !rows.loadingProperty().get(), 60, 2);
            }
            long[] at = BenchFx.onFx(() -> {
                VirtualFlow<?> flow = (VirtualFlow<?>) table.lookup(".virtual-flow");
                IndexedCell<?> first = flow.getFirstVisibleCell(), last = flow.getLastVisibleCell();
                int next = Math.min(rows.rows().size() - 1, last.getIndex() + 1);
                table.scrollTo(next);
                return new long[] {rows.droppedBefore() + last.getIndex() + 1, rows.hasMoreAfter() ? 1 : 0, first.getIndex()};
            });
            nextPulse();
            steps++;
            if (at[0] <= passed && at[1] == 0 && !BenchFx.onFx(() -> rows.loadingProperty().get()))
                throw new IllegalStateException("the table ended at row " + passed + " before " + target);
            passed = Math.max(passed, at[0]);
        }
        return new Scrolled(passed, steps, waits);
    }

    /** Waits for the next frame's layout (the pulse that applies the scroll). */
    private static void nextPulse() throws InterruptedException, TimeoutException {
        CountDownLatch pulsed = new CountDownLatch(1);
        Platform.runLater(() -> {
            Scene scene = Stage.getWindows().stream().filter(w -> w.getScene() != null).findFirst().orElseThrow().getScene();
            scene.addPostLayoutPulseListener(new Runnable() {
                @Override public void run() {
                    scene.removePostLayoutPulseListener(this);
                    pulsed.countDown();
                }
            });
            Platform.requestNextPulse();
        });
        if (!pulsed.await(10, TimeUnit.SECONDS)) throw new TimeoutException("no frame within 10 s");
    }

    /** Heap in use after full collections, in MB (2^20 bytes). */
    private static double heapAfterGcMb() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used / 1048576.0;
    }
}
