package ai.cascade.ops.demo;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoLockTest {
    @TempDir Path folder;

    @Test
    void aSecondConsoleIsToldThatTheDemoIsInUse() throws Exception {
        // The holder is another process, as a second instance would be.
        Process holder = ChildJvm.start(DemoLockHolder.class, folder.toString());
        try {
            ChildJvm.awaitLine(holder, "LOCKED");
            assertThatThrownBy(() -> DemoLock.acquire(folder)).isInstanceOf(BackendException.class)
                    .hasMessageContaining("Another CASCADE Ops is already running the demo from " + folder);
        } finally {
            ChildJvm.kill(holder);
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
