package dev.cairn.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events family's runs ({@link StreamIndex.Batch#putRun}) against a plain list of each stream's
 * events: whatever the runs' lengths, the distances between their events (one varint byte to
 * several), the order they were written in, whether they sit in the memtable or in SST files, and
 * mixed with runs and entries in the formats of older indexes, a lookup or a range read answers
 * what the list does.
 */
class StreamIndexRunsTest {

    private static final int STREAMS = 4;

    /** One event as the index should answer it: legacy entries keep their id, runs do not. */
    private record Event(long revision, long position, UUID id, boolean legacy) {
        IndexEntry entry() {
            return new IndexEntry(revision, position, legacy ? id : null);
        }
    }

    @Property(tries = 40)
    void lookupsAndRangeReadsAnswerLikeAListOfEvents(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("cairn-index-runs");
        try (StreamIndex index = StreamIndex.open(dir)) {
            List<List<Event>> streams = write(index, random);
            for (int s = 0; s < STREAMS; s++) {
                List<Event> events = streams.get(s);
                for (Event e : events) {
                    assertThat(index.entry(s, e.revision())).as("stream %d revision %d", s, e.revision()).isEqualTo(e.entry());
                }
                long end = events.isEmpty() ? 0 : events.getLast().revision() == Long.MAX_VALUE
                        ? events.size() - 1 : events.getLast().revision() + 1;
                assertThat(index.entry(s, end)).as("past the end of stream %d", s).isNull();
                for (int q = 0; q < 30; q++) {
                    // a read from the start takes its own path (a forward seek): ask it often
                    long from = random.nextInt(4) == 0 ? 0 : random.nextInt((int) end + 3);
                    long to = random.nextInt(4) == 0 ? Long.MAX_VALUE : random.nextInt((int) end + 3);
                    int max = random.nextInt(3) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(600);
                    boolean forwards = random.nextBoolean();
                    if (!forwards && to == Long.MAX_VALUE) {
                        from = Long.MAX_VALUE;
                        to = random.nextInt((int) end + 3);
                    } else if (forwards ? from > to : from < to) {
                        long t = from;
                        from = to;
                        to = t;
                    }
                    assertThat(index.entries(s, from, to, max, forwards))
                            .as("stream %d from %d to %d max %d %s", s, from, to, max, forwards ? "forwards" : "backwards")
                            .isEqualTo(expected(events, from, to, max, forwards));
                }
            }
            assertThat(index.countEntries()).isEqualTo(streams.stream().mapToLong(List::size).sum());
        } finally {
            delete(dir);
        }
    }

    /** How a run is written: as the store writes it, or in the format of an older index. */
    private enum Format {
        /** {@link StreamIndex.Batch#putRun}, positions increasing, as the log's writer makes them. */
        RUN,
        /** {@link StreamIndex.Batch#putRun} with positions out of order: int64 positions, not distances. */
        UNORDERED,
        /** Written before 2026-11-25: int64 positions. */
        LONG_RUN,
        /** Written before 2026-11-24: one event and its id. */
        LEGACY
    }

