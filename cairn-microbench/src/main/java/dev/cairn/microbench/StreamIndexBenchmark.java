package dev.cairn.microbench;

import dev.cairn.engine.index.IndexEntry;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.index.StreamInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Point lookups in the RocksDB stream index ({@link StreamIndex}) at random keys, on an index
 * filled once per fork in a temporary directory ({@code streams} streams of {@code eventsPerStream}
 * events each) and flushed to SST files, so lookups go through RocksDB's block cache and bloom
 * filters rather than only its memtable. The directory is deleted at tear-down; set
 * {@code -Djava.io.tmpdir} to put it on another disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StreamIndexBenchmark {

    @Param({"100000"})
    int streams;

    @Param({"10"})
    int eventsPerStream;

    private Path dir;
    private StreamIndex index;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("cairn-microbench-index");
        index = StreamIndex.open(dir);
        long position = 0;
        StreamIndex.Batch batch = index.batch();
        int inBatch = 0;
        long[] positions = new long[eventsPerStream];
        for (int s = 0; s < streams; s++) {
            for (int r = 0; r < eventsPerStream; r++) {
                positions[r] = position;
                position += 306;
                inBatch++;
            }
            batch.putRun(s, 0, positions, eventsPerStream);
            batch.putStream(streamName(s), new StreamInfo(s, eventsPerStream - 1, false));
            if (inBatch >= 1000) {
                batch.checkpoint(position, s + 1);
                index.apply(batch);
                batch = index.batch();
                inBatch = 0;
            }
        }
        batch.checkpoint(position, streams);
        index.apply(batch);
        index.flush(true);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        index.close();
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

    static String streamName(int s) {
        return String.format("stream-%07d", s);
    }


    /** A random (stream, revision) per call, drawn outside RocksDB; one per benchmark thread. */
    @State(Scope.Thread)
    public static class Keys {
        private final SplittableRandom random = new SplittableRandom(42);
        private String[] names;
        private String[] absentNames;

        @Setup(Level.Trial)
        public void names(StreamIndexBenchmark b) {
            names = new String[b.streams];
            absentNames = new String[b.streams];
            for (int s = 0; s < b.streams; s++) {
                names[s] = streamName(s);
                absentNames[s] = "absent-" + names[s];
            }
        }

        int stream() {
            return random.nextInt(names.length);
        }

        int revision(int eventsPerStream) {
            return random.nextInt(eventsPerStream);
        }
    }

    /** A stream's info by name: what every append and read does first (when not cached). */
    @Benchmark
    public StreamInfo streamInfo(Keys keys) {
        StreamInfo info = index.stream(keys.names[keys.stream()]);
        if (info == null) {
            throw new IllegalStateException("stream missing from the index");
        }
        return info;
    }

    /** A stream that was never written: the bloom filter's case, an append to a new stream. */
    @Benchmark
    public StreamInfo streamInfoAbsent(Keys keys) {
        return index.stream(keys.absentNames[keys.stream()]);
    }

    /** A whole stream's entries from its start: what reading a stream forwards from the start asks. */
    @Benchmark
    public List<IndexEntry> streamEntriesFromStart(Keys keys) {
        List<IndexEntry> entries = index.entries(keys.stream(), 0, Long.MAX_VALUE, Integer.MAX_VALUE, true);
        if (entries.size() != eventsPerStream) {
            throw new IllegalStateException("stream read " + entries.size() + " entries, not " + eventsPerStream);
        }
        return entries;
    }

    /** The log position of one revision of a stream: a stream read's first step. */
    @Benchmark
    public IndexEntry eventEntry(Keys keys) {
        IndexEntry entry = index.entry(keys.stream(), keys.revision(eventsPerStream));
        if (entry == null) {
            throw new IllegalStateException("event missing from the index");
        }
        return entry;
    }
}
