package ai.cascade.ops.demo;

import ai.cascade.ops.backend.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoLockTest {
    @TempDir Path folder;

    @Test
    void aSecondConsoleIsToldThatTheDemoIsInUse() throws Exception {
        // The holder is another process, as a second instance would be.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DemoLockHolder.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("LOCKED");
            assertThatThrownBy(() -> DemoLock.acquire(folder)).isInstanceOf(BackendException.class)
                    .hasMessageContaining("Another CASCADE Ops is already running the demo from " + folder);
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // The lock dies with the process that held it, even when killed.
        try (DemoLock lock = DemoLock.acquire(folder)) {
            assertThat(lock).isNotNull();
        }
    }

    /** Holds the lock until killed. */
    public static final class DemoLockHolder {
        public static void main(String[] args) throws Exception {
            DemoLock lock = DemoLock.acquire(Path.of(args[0]));
            System.out.println("LOCKED");
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
            lock.close();
        }
    }
}
