package dev.cairn.bench;

import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamNotFoundException;

/**
 * Read rates from one thread: every benchmark stream read fully forwards, and {@code $all} read
 * forwards from the start to the end. Events are counted as they are iterated (and their data
 * touched), so the figures include decoding. Not thread-safe.
 */
final class ReadWorkload {

    /** {@code events} read in {@code nanos}. */
    record Result(String what, long events, long nanos) {
        double eventsPerSecond() {
            return events * 1e9 / nanos;
        }
    }

    private final EventStore store;
    private final BenchEvents events;

    ReadWorkload(EventStore store, BenchEvents events) {
        this.store = store;
        this.events = events;
    }

    /** Reads each of the benchmark's streams fully, forwards, one after the other. */
    Result streams() {
        long count = 0;
        long bytes = 0;
        int streams = 0;
        long start = System.nanoTime();
        for (int i = 0; i < events.streamCount(); i++) {
            try (EventIterator it = store.readStream(events.stream(i), ReadStreamOptions.forwards())) {
                while (it.hasNext()) {
                    bytes += it.next().event().data().length;
                    count++;
                }
                streams++;
            } catch (StreamNotFoundException e) {
                // never written in this run
            }
        }
        long nanos = System.nanoTime() - start;
        return new Result(Fmt.f("stream reads (%,d calls, %,d streams found and read fully)", events.streamCount(), streams), blackhole(count, bytes), nanos);
    }

    /** Reads {@code $all} forwards from the start to the end. */
    Result all() {
        long count = 0;
        long bytes = 0;
        long start = System.nanoTime();
        try (EventIterator it = store.readAll(ReadAllOptions.forwards())) {
            while (it.hasNext()) {
                bytes += it.next().event().data().length;
                count++;
            }
        }
        long nanos = System.nanoTime() - start;
        return new Result("$all read (forwards, whole log)", blackhole(count, bytes), nanos);
    }

    /** Keeps the JIT from dropping the data reads. */
    static long blackhole(long count, long bytes) {
        if (bytes == Long.MIN_VALUE) {
            System.out.print("");
        }
        return count;
    }
}
