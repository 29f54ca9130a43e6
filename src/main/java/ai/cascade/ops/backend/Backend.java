package ai.cascade.ops.backend;

/** The four systems the console talks to. */
public enum Backend {
    POSTGRES("Postgres"), REDIS("Redis"), VENICE("Venice"), STRIPE("Stripe");

    private final String label;

    Backend(String label) { this.label = label; }

    public String label() { return label; }
}
