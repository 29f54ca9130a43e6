package ai.cascade.ops.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second JVM on the test class path, for the crash tests (issue 9, data safety): the parent starts it, waits for
 * the line that says where it stands and kills it with SIGKILL; the child side halts at the chosen point and waits
 * there to be killed. Stdout and stderr are one stream, so a child that fails says why in the parent's failure.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** Starts {@code main} with {@code args} in a new JVM on this JVM's class path. */
    public static Process start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Starts {@code main}, waits until it prints {@code line} and kills it there (SIGKILL). */
    public static void killWhenItSays(String line, Class<?> main, String... args) throws Exception {
        Process child = start(main, args);
        try {
            awaitLine(child, line);
        } finally {
            kill(child);
        }
    }

    /** SIGKILL, and the proof that the child died of it (exit status 128 + 9), not of finishing or failing. */
    public static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the killed child is gone").isTrue();
        assertThat(child.exitValue()).as("died of SIGKILL").isEqualTo(128 + 9);
    }

    /**
     * Reads the child's output until {@code expected}; fails with its whole output when it ends, or says a line
     * "ENDED" or starting with "ENDED ", without it, and after a generous 120 s.
     */
    public static void awaitLine(Process child, String expected) throws Exception {
        awaitLine(child, "\"" + expected + "\"", expected::equals);
    }

    /**
     * As {@link #awaitLine(Process, String)}, for the first line {@code wanted} accepts ({@code what} names it in the
     * failure); {@code wanted} sees every line before it in turn, so it may also collect them. Returns that line.
     */
    public static String awaitLine(Process child, String what, Predicate<String> wanted) throws Exception {
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            StringBuilder output = new StringBuilder();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (wanted.test(line)) return line;
                    output.append(line).append('\n');
                    if (line.equals("ENDED") || line.startsWith("ENDED ")) break;
                }
            } catch (IOException e) {
                throw new IllegalStateException("reading the child's output failed", e);
            }
            throw new IllegalStateException("the child never said " + what + ":\n" + output);
        });
        return seen.get(120, TimeUnit.SECONDS);
    }

    /**
     * In the child: a checkpoint that, when it reaches {@code point}, says {@code AT <point>} on stdout and blocks
     * that thread until the parent kills the JVM. Other points pass.
     */
    public static <P> Consumer<P> haltAt(P point) {
        return p -> {
            if (!p.equals(point)) return;
            say("AT " + p);
            awaitKill();
        };
    }

    /** In the child: says {@code ENDED <what>} (the parent then stops waiting for its line) and waits to be killed. */
    public static void ended(String what) {
        say("ENDED " + what);
        awaitKill();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void awaitKill() {
        try {
            new CountDownLatch(1).await();   // until SIGKILL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
