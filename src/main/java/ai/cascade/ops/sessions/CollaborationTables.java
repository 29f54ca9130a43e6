package ai.cascade.ops.sessions;

import ai.cascade.ops.sessions.Collaborations.Collaboration;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/** The collaboration sessions' two tables and the participants of the one selected, which open a user on double-click. */
final class CollaborationTables {
    private CollaborationTables() {}

    static void bind(TableView<Collaboration> live, TableView<Collaboration> ended, ListView<String> participants, Label problem,
                     TimeDisplay time, Consumer<String> openUser) {
        columns(live, time, false);
        columns(ended, time, true);
        live.getSelectionModel().selectedItemProperty().addListener((o, was, c) -> {
            if (c != null) {
                ended.getSelectionModel().clearSelection();
                show(c, participants, problem);
            }
        });
        ended.getSelectionModel().selectedItemProperty().addListener((o, was, c) -> {
            if (c != null) {
                live.getSelectionModel().clearSelection();
                show(c, participants, problem);
            }
        });
        participants.setOnMouseClicked(e -> {
            String name = participants.getSelectionModel().getSelectedItem();
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && name != null) openUser.accept(name);
        });
        participants.setOnKeyPressed(e -> {
            String name = participants.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && name != null) openUser.accept(name);
        });
    }

    private static void show(Collaboration c, ListView<String> participants, Label problem) {
        participants.getItems().setAll(c.participants());
        problem.setText(c.participantsProblem());
    }

    private static void columns(TableView<Collaboration> table, TimeDisplay time, boolean ended) {
        TableColumn<Collaboration, String> session = text("Session", 95, c -> c.sessionId() == null ? "—" : c.sessionId().substring(0, Math.min(8, c.sessionId().length())));
        TableColumn<Collaboration, String> owner = text("Owner", 160, c -> c.ownerName() != null ? c.ownerName()
                : c.ownerId() == null ? "—" : "user " + c.ownerId() + " (gone)");
        TableColumn<Collaboration, String> who = text("Participants", 230, c -> c.participantsProblem() != null && c.participants().isEmpty()
                ? c.participantsProblem() : c.participants().size() + ": " + String.join(", ", c.participants()));
        TableColumn<Collaboration, Instant> started = new TableColumn<>("Started");
        started.setPrefWidth(150);
        SessionsView.timeColumn(started, c -> utc(c.createdAt()), time);
        TableColumn<Collaboration, Instant> endedAt = new TableColumn<>("Ended");
        endedAt.setPrefWidth(150);
        SessionsView.timeColumn(endedAt, c -> utc(c.endedAt()), time);
        TableColumn<Collaboration, Long> duration = new TableColumn<>("Duration");
        duration.setPrefWidth(85);
        duration.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().duration() == null ? null : c.getValue().duration().toSeconds()));
        duration.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
            @Override protected void updateItem(Long s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s == null ? "—" : Figures.remaining(s));
            }
        });
        TableColumn<Collaboration, String> metrics = text("Metrics", 260, Collaboration::metrics);
        table.getColumns().setAll(ended ? List.of(session, owner, who, started, endedAt, duration, metrics)
                : List.of(session, owner, who, started, duration, metrics));
    }

    private static TableColumn<Collaboration, String> text(String title, double width, java.util.function.Function<Collaboration, String> value) {
        TableColumn<Collaboration, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        SessionsView.textColumn(c, value);
        return c;
    }

    private static Instant utc(LocalDateTime t) {
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
