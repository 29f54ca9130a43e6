package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.LenientJson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collaboration sessions: the live ones ({@code ended_at IS NULL}) and those ended in the last 24 hours. */
public final class Collaborations {
    /** Rows per list: the page shows a bounded list, newest first. */
    public static final int MOST_ROWS = 500;
    private static final int TIME_LIMIT_SECONDS = 10;
    private static final int METRICS_SHOWN = 6;

    /**
     * One session; {@code participants} are Venice usernames ({@code participantsProblem} when the column is not an
     * array), {@code duration} up to now for a live one, {@code metrics} a one-line summary of consciousness_metrics.
     */
    public record Collaboration(int id, String sessionId, Integer ownerId, String ownerName, List<String> participants,
                                String participantsProblem, LocalDateTime createdAt, LocalDateTime endedAt,
                                Duration duration, String metrics) {
        public boolean live() { return endedAt == null; }
    }

    private final Connections connections;

    public Collaborations(Connections connections) {
        this.connections = connections;
    }

    /** Live sessions, newest first, at most {@link #MOST_ROWS}. */
    public List<Collaboration> live(CancelSignal cancel) {
        return query("reading the live collaboration sessions", "c.ended_at IS NULL ORDER BY c.created_at DESC NULLS LAST, c.id DESC", cancel);
    }

    /** Sessions ended in the last 24 hours, latest ended first, at most {@link #MOST_ROWS}. */
    public List<Collaboration> recentlyEnded(CancelSignal cancel) {
        return query("reading the recently ended collaboration sessions",
                "c.ended_at >= (now() AT TIME ZONE 'UTC') - interval '24 hours' ORDER BY c.ended_at DESC, c.id DESC", cancel);
    }

    private List<Collaboration> query(String what, String whereAndOrder, CancelSignal cancel) {
        String sql = "SELECT c.id, c.session_id::text, c.owner_id, o.venice_username, c.participants::text, "
                + "jsonb_typeof(c.participants), c.consciousness_metrics::text, c.created_at, c.ended_at, "
                + "extract(epoch FROM coalesce(c.ended_at, now() AT TIME ZONE 'UTC') - c.created_at)::bigint "
                + "FROM collaboration_sessions c LEFT JOIN cascade_users o ON o.id = c.owner_id WHERE " + whereAndOrder
                + " LIMIT " + MOST_ROWS;
        return connections.database().prepared(what, TIME_LIMIT_SECONDS, cancel, sql, st -> {
            List<Collaboration> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        });
    }

    private static Collaboration row(ResultSet rs) throws SQLException {
        String type = rs.getString(6);
        String problem = type == null ? "No participants recorded." : type.equals("array") ? null
                : "participants is a JSON " + type + ", not a list of usernames.";
        Long seconds = rs.getObject(10, Long.class);
        return new Collaboration(rs.getInt(1), rs.getString(2), rs.getObject(3, Integer.class), rs.getString(4),
                LenientJson.strings(rs.getString(5)), problem, rs.getObject(8, LocalDateTime.class),
                rs.getObject(9, LocalDateTime.class), seconds == null ? null : Duration.ofSeconds(Math.max(0, seconds)),
                metrics(rs.getString(7)));
    }

    /** "messages 12 · coherence 0.72": the simple fields in jsonb's order (shorter names first), at most six. */
    static String metrics(String json) {
        if (json == null) return "—";
        JsonObject o = LenientJson.object(json);
        if (o == null) return "(not an object)";
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (parts.size() == METRICS_SHOWN) {
                parts.add("…");
                break;
            }
            JsonElement v = e.getValue();
            if (v.isJsonPrimitive()) parts.add(e.getKey() + " " + v.getAsString());
        }
        return parts.isEmpty() ? "—" : String.join(" · ", parts);
    }
}
