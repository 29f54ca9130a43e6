package ai.cascade.ops.app;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.SettingsStore;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntBiFunction;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of the command-line commands ({@code check}, {@code inventory}) share: a settings file in the
 * test's home, a command's exit code and printout, the launcher run in a JVM of its own, and a port nothing answers on.
 */
final class CommandFixtures {
    /** The variables that make a profile of the environment: unset in a launched JVM unless the test sets them. */
    private static final List<String> BACKEND_VARIABLES = List.of("DATABASE_URL", "REDIS_URL", "VENICE_API_URL", "STRIPE_API_KEY");

    private CommandFixtures() {}

    /** A command's exit code and what it printed on stdout and stderr. */
    record Printout(int exit, String out, String err) {}

    /** Runs {@code command} in this JVM on a stdout and a stderr of its own. */
    static Printout printed(ToIntBiFunction<PrintStream, PrintStream> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = command.applyAsInt(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Printout(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The settings file of {@code home} with nothing saved in it. */
    static SettingsStore emptyStore(Path home) {
        return new SettingsStore(home.resolve("config/settings.json"));
    }

    /** The settings file of {@code home} holding {@code profiles}, the first one active. */
    static SettingsStore storeWith(Path home, ConnectionProfile... profiles) throws IOException {
        SettingsStore store = emptyStore(home);
        store.update(s -> {
            s.profiles.addAll(List.of(profiles));
            s.activeProfile = profiles[0].name();
        });
        return store;
    }

    /**
     * The launcher in a JVM of its own, as a user starts it: the app's own logging (the class path without the test
     * classes, so without logback-test.xml, and its console logger writes to stdout), {@code home} as the app's home,
     * {@code env} set and the other backend variables unset. Waits a generous 60 s for it to end.
     */
    static Printout launched(Path home, Map<String, String> env, String... args) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Launcher.class.getName()));
        command.addAll(List.of(args));
        Path out = home.resolve("stdout.txt"), err = home.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("CASCADE_OPS_HOME", home.toString());
        BACKEND_VARIABLES.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended: " + String.join(" ", args)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Printout(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A local port nothing listens on any more. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
