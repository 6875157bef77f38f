package dev.cairn.bench;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Path;

/** Cairn embedded: a store opened in this process, written and read through {@link EventStore}. */
final class EmbeddedTarget implements BenchTarget {

    private final EventStore store;
    private final Path dir;

    private EmbeddedTarget(EventStore store, Path dir) {
        this.store = store;
        this.dir = dir;
    }

    /** Cairn's default options but for the log segment size, {@code segmentMib} MiB. */
    static CairnOptions options(Path storeDir, long segmentMib) {
        long segmentSize = segmentMib << 20;
        CairnOptions.Builder options = CairnOptions.builder(storeDir).segmentSize(segmentSize);
        if (segmentSize < CairnOptions.DEFAULT_MAX_EVENT_SIZE * 2) {
            // an event must fit a segment; the benchmark's events are 200 bytes
            options.maxEventSize(segmentSize / 4);
        }
        return options.build();
    }

    /** Opens a fresh store in {@code options.directory()}, deleted on close. */
    static EmbeddedTarget open(CairnOptions options) throws Exception {
        Fmt.deleteRecursively(options.directory());
        return new EmbeddedTarget(Cairn.open(options), options.directory());
    }

    @Override
    public String system() {
        return "cairn-embedded";
    }

    @Override
    public String description() {
        return "cairn-embedded: Cairn.open in this process; writer threads call EventStore.append (StreamState any); "
                + "an append returns after its group's write + fdatasync";
    }

    @Override
    public Writers writers(int count, BenchEvents events) {
        return new Writers(WriteWorkload.embedded(store, events), () -> { });
    }

    @Override
    public ReadWorkload.Result readStreams(BenchEvents streams) {
        return new ReadWorkload(store, streams).streams();
    }

    @Override
    public ReadWorkload.Result readAll(long limit) {
        return new ReadWorkload(store, null).all(limit);
    }

    @Override
    public void close() throws Exception {
        store.close();
        Fmt.deleteRecursively(dir);
    }
}
