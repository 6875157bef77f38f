package dev.cairn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hand-off alone, as a bound for {@code bench embedded}: N platform threads each put a future in
 * a queue and wait for it, and one consumer thread drains the queue and completes what it took as a
 * group (with {@code hop}, through a second thread, as the store's completer does). No disk, no
 * index, no encoding: what it measures is what N blocked writer threads cost on this machine, which
 * no store they call can beat. Run directly:
 * {@code java -cp "cairn-bench/target/cairn-bench-0.1.0-SNAPSHOT.jar" dev.cairn.bench.HandOffCeiling 64 4 [hop]}.
 */
public final class HandOffCeiling {

    private HandOffCeiling() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HandOffCeiling WRITERS SECONDS [hop]");
            System.exit(2);
        }
        int writers = Integer.parseInt(args[0]);
        double seconds = Double.parseDouble(args[1]);
        boolean hop = args.length > 2 && args[2].equals("hop");
        LinkedBlockingQueue<CompletableFuture<Object>> queue = new LinkedBlockingQueue<>();
        ExecutorService completer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    List<CompletableFuture<Object>> group = new ArrayList<>();
                    group.add(queue.take());
                    queue.drainTo(group);
                    if (hop) {
                        completer.execute(() -> group.forEach(f -> f.complete(Boolean.TRUE)));
                    } else {
                        group.forEach(f -> f.complete(Boolean.TRUE));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger phase = new AtomicInteger();
        LongAdder done = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (phase.get() < 2) {
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    queue.add(f);
                    f.join();
                    if (phase.get() == 1) {
                        done.increment();
                    }
                }
            }));
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        Thread.sleep(1500);
        phase.set(1);
        long t0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        Thread.sleep((long) (seconds * 1000));
        long n = done.sum();
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        phase.set(2);
        for (Thread t : threads) {
            t.join();
        }
        double secs = (t1 - t0) / 1e9;
        System.out.printf("hand-off%s, %d writers: %.0f round trips/s, %.1f us of CPU each, %.2f cores busy%n",
                hop ? " + completer hop" : "", writers, n / secs, (cpu1 - cpu0) / 1e3 / n, (cpu1 - cpu0) / 1e9 / secs);
        System.exit(0);
    }
}
