package ai.cascade.ops.backend;

/**
 * How a check came out, from best to worst. The order is the overview's sort order and the {@code check}
 * command's exit code: 0 ok, 1 warning (and "could not tell"), 2 critical, 3 unreachable.
 */
public enum Verdict {
    OK(0, "ok"),
    /** The check could not be made (a missing privilege or extension): the console says why, it is not an alarm. */
    UNKNOWN(1, "unknown"),
    WARNING(1, "warning"),
    CRITICAL(2, "critical"),
    UNREACHABLE(3, "unreachable");

    private final int exitCode;
    private final String label;

    Verdict(int exitCode, String label) {
        this.exitCode = exitCode;
        this.label = label;
    }

    public int exitCode() { return exitCode; }

    public String label() { return label; }

    public Verdict worse(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    public boolean isAlarm() { return this == CRITICAL || this == UNREACHABLE; }
}
