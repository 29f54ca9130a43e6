package ai.cascade.ops.users;

/**
 * The orders the users table can be sorted in, each with a keyset the next page continues from.
 * Only id and username have an index; the others sort the matching rows, bounded by the time limit.
 */
public enum UserSort {
    ID("id", true),
    USERNAME("venice_username", true),
    CREATED("coalesce(created_at, '-infinity'::timestamp)", false),
    LAST_LOGIN("coalesce(last_login, '-infinity'::timestamp)", false);

    final String expression;
    final boolean indexed;

    UserSort(String expression, boolean indexed) {
        this.expression = expression;
        this.indexed = indexed;
    }

    /** Where the rows after (or before) {@code anchor} start. id and username are unique on their own. */
    String keysetCondition(boolean forward) {
        String op = forward ? ">" : "<";
        return switch (this) {
            case ID, USERNAME -> expression + " " + op + " ?";
            default -> "(" + expression + ", id) " + op + " (coalesce(?::timestamp, '-infinity'::timestamp), ?)";
        };
    }

    String orderBy(boolean ascending) {
        String dir = ascending ? " ASC" : " DESC";
        return switch (this) {
            case ID, USERNAME -> expression + dir;
            default -> expression + dir + ", id" + dir;
        };
    }

    int bindAnchor(java.sql.PreparedStatement st, int index, UserRow anchor) throws java.sql.SQLException {
        switch (this) {
            case ID -> st.setInt(index++, anchor.id());
            case USERNAME -> st.setString(index++, anchor.username());
            case CREATED -> { st.setObject(index++, anchor.createdAt(), java.sql.Types.TIMESTAMP); st.setInt(index++, anchor.id()); }
            case LAST_LOGIN -> { st.setObject(index++, anchor.lastLogin(), java.sql.Types.TIMESTAMP); st.setInt(index++, anchor.id()); }
        }
        return index;
    }
}
