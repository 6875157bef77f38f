package dev.cairn.eventsourcing.outbox;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.Selection;
import dev.cairn.eventsourcing.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes selected events to an external system (a message broker, a webhook) at least once:
 * a catch-up subscription hands each event to the {@link Sink}, retrying with exponential backoff
 * when it fails, and moves an event that keeps failing to a dead-letter stream so the rest are not
 * held up. Its progress is checkpointed durably in the store itself, so a restart resumes where it
 * was; events published after the last checkpoint are published again (at least once, never
 * skipped), so sinks should be idempotent on the event id.
 *
 * <p>Streams: checkpoints in {@code outbox_checkpoint-<name>}, dead letters in
 * {@code outbox_deadletter-<name>}: a copy of the event (type, data) whose metadata adds
 * {@code originalStream}, {@code originalRevision}, {@code originalEventId}, {@code error} and
 * {@code attempts}. The copy's id is derived from the original's, so moving an event to the
 * dead-letter stream twice (after a crash) stores it once.
 *
 * <p>Thread-safe; the sink is called from the subscription's thread, one event at a time, in order.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final String CHECKPOINT_TYPE = "OutboxCheckpoint";

    /** The external system. */
    @FunctionalInterface
    public interface Sink {
        /** Publishes one event; throwing means it was not published. */
        void publish(StoredEvent<?> event) throws Exception;
    }

    /**
     * How hard the outbox tries.
     *
     * @param maxAttempts attempts per event before it goes to the dead-letter stream
     * @param firstBackoff the wait after the first failed attempt; doubles after each
     * @param maxBackoff the longest wait between attempts
     * @param checkpointEvery store the checkpoint after this many events (and when caught up, and on stop)
     */
    public record Options(int maxAttempts, Duration firstBackoff, Duration maxBackoff, int checkpointEvery) {
        public Options {
            if (maxAttempts < 1 || checkpointEvery < 1) {
                throw new IllegalArgumentException("attempts and checkpoint interval must be positive");
            }
            Objects.requireNonNull(firstBackoff, "first backoff");
            Objects.requireNonNull(maxBackoff, "max backoff");
        }

        /** 5 attempts, backoff from 100 ms up to 10 s, a checkpoint every 20 events. */
        public static Options defaults() {
            return new Options(5, Duration.ofMillis(100), Duration.ofSeconds(10), 20);
        }
    }

    private final EventStore store;
    private final EventCodec codec;
    private final String name;
    private final Sink sink;
    private final Options options;
    private final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
    private volatile Position published;
    private volatile boolean stopping;
    private Subscription subscription;
    private int sinceCheckpoint;

    private Outbox(EventStore store, EventCodec codec, String name, Sink sink, Options options) {
        this.store = store;
        this.codec = codec;
        this.name = name;
        this.sink = sink;
        this.options = options;
    }

    /** Starts publishing the selected events after the last checkpoint of outbox {@code name}. */
    public static Outbox start(EventStore store, EventCodec codec, String name, Selection selection, Sink sink,
            Options options) {
        if (name == null || name.isEmpty() || name.contains("-")) {
            throw new IllegalArgumentException("an outbox name is non-empty and has no '-': " + name);
        }
        Outbox outbox = new Outbox(Objects.requireNonNull(store, "store"), Objects.requireNonNull(codec, "codec"),
                name, Objects.requireNonNull(sink, "sink"), Objects.requireNonNull(options, "options"));
        Position from = StreamCheckpoint.read(store, outbox.checkpointStream());
        outbox.published = from;
        LOG.info("outbox '{}' starting after {} ({})", name, from == null ? "the start" : from, selection.description());
        SubscribeToAllOptions subscribe = (from == null ? SubscribeToAllOptions.fromStart()
                : SubscribeToAllOptions.after(from)).filter(selection.filter());
        outbox.subscription = store.subscribeToAll(subscribe, outbox.new Listener());
        return outbox;
    }

    StreamName checkpointStream() {
        return StreamName.of("outbox_checkpoint-" + name);
    }

    /** Where events that kept failing are moved. */
    public StreamName deadLetterStream() {
        return StreamName.of("outbox_deadletter-" + name);
    }

    /** The position of the last event handled (published or dead-lettered), or null before any. */
    public Position position() {
        return published;
    }

    private final class Listener implements SubscriptionListener {
        @Override
        public void onEvent(Subscription s, ResolvedEvent event) {
            deliver(event);
            published = event.position();
            if (++sinceCheckpoint >= options.checkpointEvery()) {
                checkpoint();
            }
        }

        @Override
        public void onCheckpoint(Subscription s, Position position) {
            // nothing selected up to here: remember it, so a restart does not rescan the gap
            published = position;
            if (++sinceCheckpoint >= options.checkpointEvery()) {
                checkpoint();
            }
        }

        @Override
        public void onCaughtUp(Subscription s) {
            checkpoint();
        }

        @Override
        public void onStopped(Subscription s, Throwable error) {
            if (error == null) {
                checkpoint();
            } else {
                LOG.error("outbox '{}' stopped", name, error);
            }
            stopped.complete(error);
        }
    }

    private void deliver(ResolvedEvent event) {
        StoredEvent<?> decoded;
        try {
            decoded = codec.decode(event, Object.class);
        } catch (RuntimeException e) {
            deadLetter(event, e, 0);
            return;
        }
        Duration backoff = options.firstBackoff();
        for (int attempt = 1;; attempt++) {
            try {
                sink.publish(decoded);
                return;
            } catch (Exception e) {
                if (attempt >= options.maxAttempts()) {
                    deadLetter(event, e, attempt);
                    return;
                }
                LOG.warn("outbox '{}': publishing {} failed (attempt {}), retrying in {} ms: {}", name,
                        decoded.id(), attempt, backoff.toMillis(), e.toString());
                sleep(backoff);
                if (stopping) {
                    throw new IllegalStateException("outbox stopped while retrying", e);
                }
                backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    private void deadLetter(ResolvedEvent event, Exception error, int attempts) {
        var original = event.event();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("originalStream", original.stream().value());
        extra.put("originalRevision", Long.toString(original.revision()));
        extra.put("originalEventId", original.id().toString());
        extra.put("originalPosition", event.position().toString());
        extra.put("error", String.valueOf(error));
        extra.put("attempts", Integer.toString(attempts));
        var meta = codec.parseMetadata(original.metadata());
        for (var e : extra.entrySet()) {
            meta = meta.with(e.getKey(), e.getValue());
        }
        UUID id = UUID.nameUUIDFromBytes((original.id() + "/dead-letter/" + name).getBytes(StandardCharsets.UTF_8));
        EventData copy = new EventData(id, original.type(), original.contentType(), original.data(),
                codec.metadataJson(meta));
        store.append(deadLetterStream(), StreamState.any(), List.of(copy));
        LOG.error("outbox '{}': moved {} ({}@{}) to {} after {} attempts: {}", name, original.id(), original.revision(),
                original.stream(), deadLetterStream(), attempts, error.toString());
    }

    private void checkpoint() {
        Position p = published;
        if (p == null || sinceCheckpoint == 0) {
            return;
        }
        StreamCheckpoint.write(store, checkpointStream(), CHECKPOINT_TYPE, p);
        sinceCheckpoint = 0;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }

    /** Completes with null after {@link #stop()}, or with the failure that stopped the outbox. */
    public CompletableFuture<Throwable> stopped() {
        return stopped;
    }

    /** Stops after the event being published (checkpointing it). Idempotent; does not wait. */
    public void stop() {
        stopping = true;
        Subscription s = subscription;
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public void close() {
        stop();
        stopped.join();
    }
}
