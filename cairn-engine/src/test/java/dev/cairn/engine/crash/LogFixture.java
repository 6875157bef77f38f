package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.log.RecordCodec;
import dev.cairn.engine.log.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Builds small stores whose batches and their log ranges are known, and damages their files the
 * way crashes and bad disks do. For the crash and corruption tests; not thread-safe.
 */
final class LogFixture {

    /** Small segments (the smallest that fit the max event size) so a few hundred KiB span several. */
    static final int SEGMENT_SIZE = 1 << 18;
    static final int STREAMS = 4;

    private LogFixture() {
    }

    static CairnOptions options(Path dir) {
        return CairnOptions.builder(dir).segmentSize(SEGMENT_SIZE).maxEventSize(100_000).build();
    }

    /**
     * One append as written: its events' ids at revisions {@code firstRevision...} of
     * {@code stream}, their record positions and sizes, occupying log bytes {@code [start, end)}
     * (end = the head after it; the batch's commit record is the last {@link RecordCodec#COMMIT_SIZE}
     * bytes).
     */
    record Batch(String stream, long firstRevision, List<UUID> ids, List<Long> positions, List<Integer> sizes,
            long start, long end) {

        long commitPosition() {
            return end - RecordCodec.COMMIT_SIZE;
        }
    }

    static String stream(int k) {
        return "torn-" + k;
    }

    /** Appends {@code count} batches of 1-10 events of 10-3000 bytes to {@link #STREAMS} streams. */
    static List<Batch> writeBatches(EventStore store, Random random, int count) {
        Map<String, Long> last = new HashMap<>();
        for (int k = 0; k < STREAMS; k++) {
            last.put(stream(k), lastRevision(store, stream(k)));
        }
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            String stream = stream(random.nextInt(STREAMS));
            List<EventData> events = events(random, 1 + random.nextInt(10));
            long before = last.get(stream);
            AppendResult result = store.append(StreamName.of(stream), before < 0 ? StreamState.noStream()
                    : StreamState.at(before), events);
            long end = store.headPosition().commit();
            List<RecordedEvent> read = store.readStreamToList(StreamName.of(stream),
                    ReadStreamOptions.forwards().fromRevision(before + 1)).stream().map(ResolvedEvent::event).toList();
            assertThat(read).extracting(RecordedEvent::id).containsExactlyElementsOf(events.stream().map(EventData::id).toList());
            assertThat(result.nextExpectedRevision()).isEqualTo(before + events.size());
            last.put(stream, result.nextExpectedRevision());
            batches.add(new Batch(stream, before + 1, events.stream().map(EventData::id).toList(),
                    read.stream().map(e -> e.position().prepare()).toList(),
                    events.stream().map(e -> RecordCodec.eventSize(stream.getBytes(StandardCharsets.UTF_8),
                            e.type().value().getBytes(StandardCharsets.UTF_8), e.data().length, e.metadata().length))
                            .toList(),
                    read.get(0).position().prepare(), end));
        }
        return batches;
    }

    static List<EventData> events(Random random, int n) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[10 + random.nextInt(3000)];
            random.nextBytes(data);
            events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), EventType.of("Written"),
                    ContentType.BINARY, data, null));
        }
        return events;
    }

    static long lastRevision(EventStore store, String stream) {
        try {
            List<ResolvedEvent> events = store.readStreamToList(StreamName.of(stream), ReadStreamOptions.backwards().maxCount(1));
            return events.isEmpty() ? -1 : events.get(0).event().revision();
        } catch (StreamNotFoundException e) {
            return -1;
        }
    }

    /** Every event of $all, in log order. */
    static List<RecordedEvent> readAll(EventStore store) {
        return store.readAllToList(ReadAllOptions.forwards()).stream().map(ResolvedEvent::event).toList();
    }

    /** Asserts that the store holds exactly {@code batches}: in $all, in order, and stream by stream. */
    static void assertHolds(EventStore store, List<Batch> batches) {
        List<UUID> expectedIds = batches.stream().flatMap(b -> b.ids().stream()).toList();
        List<Long> expectedPositions = batches.stream().flatMap(b -> b.positions().stream()).toList();
        List<RecordedEvent> all = readAll(store);
        assertThat(all).extracting(RecordedEvent::id).as("$all").containsExactlyElementsOf(expectedIds);
        assertThat(all).extracting(e -> e.position().prepare()).as("$all positions").containsExactlyElementsOf(expectedPositions);
        for (int k = 0; k < STREAMS; k++) {
            String stream = stream(k);
            List<UUID> ids = batches.stream().filter(b -> b.stream().equals(stream)).flatMap(b -> b.ids().stream()).toList();
            List<RecordedEvent> read;
            try {
                read = store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards()).stream()
                        .map(ResolvedEvent::event).toList();
            } catch (StreamNotFoundException e) {
                read = List.of();
            }
            assertThat(read).extracting(RecordedEvent::id).as("stream %s", stream).containsExactlyElementsOf(ids);
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i).revision()).as("revision of %s in %s", read.get(i).id(), stream).isEqualTo(i);
            }
        }
    }

    // ---- files ----

    static Path segment(Path dir, long index) {
        return dir.resolve("log").resolve(Segment.fileName(index));
    }

    /** Overwrites the data bytes (never the segment headers) of global positions {@code [from, to)}. */
    static void overwrite(Path dir, long from, long to, Random garbage) throws IOException {
        for (long pos = from; pos < to; ) {
            long index = pos / SEGMENT_SIZE;
            long base = index * SEGMENT_SIZE;
            long start = Math.max(pos, base + Segment.HEADER_SIZE);
            long stop = Math.min(to, base + SEGMENT_SIZE);
            if (start < stop) {
                byte[] bytes = new byte[(int) (stop - start)];
                if (garbage != null) {
                    garbage.nextBytes(bytes);
                }
                try (FileChannel ch = FileChannel.open(segment(dir, index), StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(bytes), start - base);
                }
            }
            pos = base + SEGMENT_SIZE;
        }
    }

    /** Flips one bit of the byte at global position {@code position}. */
    static void flip(Path dir, long position, int bit) throws IOException {
        long index = position / SEGMENT_SIZE;
        try (FileChannel ch = FileChannel.open(segment(dir, index), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position % SEGMENT_SIZE);
            b.put(0, (byte) (b.get(0) ^ (1 << bit)));
            ch.write(b.flip(), position % SEGMENT_SIZE);
        }
    }

    static void writeCheckpoint(Path dir, long position) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, position);
        try (FileChannel ch = FileChannel.open(dir.resolve("log").resolve("checkpoint"), StandardOpenOption.WRITE)) {
            ch.write(b, 0);
        }
    }

    static long readCheckpoint(Path dir) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(dir.resolve("log").resolve("checkpoint"))).order(ByteOrder.LITTLE_ENDIAN)
                .getLong(0);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("LOCK")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
