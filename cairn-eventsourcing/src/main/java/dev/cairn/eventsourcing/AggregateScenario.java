package dev.cairn.eventsourcing;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Given/when/then tests for aggregates, without a store: given past events, when a command runs,
 * then these events are raised (or this exception thrown). Failures are {@link AssertionError}s,
 * so it works with any test framework.
 *
 * <pre>{@code
 * AggregateScenario.of(LightSwitch::new)
 *         .given(new SwitchedOn())
 *         .when(LightSwitch::turnOn)
 *         .thenThrows(IllegalStateException.class);
 * }</pre>
 *
 * @param <A> the aggregate
 * @param <E> its events
 */
public final class AggregateScenario<A extends Aggregate<E>, E> {

    private final Function<String, A> factory;
    private final String id;
    private final List<E> history;

    private AggregateScenario(Function<String, A> factory, String id, List<E> history) {
        this.factory = factory;
        this.id = id;
        this.history = history;
    }

    /** A scenario for a new aggregate with id {@code "test"}. */
    public static <A extends Aggregate<E>, E> AggregateScenario<A, E> of(Function<String, A> factory) {
        return new AggregateScenario<>(Objects.requireNonNull(factory, "factory"), "test", List.of());
    }

    /** The same scenario for an aggregate with this id. */
    public AggregateScenario<A, E> withId(String aggregateId) {
        return new AggregateScenario<>(factory, aggregateId, history);
    }

    /** The events the aggregate already has, in order. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
    public final AggregateScenario<A, E> given(E... events) {
        return new AggregateScenario<>(factory, id, List.of(events));
    }

    /** Runs {@code command} on the aggregate rebuilt from the given events. */
    public Outcome<A, E> when(Consumer<A> command) {
        A aggregate = factory.apply(id);
        long revision = 0;
        for (E e : history) {
            aggregate.replay(e, revision++, null);
        }
        try {
            command.accept(aggregate);
            return new Outcome<>(aggregate, null);
        } catch (RuntimeException e) {
            return new Outcome<>(aggregate, e);
        }
    }

    /** What a command did. */
    public static final class Outcome<A extends Aggregate<E>, E> {
        private final A aggregate;
        private final RuntimeException thrown;

        private Outcome(A aggregate, RuntimeException thrown) {
            this.aggregate = aggregate;
            this.thrown = thrown;
        }

        /** The command raised exactly these events, in order. */
        @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read
        public final Outcome<A, E> then(E... expected) {
            if (thrown != null) {
                throw new AssertionError("expected events " + Arrays.asList(expected) + " but the command threw "
                        + thrown, thrown);
            }
            List<E> raised = aggregate.pendingEvents();
            if (!raised.equals(List.of(expected))) {
                throw new AssertionError("expected events " + Arrays.asList(expected) + " but got " + raised);
            }
            return this;
        }

        /** The command raised no event and threw nothing. */
        public Outcome<A, E> thenNothing() {
            return then();
        }

        /** The command threw a {@code type}, and raised nothing; returns the exception. */
        public <X extends Throwable> X thenThrows(Class<X> type) {
            if (thrown == null) {
                throw new AssertionError("expected " + type.getSimpleName() + " but the command raised "
                        + aggregate.pendingEvents());
            }
            if (!type.isInstance(thrown)) {
                throw new AssertionError("expected " + type.getName() + " but got " + thrown, thrown);
            }
            return type.cast(thrown);
        }

        /** Checks the aggregate's state after the command. */
        public Outcome<A, E> state(Consumer<A> assertions) {
            assertions.accept(aggregate);
            return this;
        }
    }
}
