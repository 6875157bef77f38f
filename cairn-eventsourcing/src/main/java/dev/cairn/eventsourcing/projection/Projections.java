package dev.cairn.eventsourcing.projection;

import dev.cairn.eventsourcing.EventRegistry;
import dev.cairn.eventsourcing.Selection;
import dev.cairn.eventsourcing.StoredEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link Projection} from one handler per event class; it selects exactly the types it
 * has handlers for, by their registered names.
 *
 * <pre>{@code
 * Projection<Connection> counts = Projections.<Connection>named("dog-counts", registry)
 *         .on(DogRegistered.class, (e, db) -> execute(db, "UPDATE totals SET dogs = dogs + 1"))
 *         .on(TrickAdded.class, (e, db) -> execute(db, "UPDATE totals SET tricks = tricks + 1"))
 *         .build();
 * }</pre>
 */
public final class Projections {

    /** Handles one event class. */
    @FunctionalInterface
    public interface Handler<E, T> {
        void apply(StoredEvent<E> event, T view) throws Exception;
    }

    private Projections() {
    }

    public static <T> Builder<T> named(String name, EventRegistry registry) {
        return new Builder<>(name, registry);
    }

    /** Collects handlers; not thread-safe. The projection it builds is immutable. */
    public static final class Builder<T> {
        private final String name;
        private final EventRegistry registry;
        private final Map<Class<?>, Handler<?, T>> handlers = new LinkedHashMap<>();

        private Builder(String name, EventRegistry registry) {
            this.name = Objects.requireNonNull(name, "name");
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        public <E> Builder<T> on(Class<E> type, Handler<E, T> handler) {
            registry.forClass(type); // fails early for an unregistered class
            handlers.put(type, handler);
            return this;
        }

        public Projection<T> build() {
            Map<Class<?>, Handler<?, T>> byClass = Map.copyOf(handlers);
            List<String> types = handlers.keySet().stream().map(c -> registry.forClass(c).name()).toList();
            Selection selection = Selection.eventTypes(types);
            return new Projection<>() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Selection selection() {
                    return selection;
                }

                @Override
                public void apply(StoredEvent<?> event, T view) throws Exception {
                    Handler<?, T> handler = byClass.get(event.event().getClass());
                    if (handler != null) {
                        call(handler, event, view);
                    }
                }
            };
        }

        @SuppressWarnings("unchecked")
        private static <E, T> void call(Handler<E, T> handler, StoredEvent<?> event, T view) throws Exception {
            handler.apply((StoredEvent<E>) event, view);
        }
    }
}
