package dev.cairn.engine.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a store's log to another directory, while a node writes to it or not, so that the copy
 * opens as a store holding every write acknowledged before the copy began ({@code cairn backup}).
 *
 * <p>A plain file copy of a live data directory is not that. The log's checkpoint (the end of the
 * acknowledged log, which recovery trusts) can be copied after the active segment, so that it
 * claims writes the copied segment does not hold: the copy then refuses to open as damaged. And
 * the index is RocksDB's files, which change under a copy. Here the checkpoint is read first;
 * everything before it was written before the copy began and is never written again (the log is
 * append-only), so the segments copied after it hold all of it. Whatever the active segment holds
 * beyond it is a torn tail or later complete writes, which recovery handles as it does after a
 * crash. The index is left out: the copy's first open rebuilds it from the log.
 *
 * <p>Segments after the one holding the checkpoint's position (those begun during the copy, and
 * the next one, pre-written with zeros ahead of the writer) are not copied. Each file, and the
 * directories, are fsynced before this returns.
 */
public final class LogBackup {

    /**
     * What was copied.
     *
     * @param durableEnd the checkpoint read first: every write acknowledged before the copy began
     *     ends at or before this log position
     * @param segments segment files copied
     * @param bytes bytes copied
     */
    public record Result(long durableEnd, int segments, long bytes) {
    }

    private LogBackup() {
    }

    /**
     * Copies the log of the store in {@code dataDir} to {@code target}/log.
     *
     * @param target a directory that does not exist or is empty; created with its parents
     * @throws FileAlreadyExistsException when {@code target} holds anything
     * @throws IOException when {@code dataDir} holds no log, or reading or writing fails; what
     *     the copy had written is removed again (and {@code target}, if the copy created it), so
     *     that no half backup is left to be mistaken for one
     */
    public static Result copy(Path dataDir, Path target) throws IOException {
        Path log = dataDir.resolve("log");
        Path checkpointFile = log.resolve("checkpoint");
        if (!Files.isDirectory(log) || !Files.isRegularFile(checkpointFile)) {
            throw new IOException("no Cairn store in " + dataDir + " (no log directory with a checkpoint)");
        }
        if (Files.exists(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new FileAlreadyExistsException(target.toString(), null, "not empty: a backup never overwrites");
                }
            }
        }
        long durableEnd = readCheckpoint(checkpointFile);
        List<Path> segments = segments(log);
        if (segments.isEmpty()) {
            throw new IOException("no log segment in " + log);
        }
        long segmentSize = Segment.readSize(segments.get(0));
        // the segment holding the last acknowledged byte; position 0 is never data (a header)
        long last = durableEnd <= Segment.HEADER_SIZE ? 0 : (durableEnd - 1) / segmentSize;
        if (last >= segments.size()) {
            throw new IOException("the checkpoint of " + log + " is at position " + durableEnd + ", in segment "
                    + Segment.fileName(last) + ", but the log has " + segments.size() + " segments");
        }
        boolean createdTarget = !Files.exists(target);
        Path targetLog = target.resolve("log");
        Files.createDirectories(targetLog);
        try {
            long bytes = 0;
            for (int i = 0; i <= last; i++) {
                Path from = segments.get(i);
                if (!from.getFileName().toString().equals(Segment.fileName(i))) {
                    throw new IOException("log segment " + Segment.fileName(i) + " is missing from " + log);
                }
                bytes += copyFile(from, targetLog.resolve(Segment.fileName(i)));
            }
            try (FileChannel out = FileChannel.open(targetLog.resolve("checkpoint"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, durableEnd);
                while (value.hasRemaining()) {
                    out.write(value);
                }
                out.force(true);
            }
            LogFiles.fsyncDirectory(targetLog);
            LogFiles.fsyncDirectory(target);
            return new Result(durableEnd, (int) last + 1, bytes);
        } catch (IOException | RuntimeException e) {
            removeCopy(targetLog, createdTarget ? target : null, e);
            throw e;
        }
    }

    /** Removes a failed copy's files (only those this copy wrote), then the directories it made. */
    private static void removeCopy(Path targetLog, Path createdTarget, Exception failure) {
        try {
            try (Stream<Path> files = Files.list(targetLog)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (Segment.isFileName(name) || name.equals("checkpoint")) {
                        Files.delete(f);
                    }
                }
            }
            Files.delete(targetLog);
            if (createdTarget != null) {
                Files.delete(createdTarget);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The checkpoint as the writer's mapping holds it: an aligned 8-byte load from the same page,
     * so never half of one update and half of the next.
     */
    private static long readCheckpoint(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < 8) {
                throw new IOException("the log checkpoint " + file + " is " + ch.size() + " bytes, not 8");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, 8);
            return map.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        }
    }

    /**
     * The segment files, in index order. Only lists: {@link Log#segmentFiles} also deletes leftover
     * temporary files, which is not a backup's business in a directory a node may be using.
     */
    private static List<Path> segments(Path log) throws IOException {
        try (Stream<Path> list = Files.list(log)) {
            return list.filter(p -> Segment.isFileName(p.getFileName().toString())).sorted().toList();
        }
    }

    /** Copies a file from its start (a segment's header first), then fsyncs the copy. */
    private static long copyFile(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                long n = in.transferTo(done, size - done, out);
                if (n <= 0) {
                    throw new IOException("copying " + from + " stopped at byte " + done + " of " + size);
                }
                done += n;
            }
            out.force(true);
            return done;
        }
    }
}
