package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.check.StoreChecker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A deleted index on a store large enough that the rebuild takes a while: the store opens, the
 * rebuild says that it started, reports its progress as it goes and its total at the end, and the
 * rebuilt index serves every stream ({@link MissingFilesTest} checks what the rebuilt index knows
 * in detail; this checks that an operator watching the log sees the rebuild happen).
 */
class IndexRebuildProgressTest {

    private static final int STREAMS = 20;
    private static final int APPENDS = 240;
    private static final int EVENTS_PER_APPEND = 250;

    @TempDir
    Path dir;

    @Test
    void aDeletedIndexIsRebuiltWithItsProgressLogged() throws IOException {
        CairnOptions options = CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(1 << 20).build();
        try (EventStore store = Cairn.open(options)) {
            for (int i = 0; i < APPENDS; i++) {
                List<EventData> events = new ArrayList<>();
                for (int e = 0; e < EVENTS_PER_APPEND; e++) {
                    events.add(EventData.json("Tick", "{}"));
                }
                store.append(StreamName.of("s-" + (i % STREAMS)), StreamState.any(), events);
            }
        }
        LogFixture.deleteTree(dir.resolve("index"));

        Logger recovery = (Logger) LoggerFactory.getLogger("dev.cairn.engine.streams.Recovery");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        recovery.addAppender(lines);
        try (EventStore store = Cairn.open(options)) {
            assertThat(store.readAllToList(ReadAllOptions.forwards()))
                    .hasSize(APPENDS * EVENTS_PER_APPEND);
            for (int s = 0; s < STREAMS; s++) {
                assertThat(store.append(StreamName.of("s-" + s), StreamState.at(
                        (long) APPENDS / STREAMS * EVENTS_PER_APPEND - 1), List.of(EventData.json("Tock", "{}")))
                        .nextExpectedRevision()).isEqualTo((long) APPENDS / STREAMS * EVENTS_PER_APPEND);
            }
        } finally {
            recovery.detachAppender(lines);
        }
        List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).as("what the rebuild logged").contains("index: none found, building it from the log");
        assertThat(messages.stream().filter(m -> m.matches("index: replayed \\d+ events from the log")))
                .as("progress lines while the rebuild runs").hasSizeGreaterThanOrEqualTo(1);
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("index: replayed " + APPENDS * EVENTS_PER_APPEND + " events in \\d+ ms"));
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
    }
}
