package dev.cairn.bench;

import dev.cairn.api.EventStore;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench reopen}: fills a store with many events, closes it cleanly, then times
 * {@code Cairn.open} (and the matching close) several times. The aim is an open time that does not
 * grow with the store.
 */
@Command(name = "reopen", mixinStandardHelpOptions = true,
        description = "Fill a store with N events (100-event appends from several writers), close it, then time "
                + "Cairn.open of the filled store several times.")
final class ReopenCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory; the store is created under it and deleted at the end "
            + "unless --keep (default: ${DEFAULT-VALUE}).", defaultValue = "bench-data")
    Path dir;

    @Option(names = "--events", description = "Events to fill the store with (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000000")
    long events;

    @Option(names = "--writers", description = "Writer threads for the fill (default: ${DEFAULT-VALUE}).",
            defaultValue = "16")
    int writers;

    @Option(names = "--streams", description = "Streams the fill spreads events over (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int streams;

    @Option(names = "--times", description = "How many times to reopen (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int times;

    @Option(names = "--keep", description = "Keep the filled store (a later run with --reuse skips the fill).")
    boolean keep;

    @Option(names = "--reuse", description = "Reopen an existing store in --dir instead of filling a new one.")
    boolean reuse;

    @Option(names = "--crash-seconds", description = "Then run a child process appending to the store for this "
            + "long, kill it (SIGKILL, no close) and time the open that recovers; 0 skips it (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double crashSeconds;

    private static final int BATCH = 100;

    @Override
    public Integer call() throws Exception {
        Path storeDir = dir.resolve("store-reopen");
        if (!reuse) {
            Fmt.deleteRecursively(storeDir);
            fill(storeDir);
        } else if (!Files.isDirectory(storeDir)) {
            System.err.println("no store to reuse in " + storeDir.toAbsolutePath());
            return 2;
        }
        System.out.println(Fmt.f("store: %,d MiB of log, %,d MiB of index", Fmt.sizeOf(storeDir.resolve("log")) >> 20,
                Fmt.sizeOf(storeDir.resolve("index")) >> 20));
        // A restarted process pays once for starting the logging framework (the engine's first
        // logger) and loading RocksDB's native library; report them apart from the opens below.
        long l0 = System.nanoTime();
        org.slf4j.LoggerFactory.getLogger(ReopenCommand.class);
        long l1 = System.nanoTime();
        org.rocksdb.RocksDB.loadLibrary();
        long l2 = System.nanoTime();
        System.out.println(Fmt.f("once per process, before the first open: logging start-up (logback) %,.0f ms, RocksDB "
                + "native library load %,.0f ms", (l1 - l0) / 1e6, (l2 - l1) / 1e6));
        for (int i = 1; i <= times; i++) {
            long t0 = System.nanoTime();
            EventStore store = Cairn.open(CairnOptions.builder(storeDir).build());
            long t1 = System.nanoTime();
            long head = store.headPosition().commit();
            store.close();
            long t2 = System.nanoTime();
            System.out.println(Fmt.f("reopen %d (after a clean close): open %,.0f ms, close %,.0f ms, head position %,d%s",
                    i, (t1 - t0) / 1e6, (t2 - t1) / 1e6, head, (t1 - t0) < 2_000_000_000L ? "  (aim < 2 s: met)"
                            : "  (aim < 2 s: NOT met)"));
        }
        if (crashSeconds > 0) {
            afterCrash(storeDir);
        }
        if (!keep) {
            Fmt.deleteRecursively(storeDir);
        }
        return 0;
    }

    /**
     * Kills a child process that is appending to the store (so the index was not flushed on close
     * and the log tail may be torn), then times the open that recovers it.
     */
    private void afterCrash(Path storeDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "append-until-killed",
                "--dir", storeDir.toAbsolutePath().toString(), "--writers", String.valueOf(writers),
                "--streams", String.valueOf(streams))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread.sleep((long) (crashSeconds * 1000));
        child.destroyForcibly();
        child.waitFor();
        long t0 = System.nanoTime();
        EventStore store = Cairn.open(CairnOptions.builder(storeDir).build());
        long t1 = System.nanoTime();
        long head = store.headPosition().commit();
        store.close();
        System.out.println(Fmt.f("reopen after a crash (a child appending for %.0f s, then SIGKILL): open %,.0f ms, "
                        + "head position %,d%s", crashSeconds, (t1 - t0) / 1e6, head,
                (t1 - t0) < 2_000_000_000L ? "  (aim < 2 s: met)" : "  (aim < 2 s: NOT met)"));
    }

    private void fill(Path storeDir) throws Exception {
        BenchEvents shape = new BenchEvents(streams);
        long appends = (events + BATCH - 1) / BATCH;
        System.out.println(Fmt.f("fill: %,d events of %d bytes (%,d appends of %d) from %d writers over %,d streams into %s",
                appends * BATCH, BenchEvents.DATA_BYTES, appends, BATCH, writers, streams, storeDir.toAbsolutePath()));
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        EventStore store = Cairn.open(CairnOptions.builder(storeDir).build());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().name("bench-fill-" + w).start(() -> {
                try {
                    while (next.getAndIncrement() < appends && failure.get() == null) {
                        store.append(shape.randomStream(), StreamState.any(), shape.events(BATCH));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        FillProgress.await(threads, next, appends, BATCH, start);
        if (failure.get() != null) {
            store.close();
            throw new IllegalStateException("fill failed: " + failure.get(), failure.get());
        }
        long filled = System.nanoTime();
        store.close();
        long closed = System.nanoTime();
        System.out.println(Fmt.f("fill: done in %.1f s (%s events/s); close took %,.0f ms", (filled - start) / 1e9,
                Fmt.rate(appends * BATCH * 1e9 / (filled - start)), (closed - filled) / 1e6));
    }
}
