package ai.cascade.ops.cache;

import java.time.Instant;
import java.util.List;

/**
 * One entry of a master's slowlog, ready to show: credentials masked, values of credential families hidden, key
 * names through {@link KeyText#shown}, every argument escaped and shortened ({@link SlowLog#shownArguments}).
 *
 * @param node        the master whose slowlog holds it ("host:port")
 * @param id          the slowlog's own entry id (per node)
 * @param micros      server-side execution time, as SLOWLOG measures it (no network, no queueing)
 * @param client      the client's address, as Redis saw it; empty when Redis did not say
 * @param clientName  the client's CLIENT SETNAME, escaped; empty when unnamed
 * @param arguments   the command and its arguments, shown safely
 * @param fromConsole whether this console (a client named "cascade-ops…") sent it
 */
public record SlowCommand(String node, long id, Instant at, long micros, String client, String clientName,
                          List<String> arguments, boolean fromConsole) {
    public SlowCommand {
        arguments = List.copyOf(arguments);
    }

    public double millis() { return micros / 1000.0; }

    /** The command's name (upper case), or "" for an empty entry. */
    public String command() { return arguments.isEmpty() ? "" : arguments.get(0).toUpperCase(java.util.Locale.ROOT); }

    /** The whole command line as shown. */
    public String line() { return String.join(" ", arguments); }
}
