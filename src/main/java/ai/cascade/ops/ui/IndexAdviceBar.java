package ai.cascade.ops.ui;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;

/** The bar that shows, when no index serves a search, the CREATE INDEX statements that would, ready to copy. */
public final class IndexAdviceBar {
    private IndexAdviceBar() {}

    /** {@code bar} is shown only while {@code advice} holds statements; {@code copy} puts them on the clipboard. */
    public static void bind(ObservableList<String> advice, Node bar, TextArea text, Button copy) {
        text.setWrapText(true);
        advice.addListener((ListChangeListener<String>) c -> {
            boolean any = !advice.isEmpty();
            bar.setVisible(any);
            bar.setManaged(any);
            text.setText(String.join("\n", advice));
            text.setPrefRowCount(Math.min(5, 2 * advice.size()));   // a statement may wrap onto a second line
        });
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(String.join("\n", advice));
            Clipboard.getSystemClipboard().setContent(content);
        });
    }
}
