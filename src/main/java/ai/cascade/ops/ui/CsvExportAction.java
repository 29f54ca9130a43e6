package ai.cascade.ops.ui;

import ai.cascade.ops.backend.CancelSignal;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Exporting a result to CSV the same way from every view: a file chooser, then the export as a
 * background job with progress and cancel in the status bar, and one sentence about the outcome.
 */
public final class CsvExportAction {
    /** Writes the rows to {@code target}; reports rows written so far; returns the total. */
    @FunctionalInterface
    public interface Exporter {
        long export(Path target, CancelSignal cancel, LongConsumer rowsWritten) throws Exception;
    }

    private CsvExportAction() {}

    /** Asks where to save; empty when the person cancels. */
    public static Optional<Path> chooseFile(Window owner, String suggestedName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export to CSV");
        chooser.setInitialFileName(suggestedName);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV files", "*.csv"));
        File f = chooser.showSaveDialog(owner);
        return Optional.ofNullable(f).map(File::toPath);
    }

    /**
     * Runs the export in the background; {@code expectedRows} (0 when unknown) scales the progress.
     * {@code report} receives "Exported N rows to F", the error, or that it was cancelled.
     */
    public static Job<Long> run(BackgroundWork work, Path target, long expectedRows, Exporter exporter, Consumer<String> report) {
        Job<Long> job = work.run("Exporting to " + target.getFileName(), c -> exporter.export(target, c, n -> c.progress(
                        expectedRows > 0 ? Math.min(1.0, (double) n / expectedRows) : -1, String.format("%,d rows written", n))),
                n -> report.accept(String.format("Exported %,d rows to %s", n, target)),
                e -> report.accept("Export failed: " + Problems.describe(e)));
        job.stateProperty().addListener((o, was, st) -> {
            if (st == javafx.concurrent.Worker.State.CANCELLED) report.accept("Export cancelled; no file was written.");
        });
        return job;
    }
}
