package ai.cascade.ops.backend;

/** One cheap round trip to a backend. Throws {@link BackendException} when it is down. */
@FunctionalInterface
public interface Probe {
    /** @return a note when the backend answers but not as it should (degraded), else null */
    String check() throws BackendException;
}
