package dev.cairn.bench;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * One write workload: {@code writers} threads, each appending {@code eventsPerAppend} events at a
 * time to a random stream ({@link BenchEvents#nextStream()}) with {@link StreamState#any()}, one
 * append in flight per thread (blocking append, as a request handler would), for a warm-up and then
 * a measured period or a measured number of appends.
 *
 * <p>The appends go to a {@link Target}: an embedded store ({@link #WriteWorkload(EventStore,
 * BenchEvents)}) or anything else that can make a blocking append, such as a client of a server.
 *
 * <p>Each writer is a platform thread by default, as a thread-per-request server's handler would be;
 * {@link Callers#VIRTUAL} runs them on virtual threads instead, which the JDK parks and resumes on a
 * few carrier threads (docs/benchmarks.md measures both, under "Next steps", "Cheaper callers").
 *
 * <p>Latency is the wall time of one blocking append, recorded per thread in an HdrHistogram and
 * merged at the end. Not thread-safe: run it from one thread.
 */
final class WriteWorkload {

    /** The kind of thread each writer runs on. */
    enum Callers {
        PLATFORM, VIRTUAL;

        static Callers of(boolean virtual) {
            return virtual ? VIRTUAL : PLATFORM;
        }

        Thread.Builder builder(int writer) {
            String name = "bench-writer-" + writer;
            return this == VIRTUAL ? Thread.ofVirtual().name(name) : Thread.ofPlatform().name(name);
        }

        /** How the workload descriptions say it. */
        String describe() {
            return this == VIRTUAL ? "virtual thread" : "platform thread";
        }
    }

    /**
     * Where the writer threads append. {@link #prepare} is called from writer {@code writer}'s own
     * thread, never from two threads for the same writer, so a target may keep per-writer state
     * (a connection, say) indexed by it.
     */
    interface Target {
        /** Builds one append of {@code events} fresh events to a random stream; not timed. */
        Append prepare(int writer, int events);
    }

    /** One prepared append. */
    interface Append {
        /** Makes the append; returns when it is durable. This is what is timed. */
        void run() throws Exception;
    }

    /** What one workload measured. */
    record Result(int writers, int eventsPerAppend, long appends, long nanos, Histogram latency) {
        long events() {
            return appends * eventsPerAppend;
        }

        double eventsPerSecond() {
            return events() * 1e9 / nanos;
        }

        double appendsPerSecond() {
            return appends * 1e9 / nanos;
        }
    }

    private static final long HIGHEST_NANOS = 60_000_000_000L;

    private final Target target;
    private final Callers callers;

    /** Appends to an embedded store from platform threads. */
    WriteWorkload(EventStore store, BenchEvents events) {
        this(embedded(store, events), Callers.PLATFORM);
    }

    /** Appends of {@code events} to an embedded store, each with {@link EventStore#append}. */
    static Target embedded(EventStore store, BenchEvents events) {
        return (writer, count) -> {
            StreamName stream = events.nextStream();
            List<EventData> batch = events.events(count);
            return () -> store.append(stream, StreamState.any(), batch);
        };
    }

    /** Appends to {@code target} from platform threads. */
    WriteWorkload(Target target) {
        this(target, Callers.PLATFORM);
    }

    WriteWorkload(Target target, Callers callers) {
        this.target = target;
        this.callers = callers;
    }

    /** Warms up for {@code warmupSeconds}, then measures for {@code seconds}. */
    Result run(int writers, int eventsPerAppend, double warmupSeconds, double seconds) throws InterruptedException {
        return run(writers, eventsPerAppend, warmupSeconds, seconds, Long.MAX_VALUE);
    }

    /** Warms up for {@code warmupSeconds}, then measures exactly {@code appends} appends, however long they take. */
    Result runCount(int writers, int eventsPerAppend, double warmupSeconds, long appends) throws InterruptedException {
        if (appends <= 0) {
            throw new IllegalArgumentException("appends must be positive, was " + appends);
        }
        return run(writers, eventsPerAppend, warmupSeconds, Double.POSITIVE_INFINITY, appends);
    }

    /** Refuses settings no workload can run with ({@link IllegalArgumentException}). */
    static void check(int writers, int eventsPerAppend, double warmupSeconds, double seconds) {
        if (writers < 1 || eventsPerAppend < 1) {
            throw new IllegalArgumentException("clients and events per append must be at least 1, were " + writers
                    + " and " + eventsPerAppend);
        }
        if (!(seconds > 0) || !(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("the measured seconds must be positive and the warm-up not negative, were "
                    + seconds + " and " + warmupSeconds);
        }
    }

    private Result run(int writers, int eventsPerAppend, double warmupSeconds, double seconds, long appendLimit)
            throws InterruptedException {
        check(writers, eventsPerAppend, warmupSeconds, seconds);
        AtomicLong budget = new AtomicLong(appendLimit);
        Histogram[] histograms = new Histogram[writers];
        long[] counts = new long[writers];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        PhaseFlag flag = new PhaseFlag();
        boolean warm = warmupSeconds > 0;
        // without a warm-up every append is measured, the first ones too
        flag.value = warm ? 0 : 1;
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>(writers);
        for (int w = 0; w < writers; w++) {
            int id = w;
            histograms[w] = new Histogram(HIGHEST_NANOS, 3);
            threads.add(callers.builder(w).start(() -> {
                try {
                    loop(flag, budget, eventsPerAppend, histograms[id], counts, id);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    flag.value = 2;
                }
            }));
        }
        if (warm) {
            Thread.sleep((long) (warmupSeconds * 1000));
            start = System.nanoTime();
            flag.value = 1;
        }
        if (Double.isFinite(seconds)) {
            Thread.sleep((long) (seconds * 1000));
            flag.value = 2;
        }
        for (Thread t : threads) {
            t.join();
        }
        // Appends started in the measured period count, so the period ends when the last one finishes.
        long end = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException("a writer failed: " + failure.get(), failure.get());
        }
        Histogram all = new Histogram(HIGHEST_NANOS, 3);
        long appends = 0;
        for (int w = 0; w < writers; w++) {
            all.add(histograms[w]);
            appends += counts[w];
        }
        return new Result(writers, eventsPerAppend, appends, end - start, all);
    }

    /** The phase all writer threads watch: 0 warm-up, 1 measuring, 2 stop. */
    private static final class PhaseFlag {
        volatile int value;
    }

    private void loop(PhaseFlag flag, AtomicLong budget, int eventsPerAppend, Histogram histogram, long[] counts,
            int id) throws Exception {
        long count = 0;
        int phase;
        while ((phase = flag.value) != 2) {
            if (phase == 1 && budget.getAndDecrement() <= 0) {
                break; // the measured number of appends is taken
            }
            Append append = target.prepare(id, eventsPerAppend);
            long t0 = System.nanoTime();
            append.run();
            long t1 = System.nanoTime();
            // An append counts when it started inside the measured period.
            if (phase == 1) {
                histogram.recordValue(Math.min(t1 - t0, HIGHEST_NANOS));
                count++;
            }
        }
        counts[id] = count;
    }
}
