package dev.cairn.eventsourcing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Synchronous, in-process event handlers: a {@link Repository} given a bus hands every event it
 * saved to the handlers for its class, in the saving thread, right after the append. For simple
 * applications (send an email, update a cache) where a subscription would be too much.
 *
 * <p>The events are stored before any handler runs; a handler that throws does not undo the save,
 * and its exception reaches the code that saved (later handlers of that save do not run). A crash
 * between the append and the handlers loses the handling: use a projection or the outbox when the
 * effect must not be lost.
 *
 * <p>Thread-safe: handlers may be added while saves run.
 */
public final class EventBus {

    private record Handler<T>(Class<T> type, Consumer<StoredEvent<T>> consumer) {
        void offer(StoredEvent<?> e) {
            if (type.isInstance(e.event())) {
                @SuppressWarnings("unchecked")
                StoredEvent<T> typed = (StoredEvent<T>) e;
                consumer.accept(typed);
            }
        }
    }

    private final List<Handler<?>> handlers = new CopyOnWriteArrayList<>();

    /** Calls {@code handler} for every saved event that is a {@code type}. */
    public <T> EventBus on(Class<T> type, Consumer<StoredEvent<T>> handler) {
        handlers.add(new Handler<>(type, handler));
        return this;
    }

    boolean isEmpty() {
        return handlers.isEmpty();
    }

    /** Hands each event to its handlers, events in order, handlers in the order they were added. */
    public void publish(List<? extends StoredEvent<?>> events) {
        for (StoredEvent<?> e : events) {
            for (Handler<?> h : handlers) {
                h.offer(e);
            }
        }
    }
}
