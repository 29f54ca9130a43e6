package ai.cascade.ops.sessions;

import ai.cascade.ops.ui.Figures;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The login sessions table's columns: what each shows, and the order each sorts by (applied in the background). */
final class SessionColumns {
    private SessionColumns() {}

    static void bind(SessionsView v) {
        TableView<SessionRow> table = v.table();
        Map<TableColumn<SessionRow, ?>, Comparator<SessionRow>> orders = new HashMap<>();
        SessionsView.textColumn(v.usernameColumn(), r -> r.username() == null ? null : r.username() + (r.userExists() ? "" : " (gone)"));
        orders.put(v.usernameColumn(), by(SessionRow::username, String.CASE_INSENSITIVE_ORDER));
        SessionsView.textColumn(v.tierColumn(), SessionRow::tier);
        orders.put(v.tierColumn(), by(SessionRow::tier, Comparator.naturalOrder()));
        v.userIdColumn().setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().userId()));
        orders.put(v.userIdColumn(), by(SessionRow::userId, Comparator.naturalOrder()));
        SessionsView.timeColumn(v.createdColumn(), SessionRow::createdAt, v.time());
        orders.put(v.createdColumn(), by(SessionRow::createdAt, Comparator.naturalOrder()));
        SessionsView.timeColumn(v.lastSeenColumn(), SessionRow::lastSeen, v.time());
        orders.put(v.lastSeenColumn(), by(SessionRow::lastSeen, Comparator.naturalOrder()));
        SessionsView.timeColumn(v.expiresColumn(), SessionRow::tokenExpires, v.time());
        orders.put(v.expiresColumn(), by(SessionRow::tokenExpires, Comparator.naturalOrder()));
        bindTtl(v);
        orders.put(v.ttlColumn(), Comparator.comparingLong((SessionRow r) -> r.keyExpiresAtMillis() < 0 ? Long.MAX_VALUE : r.keyExpiresAtMillis())
                .thenComparing(SessionRow::key));
        SessionsView.textColumn(v.ipColumn(), SessionRow::ip);
        orders.put(v.ipColumn(), by(SessionRow::ip, Comparator.naturalOrder()));
        SessionsView.textColumn(v.agentColumn(), SessionRow::userAgent);
        orders.put(v.agentColumn(), by(SessionRow::userAgent, Comparator.naturalOrder()));
        SessionsView.textColumn(v.jtiColumn(), r -> r.maskedJti() == null ? "none" : r.maskedJti());
        SessionsView.textColumn(v.problemsColumn(), SessionRow::problemText);
        orders.put(v.problemsColumn(), by(SessionRow::problemText, Comparator.naturalOrder()));
        // The model sorts in the background (a hundred thousand rows); the table only shows the arrow.
        table.setSortPolicy(t -> {
            if (t.getSortOrder().isEmpty()) v.sortBy(null);
            else {
                TableColumn<SessionRow, ?> first = t.getSortOrder().get(0);
                Comparator<SessionRow> order = orders.getOrDefault(first, SessionsModel.byUsername());
                v.sortBy(first.getSortType() == TableColumn.SortType.ASCENDING ? order : order.reversed());
            }
            return true;
        });
        table.setRowFactory(tv -> v.newRow());
    }

    private static <T> Comparator<SessionRow> by(Function<SessionRow, T> value, Comparator<? super T> order) {
        return Comparator.comparing(value, Comparator.nullsLast(order)).thenComparing(SessionRow::key);
    }

    /** The TTL counts down with the view's clock, from what PTTL said at the last refresh. */
    private static void bindTtl(SessionsView v) {
        v.ttlColumn().setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        v.ttlColumn().setCellFactory(c -> new TableCell<>() {
            {
                v.clock().addListener((o, was, now) -> show());
            }

            @Override protected void updateItem(SessionRow row, boolean empty) {
                super.updateItem(row, empty);
                show();
            }

            private void show() {
                SessionRow row = isEmpty() ? null : getItem();
                if (row == null) {
                    setText(null);
                    return;
                }
                long left = row.ttlSecondsAt(v.clock().get());
                setText(left < 0 ? "no expiry" : Figures.remaining(left));
            }
        });
    }
}
