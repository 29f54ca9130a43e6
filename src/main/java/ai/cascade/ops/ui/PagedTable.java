package ai.cascade.ops.ui;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Button;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.VirtualFlow;

import java.time.LocalDateTime;
import java.util.function.Function;

/** A virtualized table over {@link PagedRows}: pages are fetched as rows are shown, the place kept when the window moves. */
public final class PagedTable {
    private PagedTable() {}

    public static <R> void attach(TableView<R> table, PagedRows<R> rows) {
        table.setItems(rows.rows());
        // Each row shown asks for the next page when it is near the end of what is held.
        table.setRowFactory(tv -> new TableRow<>() {
            @Override public void updateIndex(int i) {
                super.updateIndex(i);
                if (i >= 0) rows.shown(i);
            }
        });
        rows.setOnHeadShift(n -> {
            VirtualFlow<?> flow = (VirtualFlow<?>) table.lookup(".virtual-flow");
            IndexedCell<?> first = flow == null ? null : flow.getFirstVisibleCell();
            if (first != null) table.scrollTo(Math.max(0, first.getIndex() + n));
        });
    }

    /** A spinner while a page loads; the error and a Retry button when one failed. */
    public static void showStatus(PagedRows<?> rows, ProgressIndicator loading, Label problem, Button retry) {
        loading.visibleProperty().bind(rows.loadingProperty());
        problem.textProperty().bind(rows.problemProperty());
        rows.problemProperty().addListener((o, was, p) -> {
            retry.setVisible(p != null);
            retry.setManaged(p != null);
        });
        retry.setOnAction(e -> rows.retry());
    }

    public static <R> void textColumn(TableColumn<R, String> column, Function<R, String> value) {
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
    }

    /** A TIMESTAMP column (UTC) shown in the operator's zone, or UTC on demand. */
    public static <R> void timeColumn(TableColumn<R, LocalDateTime> column, Function<R, LocalDateTime> value, TimeDisplay time) {
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(LocalDateTime t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty ? null : time.formatUtc(t));
            }
        });
    }
}
