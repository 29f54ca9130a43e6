package ai.cascade.ops.backend;

/**
 * The console refused an action before changing anything, for a reason a person can act on
 * (bad input, a missing permission, an edit already in flight). The message is shown as it is.
 */
public class Refused extends RuntimeException {
    public Refused(String message) {
        super(message);
    }

    public Refused(String message, Throwable cause) {
        super(message, cause);
    }
}
