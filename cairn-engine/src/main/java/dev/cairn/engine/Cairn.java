package dev.cairn.engine;

import dev.cairn.api.EventStore;
import dev.cairn.engine.streams.EmbeddedEventStore;
import java.nio.file.Path;

/**
 * Opens an embedded Cairn store.
 *
 * <pre>{@code
 * try (EventStore store = Cairn.open(Path.of("data"))) {
 *     store.append("order-1", StreamState.noStream(), EventData.json("OrderPlaced", "{\"total\":42}"));
 * }
 * }</pre>
 */
public final class Cairn {

    private Cairn() {
    }

    /** Opens (creating if needed) the store in {@code directory} with default options. */
    public static EventStore open(Path directory) {
        return open(CairnOptions.builder(directory).build());
    }

    /**
     * Opens a store: takes the directory's lock (a second process gets a clear error), recovers the
     * log (discarding a torn tail, refusing corrupt data) and replays the index's tail.
     */
    public static EventStore open(CairnOptions options) {
        return EmbeddedEventStore.open(options);
    }
}
