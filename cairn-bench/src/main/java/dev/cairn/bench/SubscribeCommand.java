package dev.cairn.bench;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench subscribe}: catch-up rate of one subscription over a filled store, then many
 * live subscriptions at once: how long an appended event takes to reach every one of them, and
 * what they cost in heap.
 */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Catch-up rate of \\$all and stream subscriptions over N events of history, then S live "
                + "\\$all subscriptions receiving appended events: delivery latency and heap used.")
final class SubscribeCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory, deleted at the end (default: ${DEFAULT-VALUE}).",
            defaultValue = "bench-data")
    Path dir;

    @Option(names = "--history", description = "Events written before subscribing (default: ${DEFAULT-VALUE}).",
            defaultValue = "200000")
    int history;

    @Option(names = "--subscriptions", description = "Live subscriptions (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int subscriptions;

    @Option(names = "--live-appends", description = "Single-event appends made while they listen "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "200")
    int liveAppends;

    @Option(names = "--interval-ms", description = "Pause between live appends (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int intervalMs;

    private static final int HISTORY_BATCH = 100;

    @Override
    public Integer call() throws Exception {
        Path storeDir = dir.resolve("subscribe-" + UUID.randomUUID());
        Files.createDirectories(storeDir);
        BenchEvents events = new BenchEvents(100);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.println(Fmt.f("workload: %,d events of history (%d-byte JSON, 100-event appends, 100 streams), "
                + "then %,d live $all subscriptions, %,d single-event appends %d ms apart; durable appends (fdatasync)",
                history, BenchEvents.DATA_BYTES, subscriptions, liveAppends, intervalMs));
        try (EventStore store = Cairn.open(CairnOptions.builder(storeDir).build())) {
            for (int written = 0; written < history; written += HISTORY_BATCH) {
                store.append(events.stream((written / HISTORY_BATCH) % events.streamCount()), StreamState.any(),
                        events.events(Math.min(HISTORY_BATCH, history - written)));
            }
            catchUpAll(store);
            catchUpStream(store, events);
            live(store, events, memory);
        } finally {
            Fmt.deleteRecursively(storeDir);
        }
        return 0;
    }

    private void catchUpAll(EventStore store) throws InterruptedException {
        CountDownLatch caughtUp = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        long start = System.nanoTime();
        try (Subscription s = store.subscribeToAll(SubscribeToAllOptions.fromStart(), new SubscriptionListener() {
            @Override
            public void onEvent(Subscription subscription, ResolvedEvent event) {
                seen.incrementAndGet();
            }

            @Override
            public void onCaughtUp(Subscription subscription) {
                caughtUp.countDown();
            }
        })) {
            caughtUp.await();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(Fmt.f("catch-up $all:    %,d events in %.2f s = %s events/s", seen.get(), seconds,
                Fmt.rate(seen.get() / seconds)));
    }

    private void catchUpStream(EventStore store, BenchEvents events) throws InterruptedException {
        CountDownLatch caughtUp = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        long start = System.nanoTime();
        try (Subscription s = store.subscribeToStream(events.stream(0), SubscribeToStreamOptions.fromStart(),
                new SubscriptionListener() {
                    @Override
                    public void onEvent(Subscription subscription, ResolvedEvent event) {
                        seen.incrementAndGet();
                    }

                    @Override
                    public void onCaughtUp(Subscription subscription) {
                        caughtUp.countDown();
                    }
                })) {
            caughtUp.await();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(Fmt.f("catch-up stream:  %,d events in %.3f s = %s events/s", seen.get(), seconds,
                Fmt.rate(seen.get() / seconds)));
    }

    private void live(EventStore store, BenchEvents events, MemoryMXBean memory) throws InterruptedException {
        long heapBefore = usedHeap(memory);
        ConcurrentHashMap<UUID, Long> appendedAt = new ConcurrentHashMap<>();
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong delivered = new AtomicLong();
        CountDownLatch allCaughtUp = new CountDownLatch(subscriptions);
        List<Subscription> running = new ArrayList<>(subscriptions);
        long startNanos = System.nanoTime();
        for (int i = 0; i < subscriptions; i++) {
            running.add(store.subscribeToAll(SubscribeToAllOptions.fromEnd(), new SubscriptionListener() {
                @Override
                public void onEvent(Subscription subscription, ResolvedEvent event) {
                    Long at = appendedAt.get(event.originalEvent().id());
                    if (at != null) {
                        latency.recordValue(Math.max(0, System.nanoTime() - at));
                    }
                    delivered.incrementAndGet();
                }

                @Override
                public void onCaughtUp(Subscription subscription) {
                    allCaughtUp.countDown();
                }
            }));
        }
        allCaughtUp.await();
        double startSeconds = (System.nanoTime() - startNanos) / 1e9;
        long heapIdle = usedHeap(memory);
        System.out.println(Fmt.f("%,d subscriptions started and caught up in %.2f s; heap %s -> %s idle (%,d bytes each)",
                subscriptions, startSeconds, mib(heapBefore), mib(heapIdle),
                (heapIdle - heapBefore) / Math.max(1, subscriptions)));
        long expected = (long) subscriptions * liveAppends;
        long liveStart = System.nanoTime();
        for (int i = 0; i < liveAppends; i++) {
            List<EventData> one = events.events(1);
            appendedAt.put(one.get(0).id(), System.nanoTime());
            store.append(events.randomStream(), StreamState.any(), one);
            if (intervalMs > 0) {
                Thread.sleep(intervalMs);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (delivered.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        double liveSeconds = (System.nanoTime() - liveStart) / 1e9;
        long heapLive = usedHeap(memory);
        running.forEach(Subscription::stop);
        System.out.println(Fmt.f("live: %,d of %,d deliveries in %.2f s (%s deliveries/s); heap after %s",
                delivered.get(), expected, liveSeconds, Fmt.rate(delivered.get() / liveSeconds), mib(heapLive)));
        System.out.println(Fmt.f("append-to-delivery latency over all subscriptions: p50 %s  p99 %s  p99.9 %s  max %s",
                Fmt.millis(latency.getValueAtPercentile(50)), Fmt.millis(latency.getValueAtPercentile(99)),
                Fmt.millis(latency.getValueAtPercentile(99.9)), Fmt.millis(latency.getMaxValue())));
        if (delivered.get() < expected) {
            System.out.println("MISSING deliveries: the subscriptions did not receive every event");
        }
    }

    private static long usedHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String mib(long bytes) {
        return Fmt.f("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
