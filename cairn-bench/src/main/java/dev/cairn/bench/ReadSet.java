package dev.cairn.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the read workloads read, the same on every system: {@code streams} streams named
 * {@code PREFIX00000}.. of exactly {@code streamEvents} events each, appended round-robin in
 * 10-event appends (1-event if {@code streamEvents} is not a multiple of 10) from 8 writers, so
 * each stream is spread over the log as real streams are; and the first {@code allEvents} events
 * of the global log, which is topped up with 100-event appends to random benchmark streams when
 * it holds fewer. Not thread-safe.
 */
final class ReadSet {

    private static final int WRITERS = 8;
    private static final int TOP_UP_BATCH = 100;

    private final BenchEvents streams;
    private final int streamEvents;
    private final long allEvents;
    private final int eventBytes;
    private final String prefix;

    ReadSet(String prefix, int streams, int streamEvents, long allEvents, int eventBytes) {
        if (streams <= 0 || streamEvents <= 0 || allEvents <= 0) {
            throw new IllegalArgumentException("the read set must not be empty");
        }
        this.prefix = prefix;
        this.streams = BenchEvents.roundRobin(prefix, streams, eventBytes);
        this.streamEvents = streamEvents;
        this.allEvents = allEvents;
        this.eventBytes = eventBytes;
    }

    long streamSetEvents() {
        return (long) streams.streamCount() * streamEvents;
    }

    long allEvents() {
        return allEvents;
    }

    /**
     * Appends the read streams through {@code target}, then tops the log up to {@code allEvents}
     * with appends of {@code events}; {@code written} counts every event the target has taken so
     * far, these included.
     */
    void write(BenchTarget target, BenchEvents events, AtomicLong written) throws Exception {
        int batch = streamEvents % 10 == 0 ? 10 : 1;
        try (BenchTarget.Writers writers = target.writers(WRITERS, streams).counting(written)) {
            new WriteWorkload(writers.target()).runCount(WRITERS, batch, 0, streamSetEvents() / batch);
        }
        long missing = allEvents - written.get();
        if (missing > 0) {
            try (BenchTarget.Writers writers = target.writers(WRITERS, events).counting(written)) {
                new WriteWorkload(writers.target()).runCount(WRITERS, TOP_UP_BATCH, 0,
                        (missing + TOP_UP_BATCH - 1) / TOP_UP_BATCH);
            }
        }
    }

    /**
     * {@code warmupPasses} unmeasured passes of both reads (a tenth of each if 0), then every read
     * stream fully and the first {@code allEvents} of the global log, measured; fails if a measured
     * read read a different number of events than was written for it.
     */
    List<ReadWorkload.Result> read(BenchTarget target, int warmupPasses) throws Exception {
        if (warmupPasses < 0) {
            throw new IllegalArgumentException("read warm-up passes must not be negative: " + warmupPasses);
        }
        if (warmupPasses == 0) {
            target.readStreams(BenchEvents.roundRobin(prefix, Math.max(1, streams.streamCount() / 10), eventBytes));
            target.readAll(Math.max(1, allEvents / 10));
        }
        for (int i = 0; i < warmupPasses; i++) {
            target.readStreams(streams);
            target.readAll(allEvents);
        }
        return readOnce(target);
    }

    /**
     * Every read stream fully and the first {@code allEvents} of the global log, measured, with no
     * warm-up (callers that repeat the reads, as {@code bench read --rounds}, warm up themselves);
     * fails if a read read a different number of events than was written for it.
     */
    List<ReadWorkload.Result> readOnce(BenchTarget target) throws Exception {
        ReadWorkload.Result stream = target.readStreams(streams);
        expect(target, "read-stream", stream.events(), streamSetEvents());
        ReadWorkload.Result all = target.readAll(allEvents);
        expect(target, "read-all", all.events(), allEvents);
        return List.of(stream, all);
    }

    private static void expect(BenchTarget target, String workload, long read, long expected) {
        if (read != expected) {
            throw new IllegalStateException(Fmt.f("%s %s read %,d events where %,d were written for it",
                    target.system(), workload, read, expected));
        }
    }
}
