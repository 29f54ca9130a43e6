package ai.cascade.ops.audit;

import java.time.LocalDateTime;
import java.util.List;
import java.util.TreeSet;

/**
 * A search of the audit log. {@code text} is found anywhere in the target, the reason or the action, ignoring
 * case and taken literally ({@code %} and {@code _} are plain characters). {@code actor} is one login, exactly;
 * {@code action} is one action exactly or, ending in a dot ({@code subscription.}), every action it starts.
 * {@code fromUtc} (inclusive) and {@code toUtc} (exclusive) are UTC, like the {@code at} column; null
 * bounds, actor or action mean any. Newest first unless {@code newestFirst} is false.
 */
public record AuditQuery(String text, String actor, String action, LocalDateTime fromUtc, LocalDateTime toUtc, boolean newestFirst) {
    public AuditQuery {
        text = text == null ? "" : text.strip();
        actor = actor == null || actor.isEmpty() ? null : actor;
        action = action == null || action.isEmpty() ? null : action;
    }

    /** Every entry, newest first. */
    public static AuditQuery all() {
        return new AuditQuery("", null, null, null, null, true);
    }

    public AuditQuery withText(String t) { return new AuditQuery(t, actor, action, fromUtc, toUtc, newestFirst); }

    public AuditQuery withActor(String a) { return new AuditQuery(text, a, action, fromUtc, toUtc, newestFirst); }

    public AuditQuery withAction(String a) { return new AuditQuery(text, actor, a, fromUtc, toUtc, newestFirst); }

    public AuditQuery withRange(LocalDateTime from, LocalDateTime to) { return new AuditQuery(text, actor, action, from, to, newestFirst); }

    public AuditQuery withNewestFirst(boolean newest) { return new AuditQuery(text, actor, action, fromUtc, toUtc, newest); }

    /** True when the action filter names a family of actions ({@code subscription.}) rather than one. */
    public boolean actionIsPrefix() {
        return action != null && action.endsWith(".");
    }

    /** True when nothing narrows the log: an empty result then means an empty log, not a miss. */
    public boolean unfiltered() {
        return text.isEmpty() && actor == null && action == null && fromUtc == null && toUtc == null;
    }

    /** The text as a LIKE pattern matching it anywhere, its own wildcards and backslashes escaped. */
    String likePattern() {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /**
     * The action filter's choices for {@code actions}: each action, and before the actions of a family
     * ({@code subscription.change_tier}, {@code subscription.cancel_now}) the family itself ({@code subscription.}).
     */
    public static List<String> actionChoices(List<String> actions) {
        TreeSet<String> choices = new TreeSet<>(actions);
        for (String a : actions) {
            int dot = a.indexOf('.');
            if (dot > 0 && dot < a.length() - 1) choices.add(a.substring(0, dot + 1));
        }
        return List.copyOf(choices);   // sorted: "subscription." comes just before "subscription.cancel_now"
    }
}
