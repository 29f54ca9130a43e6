package ai.cascade.ops.database;

/** How the Statements tab ranks pg_stat_statements: where the time goes, what is slow each time, what runs most. */
public enum StatementOrder {
    TOTAL_TIME("Total time"),
    MEAN_TIME("Mean time"),
    CALLS("Calls");

    private final String label;

    StatementOrder(String label) {
        this.label = label;
    }

    public String label() { return label; }

    @Override
    public String toString() { return label; }
}
