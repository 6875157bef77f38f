package dev.cairn.microbench;

import dev.cairn.engine.index.RecentIds;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The idempotency window ({@link RecentIds}) as the writer uses it per event: an {@code any} append
 * looks its first id up (nearly always a miss) and each written event is added, evicting the
 * oldest. The window is full from the start ({@code capacity} events added at setup), so every add
 * evicts, as in a store that has written more than the window.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecentIdsBenchmark {

    @Param({"262144"})
    int capacity;

    private final SplittableRandom random = new SplittableRandom(7);
    private RecentIds ids;
    private UUID[] written;
    private long revision;

    @Setup(Level.Trial)
    public void fill() {
        ids = new RecentIds(capacity);
        written = new UUID[capacity];
        for (int i = 0; i < capacity; i++) {
            written[i] = new UUID(random.nextLong(), random.nextLong());
            ids.add(written[i], i % 10_000, revision++);
        }
    }

    /** A new id: looked up (a miss), then added. The writer's cost per event of an {@code any} append. */
    @Benchmark
    public long lookUpAndAddNew() {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        long found = ids.firstRevision(id, 1);
        ids.add(id, 1, revision++);
        return found;
    }

    /** An id in the window: a retry's lookup. */
    @Benchmark
    public long lookUpRetry() {
        return ids.firstRevision(written[random.nextInt(capacity / 2, capacity)], 0);
    }
}
