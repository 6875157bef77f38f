package dev.cairn.engine.crash;

import ch.qos.logback.classic.Level;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The child process of {@link PersistentConsumerKillTest}: opens the store in {@code args[0]},
 * makes sure the persistent subscription group exists, then at once appends to its stream from one
 * thread and consumes it from another until it is killed. The consumer journals each event's id
 * ({@code H id} lines in {@code args[1]}, an {@link AckJournal}) before it acknowledges it, so the
 * journal holds at least every acknowledged event. Prints {@code READY} once both run.
 */
public final class CrashConsumerMain {

    static final StreamName STREAM = StreamName.of("work");
    static final String GROUP = "workers";

    private CrashConsumerMain() {
    }

    /** Checkpoints often, so that kills land between, before and during checkpoint writes. */
    static PersistentSubscriptionSettings settings() {
        return PersistentSubscriptionSettings.defaults().startFrom(PersistentSubscriptionSettings.StartFrom.start())
                .checkpointCounts(1, 7).checkpointAfter(Duration.ofMillis(30)).buffers(50, 10, 50);
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        EventStore store = Cairn.open(CrashWriterMain.options(Path.of(args[0])));
        AckJournal journal = new AckJournal(Path.of(args[1]));
        try {
            store.persistentSubscriptions().createToStream(STREAM, GROUP, settings());
        } catch (PersistentSubscriptionException exists) {
            // an earlier round created it
        }
        Thread writer = Thread.ofPlatform().start(() -> {
            while (true) {
                List<EventData> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    batch.add(EventData.json("Work", "{}"));
                }
                store.append(STREAM, StreamState.any(), batch);
            }
        });
        store.persistentSubscriptions().subscribe(STREAM, GROUP, ConsumerOptions.bufferSize(20),
                new PersistentSubscriptionListener() {
                    @Override
                    public void onEvent(PersistentSubscription subscription, ResolvedEvent event, int retryCount) {
                        try {
                            journal.write("H " + event.originalEvent().id());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        subscription.ack(event);
                    }
                });
        System.out.println("READY");
        System.out.flush();
        writer.join();
    }
}
