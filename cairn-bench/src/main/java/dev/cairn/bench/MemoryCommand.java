package dev.cairn.bench;

import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench memory}: does a node holding many events across many streams run in a small
 * heap? Fills a store in this process (any heap), then starts a child JVM with {@code -Xmx} set to
 * {@code --heap} that opens the store and runs a mixed load (single-event appends to random
 * streams, whole-stream reads of random streams, {@code $all} read from the start over and over)
 * while it measures the heap. The child exits on the first {@link OutOfMemoryError}
 * ({@code -XX:+ExitOnOutOfMemoryError}, writing a heap dump under {@code --dir}), and this command
 * then fails.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Fill a store with N events across S streams, then open it in a child JVM with a small heap "
                + "(-Xmx, default 1g) under a mixed load and report its heap; fails on OutOfMemoryError.")
final class MemoryCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory; the store is created under it and deleted at the end "
            + "unless --keep (default: ${DEFAULT-VALUE}).", defaultValue = "bench-data")
    Path dir;

    @Option(names = "--events", description = "Events to fill the store with (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000000")
    long events;

    @Option(names = "--streams", description = "Streams, written round-robin so that each gets events/streams "
            + "events (default: ${DEFAULT-VALUE}).", defaultValue = "1000000")
    int streams;

    @Option(names = "--batch", description = "Events per fill append; one append writes one stream, so "
            + "events/batch must be at least --streams for every stream to get events (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int batch;

    @Option(names = "--writers", description = "Writer threads for the fill (default: ${DEFAULT-VALUE}).",
            defaultValue = "64")
    int writers;

    @Option(names = "--heap", description = "The child JVM's -Xmx (default: ${DEFAULT-VALUE}).", defaultValue = "1g")
    String heap;

    @Option(names = "--seconds", description = "How long the child runs the mixed load (default: ${DEFAULT-VALUE}).",
            defaultValue = "60")
    int seconds;

    @Option(names = "--sample-seconds", description = "Seconds between live-heap samples, each a forced full "
            + "collection (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int sampleSeconds;

    @Option(names = "--segment-mib", description = "Log segment size, MiB; smaller is cheaper to pre-write "
            + "(default: Cairn's default, ${DEFAULT-VALUE}).", defaultValue = "256")
    long segmentMib;

    @Option(names = "--keep", description = "Keep the filled store (a later run with --reuse skips the fill).")
    boolean keep;

    @Option(names = "--reuse", description = "Use an existing store in --dir instead of filling a new one.")
    boolean reuse;

    @Option(names = "--load-only", hidden = true, description = "Run as the child: open the store, load, measure.")
    boolean loadOnly;

    /** Exit status of a JVM stopped by -XX:+ExitOnOutOfMemoryError. */
    private static final int OOM_EXIT = 3;

    @Override
    public Integer call() throws Exception {
        Path storeDir = dir.resolve("store-memory");
        if (loadOnly) {
            return new MemoryLoad(options(storeDir), streams, seconds, sampleSeconds).run();
        }
        if (segmentMib <= 0) {
            System.err.println("--segment-mib must be positive");
            return 2;
        }
        if (events <= 0 || streams <= 0 || batch <= 0 || writers <= 0 || seconds <= 0 || sampleSeconds <= 0) {
            System.err.println("--events, --streams, --batch, --writers, --seconds and --sample-seconds must be positive");
            return 2;
        }
        if (events / batch < streams) {
            System.err.println(Fmt.f("%,d appends of %d events cannot reach %,d streams: lower --batch or --streams",
                    events / batch, batch, streams));
            return 2;
        }
        if (!reuse) {
            Fmt.deleteRecursively(storeDir);
            fill(storeDir);
        } else if (!Files.isDirectory(storeDir)) {
            System.err.println("no store to reuse in " + storeDir.toAbsolutePath());
            return 2;
        }
        System.out.println(Fmt.f("store: %,d MiB of log, %,d MiB of index", Fmt.sizeOf(storeDir.resolve("log")) >> 20,
                Fmt.sizeOf(storeDir.resolve("index")) >> 20));
        int exit = runChild(storeDir);
        if (!keep) {
            Fmt.deleteRecursively(storeDir);
        }
        if (exit == OOM_EXIT) {
            System.out.println("RESULT: OutOfMemoryError: the node did not run in -Xmx" + heap
                    + " (heap dump, if written: " + dir.resolve("memory-oom.hprof").toAbsolutePath() + ")");
            return 1;
        }
        if (exit != 0) {
            System.out.println("RESULT: the child JVM failed with exit status " + exit);
            return 1;
        }
        return 0;
    }

    private int runChild(Path storeDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx" + heap, "--enable-native-access=ALL-UNNAMED",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + dir.resolve("memory-oom.hprof").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "memory", "--load-only",
                "--dir", dir.toAbsolutePath().toString(), "--streams", String.valueOf(streams),
                "--seconds", String.valueOf(seconds), "--sample-seconds", String.valueOf(sampleSeconds),
                "--segment-mib", String.valueOf(segmentMib));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        System.out.println(Fmt.f("child JVM (pid %d): -Xmx%s, mixed load for %d s", child.pid(), heap, seconds));
        // Through System.out rather than inherited, so that whoever captures this command's output
        // (a test, a log) gets the child's report too.
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println(line);
            }
        }
        return child.waitFor();
    }

    private CairnOptions options(Path storeDir) {
        long segmentSize = segmentMib << 20;
        CairnOptions.Builder options = CairnOptions.builder(storeDir).segmentSize(segmentSize);
        if (segmentSize < CairnOptions.DEFAULT_MAX_EVENT_SIZE * 2) {
            // an event must fit a segment; the benchmark's events are 200 bytes
            options.maxEventSize(segmentSize / 4);
        }
        return options.build();
    }

    private void fill(Path storeDir) throws Exception {
        BenchEvents shape = new BenchEvents(1);
        long appends = events / batch;
        System.out.println(Fmt.f("fill: %,d events of %d bytes (%,d appends of %d, streams round-robin) from %d "
                        + "writers over %,d streams into %s", appends * batch, BenchEvents.DATA_BYTES, appends, batch,
                writers, streams, storeDir.toAbsolutePath()));
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        EventStore store = Cairn.open(options(storeDir));
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().name("bench-fill-" + w).start(() -> {
                try {
                    long k;
                    while ((k = next.getAndIncrement()) < appends && failure.get() == null) {
                        store.append(streamName((int) (k % streams)), StreamState.any(), shape.events(batch));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        FillProgress.await(threads, next, appends, batch, start);
        store.close();
        if (failure.get() != null) {
            throw new IllegalStateException("fill failed: " + failure.get(), failure.get());
        }
        System.out.println(Fmt.f("fill: done in %.1f s (%s events/s)", (System.nanoTime() - start) / 1e9,
                Fmt.rate(appends * batch * 1e9 / (System.nanoTime() - start))));
    }

    /** Stream {@code i}'s name, made on demand so the load generator holds no table of a million names. */
    static StreamName streamName(int i) {
        return StreamName.of(BenchEvents.streamName(i));
    }

    /** The child's side: open the store, run the mixed load, sample the heap. */
    record MemoryLoad(CairnOptions options, int streams, int seconds, int sampleSeconds) {

        private static final int APPENDERS = 4;
        private static final int STREAM_READERS = 2;

        int run() throws Exception {
            HeapSampler sampler = new HeapSampler();
            long t0 = System.nanoTime();
            EventStore store = Cairn.open(options);
            long opened = System.nanoTime();
            long liveAfterOpen = HeapSampler.liveHeap();
            System.out.println(Fmt.f("child: heap limit %,d MiB; open %,.0f ms; live heap after open %,d MiB",
                    HeapSampler.maxHeap() >> 20, (opened - t0) / 1e6, liveAfterOpen >> 20));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong appended = new AtomicLong();
            AtomicLong streamReads = new AtomicLong();
            AtomicLong allRead = new AtomicLong();
            AtomicLong allPasses = new AtomicLong();
            BenchEvents shape = new BenchEvents(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < APPENDERS; i++) {
                threads.add(worker("append-" + i, stop, failure, () -> {
                    store.append(randomStream(), StreamState.any(), shape.events(1));
                    appended.incrementAndGet();
                }));
            }
            for (int i = 0; i < STREAM_READERS; i++) {
                threads.add(worker("read-stream-" + i, stop, failure, () -> {
                    try (EventIterator it = store.readStream(randomStream(), ReadStreamOptions.forwards())) {
                        long bytes = 0;
                        while (it.hasNext()) {
                            bytes += it.next().event().data().length;
                        }
                        ReadWorkload.blackhole(0, bytes);
                    } catch (StreamNotFoundException e) {
                        throw new IllegalStateException("a filled stream is missing: " + e.getMessage(), e);
                    }
                    streamReads.incrementAndGet();
                }));
            }
            threads.add(worker("read-all", stop, failure, () -> {
                try (EventIterator it = store.readAll(ReadAllOptions.forwards())) {
                    while (it.hasNext() && !stop.get()) {
                        it.next();
                        allRead.incrementAndGet();
                    }
                }
                allPasses.incrementAndGet();
            }));
            List<Long> live = new ArrayList<>();
            long loadStart = System.nanoTime();
            long end = loadStart + seconds * 1_000_000_000L;
            while (System.nanoTime() < end && failure.get() == null) {
                Thread.sleep(Math.min(sampleSeconds * 1000L, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                long sample = HeapSampler.liveHeap();
                live.add(sample);
                System.out.println(Fmt.f("  %3.0f s: live heap %,d MiB, peak after any GC %,d MiB; %,d appends, "
                                + "%,d stream reads, %,d $all events (%d passes)", (System.nanoTime() - loadStart) / 1e9,
                        sample >> 20, sampler.peakAfterGc() >> 20, appended.get(), streamReads.get(), allRead.get(),
                        allPasses.get()));
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            long rss = HeapSampler.residentBytes();
            store.close();
            sampler.close();
            if (failure.get() != null) {
                System.out.println("RESULT: the load failed: " + failure.get());
                failure.get().printStackTrace();
                return 1;
            }
            List<Long> steady = live.subList(live.size() / 2, live.size()).stream().sorted().toList();
            System.out.println(Fmt.f("RESULT: ran %d s under -Xmx%,d MiB without OutOfMemoryError: live heap (after "
                            + "full GC) %,d MiB after open, steady %,d MiB (median of the last %d samples), max %,d MiB; "
                            + "peak heap used after any GC %,d MiB (%,d collections); process RSS %,d MiB", seconds,
                    HeapSampler.maxHeap() >> 20, liveAfterOpen >> 20, steady.get(steady.size() / 2) >> 20, steady.size(),
                    live.stream().mapToLong(Long::longValue).max().orElse(0) >> 20, sampler.peakAfterGc() >> 20,
                    sampler.collections(), rss >> 20));
            System.out.println(Fmt.f("load: %,d single-event appends, %,d stream reads, %,d $all events read",
                    appended.get(), streamReads.get(), allRead.get()));
            return 0;
        }

        private StreamName randomStream() {
            return streamName(ThreadLocalRandom.current().nextInt(streams));
        }

        private static Thread worker(String name, AtomicBoolean stop, AtomicReference<Throwable> failure, Runnable op) {
            return Thread.ofPlatform().name("memory-" + name).start(() -> {
                try {
                    while (!stop.get() && failure.get() == null) {
                        op.run();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
        }
    }
}
