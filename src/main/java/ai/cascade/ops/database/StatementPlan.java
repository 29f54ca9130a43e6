package ai.cascade.ops.database;

/**
 * An EXPLAIN result: the plan as Postgres prints it, or why no plan was made ({@code refusal}), e.g. a write statement
 * under EXPLAIN ANALYZE, a text with several statements, or a parameterised statement before PostgreSQL 16.
 */
public record StatementPlan(String plan, boolean analyzed, boolean generic, String refusal) {
    static StatementPlan refused(String why) {
        return new StatementPlan("", false, false, why);
    }

    public boolean refused() {
        return refusal != null;
    }
}
