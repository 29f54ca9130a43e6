package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.database.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ops.subscription_edit}: each edit's intent and exact Stripe request, written before Stripe is called and
 * finished once. The server stamps who and when, refuses a second edit of a subscription in flight, and refuses
 * any change to a journaled request.
 */
final class EditJournal {
    private static final String COLUMNS = "id, created_at, actor, profile, kind, stripe_subscription_id, target, reason, "
            + "before::text, method, path, form, idempotency_key, state, outcome, attempts, finished_at, finished_by";

    /** What to write before calling Stripe. */
    record Intent(String profile, String kind, String subscriptionId, String target, String reason, String beforeJson,
                  StripeRequest request, String idempotencyKey) {}

    private EditJournal() {}

    static JournalEntry insert(Connection c, Intent i) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO ops.subscription_edit(profile, kind, stripe_subscription_id, "
                + "target, reason, before, method, path, form, idempotency_key) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            st.setQueryTimeout(5);
            st.setString(1, i.profile());
            st.setString(2, i.kind());
            st.setString(3, i.subscriptionId());
            st.setString(4, i.target());
            st.setString(5, i.reason());
            st.setString(6, i.beforeJson());
            st.setString(7, i.request().method());
            st.setString(8, i.request().path());
            st.setString(9, i.request().form());
            st.setString(10, i.idempotencyKey());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return entry(rs);
            }
        }
    }

    /** Finishes a pending row; false when it was no longer pending (another console finished it first). */
    static boolean finish(Connection c, long id, String state, String outcome) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE ops.subscription_edit SET state = ?, outcome = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending'")) {
            st.setQueryTimeout(5);
            st.setString(1, state);
            st.setString(2, outcome);
            st.setLong(3, id);
            return st.executeUpdate() == 1;
        }
    }

    /** Counts an attempt that left the row pending (Stripe's answer unknown), with what happened. */
    static void attempted(Database db, long id, String outcome) {
        db.prepared("recording an attempt of edit " + id, 5, CancelSignal.NONE,
                "UPDATE ops.subscription_edit SET attempts = attempts + 1, outcome = ? WHERE id = ? AND state = 'pending'", st -> {
                    st.setString(1, outcome);
                    st.setLong(2, id);
                    return st.executeUpdate();
                });
    }

    static Optional<JournalEntry> byId(Database db, long id) {
        return db.prepared("reading edit " + id, 5, CancelSignal.NONE, "SELECT " + COLUMNS + " FROM ops.subscription_edit WHERE id = ?", st -> {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        });
    }

    /** Pending rows, oldest first (at most {@code limit}). */
    static List<JournalEntry> pending(Database db, int limit, CancelSignal cancel) {
        return list(db, "WHERE state = 'pending' ORDER BY created_at, id LIMIT " + limit, cancel);
    }

    /** The latest rows of any state, newest first. */
    static List<JournalEntry> recent(Database db, int limit, CancelSignal cancel) {
        return list(db, "ORDER BY id DESC LIMIT " + limit, cancel);
    }

    private static List<JournalEntry> list(Database db, String tail, CancelSignal cancel) {
        return db.query("reading the journal of subscription edits", 5, cancel, st -> {
            List<JournalEntry> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM ops.subscription_edit " + tail)) {
                while (rs.next()) out.add(entry(rs));
            }
            return out;
        });
    }

    private static JournalEntry entry(ResultSet rs) throws SQLException {
        return new JournalEntry(rs.getLong(1), rs.getObject(2, LocalDateTime.class), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                new StripeRequest(rs.getString(10), rs.getString(11), rs.getString(12)), rs.getString(13), rs.getString(14),
                rs.getString(15), rs.getInt(16), rs.getObject(17, LocalDateTime.class), rs.getString(18));
    }
}
