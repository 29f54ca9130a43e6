package ai.cascade.ops.app;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.ProfileChoice;
import ai.cascade.ops.config.Secrets;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.UrlCredentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What the command-line commands ({@code check}, {@code inventory}) share: reading options in both
 * {@code --name value} and {@code --name=value} form, choosing the profile, and masking its secrets.
 */
final class CommandLine {
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
}