    /**
     * Writes each stream's events (0 to 3,000; sometimes a tombstone after them) as runs of random
     * lengths up to {@link StreamIndex#MAX_RUN}, some in older formats, in random order over
     * several batches, flushing now and then. Events are a record apart, now and then far more.
     */
    private static List<List<Event>> write(StreamIndex index, Random random) {
        record Run(int stream, Format format, List<Event> events) {
        }
        List<List<Event>> streams = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        long position = 0;
        for (int s = 0; s < STREAMS; s++) {
            List<Event> events = new ArrayList<>();
            int n = random.nextInt(4) == 0 ? 0 : random.nextInt(3_000);
            int revision = 0;
            while (revision < n) {
                Format format = switch (random.nextInt(10)) {
                    case 0, 1 -> Format.LEGACY;
                    case 2 -> Format.LONG_RUN;
                    case 3 -> Format.UNORDERED;
                    default -> Format.RUN;
                };
                boolean legacy = format == Format.LEGACY;
                int length = legacy ? 1 : 1 + random.nextInt(random.nextBoolean() ? 8 : StreamIndex.MAX_RUN);
                List<Event> run = new ArrayList<>();
                for (int i = 0; i < length && revision < n; i++, revision++) {
                    // mostly a record or two apart (one or two varint bytes), now and then far more
                    position += random.nextInt(20) == 0 ? 1L + random.nextLong(1L << random.nextInt(1, 50))
                            : 50 + random.nextInt(400);
                    run.add(new Event(revision, position, UUID.randomUUID(), legacy));
                }
                if (format == Format.UNORDERED && run.size() > 1) {
                    // the same revisions at positions out of order: swap the first two positions
                    Event a = run.get(0);
                    Event b = run.get(1);
                    run.set(0, new Event(a.revision(), b.position(), a.id(), false));
                    run.set(1, new Event(b.revision(), a.position(), b.id(), false));
                }
                events.addAll(run);
                runs.add(new Run(s, format, run));
            }
            if (n > 0 && random.nextInt(4) == 0) {
                Event tombstone = new Event(Long.MAX_VALUE, position += 100, UUID.randomUUID(), false);
                events.add(tombstone);
                runs.add(new Run(s, Format.RUN, List.of(tombstone)));
            }
            streams.add(events);
        }
        Collections.shuffle(runs, random);
        StreamIndex.Batch batch = index.batch();
        for (Run run : runs) {
            Event first = run.events().getFirst();
            long[] positions = run.events().stream().mapToLong(Event::position).toArray();
            switch (run.format()) {
                case LEGACY -> batch.putLegacyEntry(run.stream(), first.revision(), first.position(), first.id());
                case LONG_RUN -> batch.putLongRun(run.stream(), first.revision(), positions, positions.length);
                case RUN, UNORDERED -> batch.putRun(run.stream(), first.revision(), positions, positions.length);
            }
            if (random.nextInt(10) == 0) {
                index.apply(batch.checkpoint(position, STREAMS));
                batch = index.batch();
                if (random.nextBoolean()) {
                    index.flush(true);
                }
            }
        }
        index.apply(batch.checkpoint(position, STREAMS));
        return streams;
    }

    /** The model's range read: as {@link StreamIndex#entries}, over a list. */
    private static List<IndexEntry> expected(List<Event> events, long from, long to, int max, boolean forwards) {
        List<Event> ordered = new ArrayList<>(events);
        if (!forwards) {
            Collections.reverse(ordered);
        }
        return ordered.stream()
                .filter(e -> forwards ? e.revision() >= from && e.revision() <= to : e.revision() <= from && e.revision() >= to)
                .limit(max).map(Event::entry).toList();
    }

    @Test
    void aRunOfDistancesAsLongAsAnOldEntryIsReadAsARun(@TempDir Path dir) {
        // 16 events 100 bytes apart: a tag, an int64 and 15 one-byte steps, 24 bytes like an old entry
        long[] positions = new long[16];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = 5_000 + 100L * i;
        }
        try (StreamIndex index = StreamIndex.open(dir)) {
            index.apply(index.batch().putRun(3, 10, positions, positions.length).checkpoint(7_000, 4));
            assertThat(index.entry(3, 10)).isEqualTo(new IndexEntry(10, 5_000, null));
            assertThat(index.entry(3, 25)).isEqualTo(new IndexEntry(25, 6_500, null));
            assertThat(index.entry(3, 26)).isNull();
            assertThat(index.entries(3, 10, Long.MAX_VALUE, Integer.MAX_VALUE, true)).hasSize(16)
                    .allSatisfy(e -> assertThat(e.id()).isNull());
            assertThat(index.countEntries()).isEqualTo(16);
        }
    }

    @Test
    void aRunHoldsOneToMaxRunEvents(@TempDir Path dir) {
        try (StreamIndex index = StreamIndex.open(dir)) {
            StreamIndex.Batch batch = index.batch();
            long[] positions = new long[StreamIndex.MAX_RUN + 1];
            assertThatThrownBy(() -> batch.putRun(0, 0, positions, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> batch.putRun(0, 0, positions, StreamIndex.MAX_RUN + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
