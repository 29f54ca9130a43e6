package ai.cascade.ops.cache;

import ai.cascade.ops.cache.ValuePreview.PageStart;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.Job;
import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.ReasonPrompt;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The Keys tab (issue #6, item 5): search keys by prefix (glob characters typed are literal) or, when asked, by pattern;
 * results grow as SCAN finds them, with progress and Cancel; the selected key is previewed by type a page at a time;
 * a support login may delete it, giving a reason for the audit log. Every Redis call runs through {@link BackgroundWork}.
 */
public final class BrowserSection implements PageSection {
    private final KeySearch search;
    private final KeyPreview preview;
    private final KeyDeletion deletion;
    private final BackgroundWork work;
    private final ConnectionProfile profile;

    private final TextField searchField = new TextField();
    private final ToggleButton patternToggle = new ToggleButton("Pattern (glob)");
    private final Button searchButton = new Button("Search");
    private final Button cancelButton = new Button("Cancel");
    private final ProgressIndicator scanning = new ProgressIndicator();
    private final Label searchStatus = new Label("Type the start of a key name, or nothing for all keys, and search.");
    private final ListView<byte[]> results = new ListView<>();
    private final Label previewKey = new Label("Select a key to preview it.");
    private final Label typeBadge = new Label();
    private final Label previewMeta = new Label();
    private final Label previewNotes = new Label();
    private final TextArea valueText = new TextArea();
    private final TableView<List<String>> valueTable = new TableView<>();
    private final ListView<String> valueList = new ListView<>();
    private final Button previousPage = new Button("Previous");
    private final Label pageLabel = new Label();
    private final Button nextPage = new Button("Next");
    private final Button refreshPreview = new Button("Refresh");
    private final Button deleteKey = new Button("Delete key…");
    private final Label actionResult = new Label();
    private BorderPane root;

    private Job<KeySearch.Outcome> searching;
    private int searchGeneration;
    private int previewGeneration;
    private byte[] previewed;
    private ValuePreview shown;
    /** Starts of the pages before the one shown, for Previous. */
    private final Deque<PageStart> earlierPages = new ArrayDeque<>();

    /** {@code profile} decides the delete confirmation (production: type its name) and hides Delete on a read-only profile. */
    public BrowserSection(KeySearch search, KeyPreview preview, KeyDeletion deletion, BackgroundWork work, ConnectionProfile profile) {
        this.search = search;
        this.preview = preview;
        this.deletion = deletion;
        this.work = work;
        this.profile = profile;
    }

    @Override public String id() { return "keys"; }

    @Override public String title() { return "Keys"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    @Override
    public void refresh() {
        root();
        searchField.requestFocus();
    }

    /** Another tab is shown: a search in flight stops (it serves only the eye). */
    @Override
    public void hidden() {
        if (searching != null && !searching.isDone()) cancelSearch();
    }

    // --- layout ----------------------------------------------------------------------------------------------

    private void build() {
        searchField.setId("keySearchField");
        searchField.setPromptText("Key name starts with… (e.g. cascade:session:)");
        patternToggle.setId("patternToggle");
        patternToggle.selectedProperty().addListener((o, was, glob) -> searchField.setPromptText(glob
                ? "Pattern, e.g. cascade:venice:*:citizen*" : "Key name starts with… (e.g. cascade:session:)"));
        searchButton.setId("searchButton");
        searchButton.setDefaultButton(true);
        cancelButton.setId("cancelSearchButton");
        cancelButton.setDisable(true);
        scanning.setMaxSize(18, 18);
        scanning.setVisible(false);
        searchStatus.setId("searchStatus");
        searchStatus.setWrapText(true);
        HBox.setHgrow(searchField, Priority.ALWAYS);
        HBox bar = new HBox(8, searchField, patternToggle, searchButton, cancelButton, scanning);
        bar.setAlignment(Pos.CENTER_LEFT);

        results.setId("resultsList");
        results.setCellFactory(l -> new ListCell<>() {
            @Override protected void updateItem(byte[] key, boolean empty) {
                super.updateItem(key, empty);
                setText(empty || key == null ? null : KeyText.shown(key));
            }
        });
        results.getSelectionModel().selectedItemProperty().addListener((o, was, key) -> { if (key != null) select(key); });

        SplitPane split = new SplitPane(results, previewPane());
        split.setDividerPositions(0.35);
        VBox.setVgrow(split, Priority.ALWAYS);
        root = new BorderPane(split, new VBox(6, bar, searchStatus), null, null, null);
        root.setPadding(new Insets(12));
        BorderPane.setMargin(split, new Insets(8, 0, 0, 0));
        root.getStylesheets().add(Objects.requireNonNull(BrowserSection.class.getResource("Browser.css")).toExternalForm());
        root.getStyleClass().add("key-browser");

        searchButton.setOnAction(e -> search());
        cancelButton.setOnAction(e -> cancelSearch());
        previousPage.setOnAction(e -> { if (!earlierPages.isEmpty()) load(earlierPages.pop()); });
        nextPage.setOnAction(e -> {
            if (shown == null || !shown.hasNext()) return;
            earlierPages.push(shown.page());
            load(shown.next());
        });
        refreshPreview.setOnAction(e -> { if (previewed != null) load(shown == null || shown.gone() ? null : shown.page()); });
        deleteKey.setOnAction(e -> delete());
        showPreview(null);
    }

    private Node previewPane() {
        previewKey.setId("previewKey");
        previewKey.getStyleClass().add("preview-key");
        previewKey.setWrapText(true);
        typeBadge.setId("typeBadge");
        typeBadge.getStyleClass().add("type-badge");
        previewMeta.setId("previewMeta");
        previewMeta.getStyleClass().add("text-muted");
        previewNotes.setId("previewNotes");
        previewNotes.getStyleClass().add("preview-notes");
        previewNotes.setWrapText(true);
        valueText.setId("valueText");
        valueText.setEditable(false);
        valueText.getStyleClass().add("value-text");
        valueTable.setId("valueTable");
        valueTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        valueList.setId("valueList");
        StackPane content = new StackPane(valueText, valueTable, valueList);
        VBox.setVgrow(content, Priority.ALWAYS);
        previousPage.setId("previousPage");
        pageLabel.setId("pageLabel");
        nextPage.setId("nextPage");
        refreshPreview.setId("refreshPreview");
        deleteKey.setId("deleteKey");
        deleteKey.getStyleClass().add("danger");
        actionResult.setId("actionResult");
        actionResult.setWrapText(true);
        HBox header = new HBox(8, typeBadge, previewKey);
        header.setAlignment(Pos.CENTER_LEFT);
        HBox paging = new HBox(8, previousPage, pageLabel, nextPage, refreshPreview, deleteKey);
        paging.setAlignment(Pos.CENTER_LEFT);
        if (profile.readOnly()) {
            deleteKey.setVisible(false);
            deleteKey.setManaged(false);
        }
        VBox box = new VBox(6, header, previewMeta, previewNotes, content, paging, actionResult);
        box.setPadding(new Insets(0, 0, 0, 8));
        return box;
    }

    // --- searching -------------------------------------------------------------------------------------------

    private void search() {
        if (searching != null && !searching.isDone()) searching.cancel(true);
        int generation = ++searchGeneration;
        KeyPattern pattern = KeyPattern.of(searchField.getText(), patternToggle.isSelected());
        results.getItems().clear();
        searchStatus.setText("Scanning for " + pattern.describe() + "…");
        scanning.setVisible(true);
        cancelButton.setDisable(false);
        searching = work.run("Searching " + pattern.describe(), control -> search.search(pattern, control,
                keys -> Platform.runLater(() -> { if (generation == searchGeneration) results.getItems().addAll(keys); }),
                p -> Platform.runLater(() -> { if (generation == searchGeneration) progress(p); })),
                outcome -> { if (generation == searchGeneration) searchEnded(outcome.message()); },
                e -> { if (generation == searchGeneration) searchEnded(Problems.describe(e)); });
    }

    private void progress(KeySearch.Progress p) {
        if (searching == null || searching.isDone()) return;
        searchStatus.setText("Scanning… " + Figures.count(results.getItems().size()) + " found so far"
                + (p.masters() > 1 ? " (" + p.mastersDone() + " of " + p.masters() + " masters done)" : "") + ".");
    }

    private void cancelSearch() {
        if (searching == null || searching.isDone()) return;
        searchGeneration++;   // a cancelled job reports nothing; batches still on their way are dropped
        searching.cancel(true);
        searchEnded("Search cancelled after " + Figures.count(results.getItems().size()) + " keys.");
    }

    private void searchEnded(String message) {
        scanning.setVisible(false);
        cancelButton.setDisable(true);
        searchStatus.setText(message);
    }

    // --- previewing ------------------------------------------------------------------------------------------

    private void select(byte[] key) {
        previewed = key;
        earlierPages.clear();
        actionResult.setText(null);
        load(null);
    }

    private void load(PageStart from) {
        byte[] key = previewed;
        int generation = ++previewGeneration;
        previewNotes.setText("Reading " + KeyText.shown(key) + "…");
        setPaging(false);
        work.run("Previewing " + KeyText.shown(key), c -> preview.preview(key, from, c),
                p -> { if (generation == previewGeneration) showPreview(p); },
                e -> {
                    if (generation != previewGeneration) return;
                    previewNotes.setText(Problems.describe(e));
                    refreshPreview.setDisable(false);
                });
    }

    private void showPreview(ValuePreview p) {
        shown = p;
        valueText.setVisible(false);
        valueTable.setVisible(false);
        valueList.setVisible(false);
        if (p == null) {
            typeBadge.setVisible(false);
            previewMeta.setText(null);
            previewNotes.setText(null);
            setPaging(false);
            return;
        }
        previewKey.setText(p.shownKey());
        typeBadge.setVisible(true);
        typeBadge.setText(p.gone() ? "gone" : p.type());
        previewNotes.setText(String.join("\n", p.notes()));
        if (p.gone()) {
            previewMeta.setText(null);
            setPaging(false);
            refreshPreview.setDisable(false);
            return;
        }
        previewMeta.setText("TTL " + ttl(p.ttlMillis()) + " · memory " + p.memory().shown() + " · encoding " + p.encoding().shown()
                + " · " + Figures.count(p.length()) + " " + unit(p.type()));
        switch (p.type()) {
            case "string" -> {
                valueText.setText(p.text());
                valueText.setVisible(true);
            }
            case "list", "set" -> {
                valueList.getItems().setAll(p.rows().stream().map(r -> String.join("  ", r)).toList());
                valueList.setVisible(true);
            }
            case "hash", "zset", "stream" -> {
                fillTable(p);
                valueTable.setVisible(true);
            }
            default -> {
                valueText.setText(p.text());
                valueText.setVisible(true);
            }
        }
        setPaging(true);
        boolean collection = !p.columns().isEmpty();
        pageLabel.setText(collection ? "Page " + (p.page().number() + 1) + (p.rows().isEmpty() ? " · no more entries" : "") : "");
        previousPage.setDisable(earlierPages.isEmpty());
        nextPage.setDisable(!p.hasNext());
    }

    private void fillTable(ValuePreview p) {
        valueTable.getColumns().clear();
        for (int i = 0; i < p.columns().size(); i++) {
            int column = i;
            TableColumn<List<String>, String> c = new TableColumn<>(p.columns().get(i));
            c.setCellValueFactory(row -> new ReadOnlyStringWrapper(row.getValue().get(column)));
            c.setSortable(false);   // a page sorted on its own would mislead: the order is Redis'
            valueTable.getColumns().add(c);
        }
        valueTable.getItems().setAll(p.rows());
    }

    private void setPaging(boolean on) {
        previousPage.setDisable(!on);
        nextPage.setDisable(!on);
        refreshPreview.setDisable(!on);
        deleteKey.setDisable(!on || deletion == null);
    }

    private static String ttl(Long millis) {
        if (millis == null) return "unknown";
        if (millis == -1) return "none (never expires)";
        return Figures.remaining(Math.max(0, millis / 1000));
    }

    private static String unit(String type) {
        return switch (type) {
            case "string" -> "bytes";
            case "hash" -> "fields";
            case "list" -> "elements";
            case "set", "zset" -> "members";
            case "stream" -> "entries";
            default -> "";
        };
    }

    // --- deleting --------------------------------------------------------------------------------------------

    private void delete() {
        ValuePreview p = shown;
        if (p == null || p.gone() || deletion == null || previewed == null) return;
        byte[] key = previewed;   // the listed array itself, so the list can drop it
        String question = "Delete " + p.shownKey() + " (" + p.type() + ", " + p.memory().shown() + ")? The key and its value are gone "
                + "for good; the application may write it again.";
        ReasonPrompt.ask(root.getScene().getWindow(), profile, "Delete key", question).ifPresent(reason -> {
            actionResult.setText("Deleting…");
            deleteKey.setDisable(true);
            work.run("Deleting " + p.shownKey(), c -> deletion.delete(key, reason, c), outcome -> {
                actionResult.setText(outcome.message());
                deleteKey.setDisable(false);
                if (outcome.result() == KeyDeletion.Result.DELETED || outcome.result() == KeyDeletion.Result.GONE) {
                    results.getItems().remove(key);
                    if (key == previewed) load(null);
                }
            }, e -> {
                actionResult.setText(Problems.describe(e));
                deleteKey.setDisable(false);
            });
        });
    }

    // --- for tests -------------------------------------------------------------------------------------------

    ListView<byte[]> results() { return results; }

    ValuePreview shown() { return shown; }

    Label searchStatus() { return searchStatus; }

    boolean searching() { return searching != null && !searching.isDone(); }
}
