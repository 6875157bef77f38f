package dev.cairn.engine.crash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The journal a {@link CrashWriterMain} child keeps of what it asked for and what the store
 * acknowledged, one line per entry, each ending with a CRC32 of the line so that the parent only
 * counts lines that were written completely before the kill.
 *
 * <p>Line forms ({@code parts} are {@code ;}-separated):
 * <pre>
 *   T attemptId stream=expected=id,id,...;...            before the append is submitted
 *   A attemptId stream=firstRev=lastRev=position=id,...;...  after the append is acknowledged
 *   E attemptId message                                   when an append failed (never expected)
 * </pre>
 * Writes go straight to the file with one {@code write} each (no user-space buffer), so a line
 * whose {@code write} returned survives a SIGKILL of the process. Thread-safe.
 */
final class AckJournal implements AutoCloseable {

    private final FileChannel channel;

    AckJournal(Path file) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    synchronized void write(String payload) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((payload + " #" + crc(payload) + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            channel.write(line);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static String crc(String payload) {
        CRC32 crc = new CRC32();
        crc.update(payload.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /** One stream's events of an attempted append. */
    record AttemptPart(String stream, String expected, List<UUID> ids) {
    }

    /** One stream's outcome of an acknowledged append. */
    record AckPart(String stream, long firstRevision, long lastRevision, long position, List<UUID> ids) {
    }

    record Attempt(String id, List<AttemptPart> parts) {
    }

    record Ack(String id, List<AckPart> parts) {
    }

    record Failure(String id, String message) {
    }

    /** What a journal file holds: its complete, checksummed lines. */
    record Contents(List<Attempt> attempts, List<Ack> acks, List<Failure> failures, boolean tornLastLine) {
    }

    /**
     * Reads the complete lines of a journal. The text after the last newline (a line the kill cut
     * short) is ignored; a complete line with a bad checksum is an error of the test itself.
     */
    static Contents read(Path file) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int end = text.lastIndexOf('\n');
        boolean torn = end != text.length() - 1;
        List<Attempt> attempts = new ArrayList<>();
        List<Ack> acks = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        if (end < 0) {
            return new Contents(attempts, acks, failures, !text.isEmpty());
        }
        for (String line : text.substring(0, end).split("\n")) {
            int hash = line.lastIndexOf(" #");
            if (hash < 0 || !crc(line.substring(0, hash)).equals(line.substring(hash + 2))) {
                throw new IllegalStateException("journal " + file + " has a complete line with a bad checksum: " + line);
            }
            String[] f = line.substring(0, hash).split(" ", 3);
            switch (f[0]) {
                case "T" -> attempts.add(new Attempt(f[1], parseAttemptParts(f[2])));
                case "A" -> acks.add(new Ack(f[1], parseAckParts(f[2])));
                case "E" -> failures.add(new Failure(f[1], f[2]));
                default -> throw new IllegalStateException("journal " + file + ": unknown line " + line);
            }
        }
        return new Contents(attempts, acks, failures, torn);
    }

    private static List<AttemptPart> parseAttemptParts(String s) {
        List<AttemptPart> parts = new ArrayList<>();
        for (String p : s.split(";")) {
            String[] f = p.split("=");
            parts.add(new AttemptPart(f[0], f[1], ids(f[2])));
        }
        return parts;
    }

    private static List<UUID> ids(String s) {
        List<UUID> ids = new ArrayList<>();
        for (String id : s.split(",")) {
            ids.add(UUID.fromString(id));
        }
        return ids;
    }

    private static List<AckPart> parseAckParts(String s) {
        List<AckPart> parts = new ArrayList<>();
        for (String p : s.split(";")) {
            String[] f = p.split("=");
            parts.add(new AckPart(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), ids(f[4])));
        }
        return parts;
    }
}
