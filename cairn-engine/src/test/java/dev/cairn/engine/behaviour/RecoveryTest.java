package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index is derived data: whether it is missing or older than the log, opening the store
 * rebuilds it from the log, and every rule that depends on it (revisions, deletes, metadata,
 * idempotency, links) holds as before.
 */
class RecoveryTest extends StoreFixture {

    @ParameterizedTest(name = "index {0}")
    @ValueSource(strings = {"missing", "stale"})
    void aMissingOrStaleIndexIsRebuiltFromTheLog(String index) throws IOException {
        store.close();
        store = dev.cairn.engine.Cairn.open(options().indexFlushEvents(5).build());
        List<EventData> early = seed("early", 3);
        Path staleCopy = dir.resolve("../" + dir.getFileName() + "-index-copy").normalize();
        if (index.equals("stale")) {
            store.close();
            copy(dir.resolve("index"), staleCopy);
            store = dev.cairn.engine.Cairn.open(options().indexFlushEvents(5).build());
        }
        try {
            byte[] payload = new byte[60_000];
            for (int i = 0; i < 40; i++) {
                append("big-" + (i % 2), StreamState.any(), EventData.binary("Big", payload));
            }
            List<EventData> batch = events(3);
            AppendResult original = append("orders", StreamState.noStream(), batch);
            store.setStreamMetadata(name("orders"), StreamState.noStream(), StreamMetadata.EMPTY.withMaxCount(2L));
            seed("soft", 2);
            store.delete(name("soft"), StreamState.any());
            seed("hard", 2);
            store.tombstone(name("hard"), StreamState.any());
            append("links", StreamState.any(), EventData.link(0, name("early")));
            List<RecordedEvent> all = readAll();
            store.close();
            store = null;

            deleteRecursively(dir.resolve("index"));
            if (index.equals("stale")) {
                copy(staleCopy, dir.resolve("index"));
            }
            store = dev.cairn.engine.Cairn.open(options().build());

            assertThat(readAll()).containsExactlyElementsOf(all);
            assertThat(recordedIds(read("early"))).isEqualTo(ids(early));
            assertThat(revisions(read("big-0"))).hasSize(20).endsWith(19L);
            assertThat(revisions(read("orders"))).containsExactly(1L, 2L);
            assertThat(store.getStreamMetadata(name("orders")))
                    .isEqualTo(new StreamMetadataResult(name("orders"), StreamMetadata.EMPTY.withMaxCount(2L), 0));
            assertThatThrownBy(() -> read("soft")).isInstanceOf(StreamNotFoundException.class);
            assertThatThrownBy(() -> read("hard")).isInstanceOf(StreamDeletedException.class);
            assertThat(store.readStreamToList(name("links"), ReadStreamOptions.forwards().resolveLinks(true)))
                    .singleElement().satisfies(e -> assertThat(e.event().id()).isEqualTo(early.get(0).id()));
            assertThat(append("orders", StreamState.noStream(), batch)).as("idempotent after the rebuild")
                    .isEqualTo(original);
            assertThat(append("orders", StreamState.any(), batch)).isEqualTo(original);
            assertThat(append("soft", StreamState.any(), event()).nextExpectedRevision()).isEqualTo(2);
            assertThat(append("big-1", StreamState.at(19), event()).nextExpectedRevision()).isEqualTo(20);
        } finally {
            deleteRecursively(staleCopy);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
