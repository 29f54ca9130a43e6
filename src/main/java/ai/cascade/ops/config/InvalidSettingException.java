package ai.cascade.ops.config;

/** A setting a person typed or a file holds cannot be used; the message says what and how to fix it. */
public class InvalidSettingException extends Exception {
    public InvalidSettingException(String message) {
        super(message);
    }
}
