package ai.cascade.ops.users;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The right answer to a users search, computed in plain Java over the fixture: the oracle the
 * property tests compare the service with. It restates the search rules independently of SearchText.
 */
final class SearchOracle {
    private SearchOracle() {}

    static List<UserFixture.User> answer(UserFixture fixture, String typed, UserSort sort, boolean ascending) {
        return fixture.users.stream().filter(matcher(typed)).sorted(order(sort, ascending)).toList();
    }

    static Predicate<UserFixture.User> matcher(String typed) {
        String t = typed.strip();
        if (t.isEmpty()) return u -> true;
        if (t.length() > 255 || t.contains("\0") || !isWellFormed(t)) return u -> false;
        if (t.matches("[0-9]+")) return u -> t.length() <= 10 && Long.parseLong(t) == u.id();
        if (t.startsWith("cus_")) return u -> t.equals(u.customerId());
        if (t.startsWith("sub_")) return u -> u.subscriptionIds().contains(t);
        if (t.indexOf('@') > 0) return u -> u.email() != null && u.email().toLowerCase(java.util.Locale.ROOT).equals(t.toLowerCase(java.util.Locale.ROOT));
        return u -> u.username().startsWith(t);
    }

    static Comparator<UserFixture.User> order(UserSort sort, boolean ascending) {
        Comparator<UserFixture.User> byId = Comparator.comparingInt(UserFixture.User::id);
        Comparator<UserFixture.User> c = switch (sort) {
            case ID -> byId;
            case USERNAME -> (a, b) -> codePointOrder(a.username(), b.username());
            case CREATED -> Comparator.comparing((UserFixture.User u) -> u.createdAt(), Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(byId);
            case LAST_LOGIN -> Comparator.comparing((UserFixture.User u) -> u.lastLogin(), Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(byId);
        };
        return ascending ? c : c.reversed();
    }

    /** Byte order of UTF-8, which is the C collation's order. */
    static int codePointOrder(String a, String b) {
        int[] x = a.codePoints().toArray(), y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) if (x[i] != y[i]) return Integer.compare(x[i], y[i]);
        return Integer.compare(x.length, y.length);
    }

    private static boolean isWellFormed(String s) {
        return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }
}
