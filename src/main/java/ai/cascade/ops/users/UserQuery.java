package ai.cascade.ops.users;

import java.time.LocalDateTime;
import java.util.Set;

/**
 * A users search: the typed text, the filters and the order. {@code lastLoginFrom}/{@code lastLoginTo}
 * are UTC (either may be null); an empty tier or status set means any. The status "(none)" stands for
 * users without a subscription status.
 */
public record UserQuery(String text, Set<String> tiers, Set<String> statuses, LocalDateTime lastLoginFrom,
                        LocalDateTime lastLoginTo, UserSort sort, boolean ascending) {
    public static final String NO_STATUS = "(none)";

    public UserQuery {
        text = text == null ? "" : text;
        tiers = tiers == null ? Set.of() : Set.copyOf(tiers);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }

    /**
     * The order asked for; without one, the search's natural order: by username for a username prefix
     * (the username index then serves both the match and the order, and the first page comes at once),
     * by id otherwise.
     */
    public UserSort sort() {
        if (sort != null) return sort;
        return search().kind() == SearchText.Kind.USERNAME_PREFIX ? UserSort.USERNAME : UserSort.ID;
    }

    /** A search in its natural order, without filters. */
    public static UserQuery of(String text) {
        return new UserQuery(text, Set.of(), Set.of(), null, null, null, true);
    }

    public UserQuery withText(String t) { return new UserQuery(t, tiers, statuses, lastLoginFrom, lastLoginTo, sort, ascending); }

    /** {@code s} null returns to the natural order. */
    public UserQuery withSort(UserSort s, boolean asc) { return new UserQuery(text, tiers, statuses, lastLoginFrom, lastLoginTo, s, s == null || asc); }

    public UserQuery withTiers(Set<String> t) { return new UserQuery(text, t, statuses, lastLoginFrom, lastLoginTo, sort, ascending); }

    public UserQuery withStatuses(Set<String> s) { return new UserQuery(text, tiers, s, lastLoginFrom, lastLoginTo, sort, ascending); }

    public UserQuery withLastLogin(LocalDateTime from, LocalDateTime to) { return new UserQuery(text, tiers, statuses, from, to, sort, ascending); }

    public SearchText search() { return SearchText.parse(text); }
}
