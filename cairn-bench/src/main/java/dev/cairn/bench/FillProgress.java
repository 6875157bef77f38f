package dev.cairn.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Waits for the threads filling a store, printing the events written every 10 s. */
final class FillProgress {

    private FillProgress() {
    }

    /**
     * Joins {@code threads}, which take append numbers from {@code next} up to {@code appends},
     * each of {@code batch} events, since {@code start} ({@link System#nanoTime}).
     */
    static void await(List<Thread> threads, AtomicLong next, long appends, int batch, long start)
            throws InterruptedException {
        long lastReport = System.nanoTime();
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(1000);
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    long done = Math.min(next.get(), appends) * batch;
                    System.out.println(Fmt.f("  fill: %,d events, %s events/s", done,
                            Fmt.rate(done * 1e9 / (lastReport - start))));
                }
            }
        }
    }
}
