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
 * events: whatever the runs' lengths, the order they were written in, whether they sit in the
 * memtable or in SST files, and mixed with entries in the format of older indexes, a lookup or a
 * range read answers what the list does.
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

    /**
     * Writes each stream's events (0 to 3,000; sometimes a tombstone after them) as runs of random
     * lengths up to {@link StreamIndex#MAX_RUN}, some as old single entries, in random order over
     * several batches, flushing now and then.
     */
    private static List<List<Event>> write(StreamIndex index, Random random) {
        record Run(int stream, List<Event> events) {
        }
        List<List<Event>> streams = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        long position = 0;
        for (int s = 0; s < STREAMS; s++) {
            List<Event> events = new ArrayList<>();
            int n = random.nextInt(4) == 0 ? 0 : random.nextInt(3_000);
            int revision = 0;
            while (revision < n) {
                boolean legacy = random.nextInt(5) == 0;
                int length = legacy ? 1 : 1 + random.nextInt(random.nextBoolean() ? 8 : StreamIndex.MAX_RUN);
                List<Event> run = new ArrayList<>();
                for (int i = 0; i < length && revision < n; i++, revision++) {
                    position += 50 + random.nextInt(400);
                    run.add(new Event(revision, position, UUID.randomUUID(), legacy));
                }
                events.addAll(run);
                runs.add(new Run(s, run));
            }
            if (n > 0 && random.nextInt(4) == 0) {
                Event tombstone = new Event(Long.MAX_VALUE, position += 100, UUID.randomUUID(), false);
                events.add(tombstone);
                runs.add(new Run(s, List.of(tombstone)));
            }
            streams.add(events);
        }
        Collections.shuffle(runs, random);
        StreamIndex.Batch batch = index.batch();
        for (Run run : runs) {
            Event first = run.events().getFirst();
            if (first.legacy()) {
                batch.putLegacyEntry(run.stream(), first.revision(), first.position(), first.id());
            } else {
                long[] positions = run.events().stream().mapToLong(Event::position).toArray();
                batch.putRun(run.stream(), first.revision(), positions, positions.length);
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
