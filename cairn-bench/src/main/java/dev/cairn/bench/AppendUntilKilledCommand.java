package dev.cairn.bench;

import dev.cairn.api.EventStore;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The child process of {@code reopen}'s crash test: appends 100-event batches to a store until
 * it is killed. Never closes the store, by design.
 */
@Command(name = "append-until-killed", hidden = true,
        description = "Append 100-event batches to a store until killed (used by 'reopen').")
final class AppendUntilKilledCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true)
    Path storeDir;

    @Option(names = "--writers", defaultValue = "16")
    int writers;

    @Option(names = "--streams", defaultValue = "10000")
    int streams;

    @Override
    public Integer call() throws Exception {
        BenchEvents shape = new BenchEvents(streams);
        EventStore store = Cairn.open(CairnOptions.builder(storeDir).build());
        for (int w = 0; w < writers; w++) {
            Thread.ofPlatform().name("bench-crash-writer-" + w).start(() -> {
                while (true) {
                    store.append(shape.randomStream(), StreamState.any(), shape.events(100));
                }
            });
        }
        Thread.currentThread().join();
        return 0;
    }
}
