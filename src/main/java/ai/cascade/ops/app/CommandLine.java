package ai.cascade.ops.app;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.ProfileChoice;
import ai.cascade.ops.config.Secrets;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.UrlCredentials;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What the command-line commands ({@code check}, {@code inventory}) share: reading options in both
 * {@code --name value} and {@code --name=value} form, the options and exit code 64 they have in common, choosing
 * the profile, masking its secrets, logging to the file only, printing JSON and bounding a step's wait.
 */
final class CommandLine {
    /** Arguments a command does not understand (EX_USAGE). */
    static final int BAD_ARGUMENTS = 64;

    private final String[] args;
    private int at = -1;
    private String name;
    private String inline;

    CommandLine(String[] args) {
        this.args = args;
    }

    /** Moves to the next argument; false when there is none. */
    boolean next() {
        if (++at >= args.length) return false;
        String arg = args[at];
        int eq = arg.indexOf('=');
        boolean hasInline = arg.startsWith("--") && eq > 0;
        name = hasInline ? arg.substring(0, eq) : arg;
        inline = hasInline ? arg.substring(eq + 1) : null;
        return true;
    }

    /** The option's name ("--timeout" of "--timeout=5"). */
    String name() { return name; }

    /** The argument as typed, for "does not know the argument …". */
    String typed() { return args[at]; }

    /** The option's value: after its "=", or the next argument; {@code problem} when there is none. */
    String value(String problem) {
        if (inline != null) return inline;
        if (at + 1 >= args.length || args[at + 1].startsWith("--")) throw new IllegalArgumentException(problem + ".");
        return args[++at];
    }

    /** A non-blank value. */
    String text(String problem) {
        String v = value(problem);
        if (v.isBlank()) throw new IllegalArgumentException(problem + ".");
        return v;
    }

    /** Whole seconds from 1 to {@code max}. */
    int seconds(int max) {
        String text = value(name + " needs a number of seconds");
        try {
            int s = Integer.parseInt(text.strip());
            if (s >= 1 && s <= max) return s;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " takes whole seconds from 1 to " + max + ", not \"" + text + "\".");
    }

    /**
     * What a command takes: {@code --profile NAME}, {@code --json}, {@code --timeout SECONDS} (1 to {@code maxSeconds},
     * else {@code defaultSeconds}), {@code --help} or {@code -h}, and the valueless {@code flags} of its own.
     */
    record Syntax(String command, String usage, int defaultSeconds, int maxSeconds, Set<String> flags) {}

    /** The command line, parsed by its {@link Syntax}. */
    record Options(String profile, boolean json, int timeoutSeconds, boolean help, Set<String> flags) {
        boolean has(String flag) { return flags.contains(flag); }
    }

    /** The command line, parsed; a problem is an IllegalArgumentException whose message says which. */
    static Options parse(String[] args, Syntax syntax) {
        String profile = null;
        boolean json = false, help = false;
        int timeout = syntax.defaultSeconds();
        Set<String> flags = new HashSet<>();
        CommandLine line = new CommandLine(args);
        while (line.next()) {
            switch (line.name()) {
                case "--json" -> json = true;
                case "--help", "-h" -> help = true;
                case "--profile" -> profile = line.text("--profile needs a profile name");
                case "--timeout" -> timeout = line.seconds(syntax.maxSeconds());
                default -> {
                    if (!syntax.flags().contains(line.name()))
                        throw new IllegalArgumentException(syntax.command() + " does not know the argument \"" + line.typed() + "\".");
                    flags.add(line.name());
                }
            }
        }
        return new Options(profile, json, timeout, help, Set.copyOf(flags));
    }

    /**
     * Runs {@code command} on the parsed command line. Arguments it does not understand: what is wrong and the
     * usage on {@code err}, exit code 64; {@code --help}: the usage on {@code out}, exit code 0.
     */
    static int run(String[] args, Syntax syntax, PrintStream out, PrintStream err, ToIntFunction<Options> command) {
        Options options;
        try {
            options = parse(args, syntax);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(syntax.usage());
            return BAD_ARGUMENTS;
        }
        if (options.help()) {
            out.println(syntax.usage());
            return 0;
        }
        return command.applyAsInt(options);
    }

    /** The profile a command works on, or why there is none (a message for people, then exit 3). */
    record Choice(ConnectionProfile profile, String problem) {
        static Choice of(ConnectionProfile p) { return new Choice(p, null); }

        static Choice problem(String why) { return new Choice(null, why); }
    }

    /**
     * {@code --profile NAME}, or without it the profile the app would start with (the environment's, else the
     * active one). {@code nothingActive} and {@code demo} say in the command's words why there is nothing to do.
     */
    static Choice choose(String name, Settings settings, Map<String, String> env, String howToConfigure, String nothingActive, String demo) {
        if (name == null)
            return ProfileChoice.atStart(settings, env).map(Choice::of).orElseGet(() -> Choice.problem(nothingActive + " " + howToConfigure));
        if (name.equals(ConnectionProfile.ENVIRONMENT_NAME)) {
            Optional<ConnectionProfile> fromEnv = ProfileChoice.fromEnvironment(env);
            if (fromEnv.isPresent()) return Choice.of(fromEnv.get());
        }
        Optional<ConnectionProfile> saved = settings.profile(name);
        if (saved.isPresent()) return Choice.of(saved.get());
        if (name.equals(ConnectionProfile.DEMO_NAME)) return Choice.problem(demo + " " + howToConfigure);
        List<String> names = settings.profiles.stream().map(ConnectionProfile::name).collect(Collectors.toCollection(ArrayList::new));
        if (ProfileChoice.fromEnvironment(env).isPresent()) names.add(ConnectionProfile.ENVIRONMENT_NAME);
        return Choice.problem("No profile is named \"" + name + "\". " + (names.isEmpty() ? "No profiles are saved. " + howToConfigure
                : "Saved profiles: " + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ")) + "."));
    }

    /** The profile's own secrets, masked wherever they might still appear (a driver message quoting the URL). */
    static UnaryOperator<String> redaction(ConnectionProfile p) {
        List<String> secrets = new ArrayList<>();
        for (String url : List.of(p.postgresUrl(), p.redisUrl(), p.veniceUrl())) secrets.add(UrlCredentials.split(url).password());
        secrets.add(p.stripeKey());
        secrets.removeIf(s -> s == null || s.length() < 4);   // shorter ones would mangle ordinary words
        return text -> {
            String out = text;
            for (String secret : secrets) out = out.replace(secret, Secrets.mask(secret));
            return out;
        };
    }

    /** The console logger (INFO to stdout) would corrupt the JSON scripts read: the commands log to the file only. */
    static void logToTheFileOnly() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender("CONSOLE");
    }

    /** A command's JSON document as printed: indented, nulls kept, no HTML escaping, one newline after it. */
    static String json(JsonObject doc) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(doc) + "\n";
    }

    /** Runs {@code work} and waits for it at most {@code millis}: a server that stopped answering must not hold the exit. */
    static void within(long millis, String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        join(t, millis);
    }

    /** Waits for {@code t} at most {@code millis} (at least 1: 0 would be forever); true when it has ended. */
    static boolean join(Thread t, long millis) {
        try {
            t.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }
}
