package dev.cairn.engine;

import dev.cairn.api.StoreUnavailableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a data directory ({@code LOCK} inside it), so that two processes never
 * open the same store. Released on close, and by the OS if the process dies.
 *
 * <p>Design note: the OS lock is a POSIX record lock, which belongs to the process and is dropped
 * when the process closes <em>any</em> descriptor of the file. So a second open in the same
 * process must be refused before it opens the lock file at all; otherwise closing its channel
 * would silently release the first store's lock and let another process open the directory. The
 * directories locked by this process are therefore also kept in {@link #HELD}.
 */
public final class DirectoryLock implements AutoCloseable {

    /** Real paths of the directories this process holds locked. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    public static DirectoryLock acquire(Path directory) {
        Path key;
        try {
            Files.createDirectories(directory);
            key = directory.toRealPath();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot lock data directory " + directory + ": " + e.getMessage(), e);
        }
        if (!HELD.add(key)) {
            throw inUse(directory);
        }
        try {
            return lock(key, directory);
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static StoreUnavailableException inUse(Path directory) {
        return new StoreUnavailableException("data directory " + directory.toAbsolutePath()
                + " is in use by another Cairn process (or another store in this one); stop it first");
    }

    private static DirectoryLock lock(Path key, Path directory) {
        try {
            FileChannel channel = FileChannel.open(directory.resolve("LOCK"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw inUse(directory);
            }
            return new DirectoryLock(key, channel, lock);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot lock data directory " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel
        } finally {
            HELD.remove(key);
        }
    }
}
