package ai.cascade.ops.demo;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One console at a time owns a demo folder: a second one must not start another Postgres on the same
 * data. The operating system drops the lock when the process ends, even when it is killed.
 */
public final class DemoLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DemoLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the folder's lock, or says plainly that another console holds it. */
    public static DemoLock acquire(Path demoFolder) throws IOException {
        Files.createDirectories(demoFolder);
        FileChannel ch = FileChannel.open(demoFolder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new BackendException(Backend.POSTGRES, "Another CASCADE Ops is already running the demo from " + demoFolder
                    + ". Use that window, or connect this one to your servers (File → Connections).");
        }
        return new DemoLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        if (lock.isValid()) lock.release();
        channel.close();
    }
}
