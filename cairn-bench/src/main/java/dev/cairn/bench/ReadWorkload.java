package dev.cairn.bench;

import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamNotFoundException;
import org.HdrHistogram.Histogram;

/**
 * Read rates from one thread: every benchmark stream read fully forwards, and {@code $all} read
 * forwards from the start to the end (or to a number of events). Events are counted as they are
 * iterated (and their data touched), so the figures include decoding. Not thread-safe.
 */
final class ReadWorkload {

    /** Events per step of a {@code $all} read's latency: the time to receive each next this many. */
    static final int ALL_STEP = 1000;
    private static final long HIGHEST_NANOS = 600_000_000_000L;

    /**
     * {@code events} read in {@code nanos}; {@code latency} (nanoseconds, may be null) holds the
     * time of each stream read call, or of each {@link #ALL_STEP} events of a {@code $all} read.
     */
    record Result(String what, long events, long nanos, Histogram latency) {
        Result(String what, long events, long nanos) {
            this(what, events, nanos, null);
        }

        double eventsPerSecond() {
            return events * 1e9 / nanos;
        }
    }

    /** A fresh latency histogram for a read workload. */
    static Histogram histogram() {
        return new Histogram(HIGHEST_NANOS, 3);
    }

    /**
     * Records the time of each {@link #ALL_STEP} events of a {@code $all} read, from its start; a
     * last, shorter step is recorded scaled up to {@link #ALL_STEP} events by {@link #latency()}.
     * Not thread-safe.
     */
    static final class StepClock {
        private final Histogram latency = histogram();
        private long last = System.nanoTime();
        private long count;

        void event() {
            if (++count % ALL_STEP == 0) {
                long now = System.nanoTime();
                latency.recordValue(Math.min(now - last, HIGHEST_NANOS));
                last = now;
            }
        }

        /** The steps' times; call once, at the end of the read. */
        Histogram latency() {
            long tail = count % ALL_STEP;
            if (tail != 0) {
                latency.recordValue(Math.min((System.nanoTime() - last) * ALL_STEP / tail, HIGHEST_NANOS));
            }
            return latency;
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
        Histogram latency = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < events.streamCount(); i++) {
            long t0 = System.nanoTime();
            try (EventIterator it = store.readStream(events.stream(i), ReadStreamOptions.forwards())) {
                while (it.hasNext()) {
                    bytes += it.next().event().data().length;
                    count++;
                }
                streams++;
            } catch (StreamNotFoundException e) {
                // never written in this run
            }
            latency.recordValue(Math.min(System.nanoTime() - t0, HIGHEST_NANOS));
        }
        long nanos = System.nanoTime() - start;
        return new Result(Fmt.f("stream reads (%,d calls, %,d streams found and read fully)", events.streamCount(), streams),
                blackhole(count, bytes), nanos, latency);
    }

    /** Reads {@code $all} forwards from the start to the end. */
    Result all() {
        return all(Long.MAX_VALUE);
    }

    /** Reads {@code $all} forwards from the start, at most {@code limit} events. */
    Result all(long limit) {
        long count = 0;
        long bytes = 0;
        StepClock clock = new StepClock();
        long start = System.nanoTime();
        try (EventIterator it = store.readAll(ReadAllOptions.forwards().maxCount(limit))) {
            while (it.hasNext()) {
                bytes += it.next().event().data().length;
                count++;
                clock.event();
            }
        }
        long nanos = System.nanoTime() - start;
        return new Result(allWhat(limit), blackhole(count, bytes), nanos, clock.latency());
    }

    static String allWhat(long limit) {
        return limit == Long.MAX_VALUE ? "$all read (forwards, whole log)"
                : Fmt.f("$all read (forwards, first %,d events)", limit);
    }

    /** Keeps the JIT from dropping the data reads. */
    static long blackhole(long count, long bytes) {
        if (bytes == Long.MIN_VALUE) {
            System.out.print("");
        }
        return count;
    }
}
