package dev.cairn.eventsourcing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stable name an event class is stored under, and the version of its current shape. The name
 * is what goes into the event store as the event type, so classes can be renamed or moved without
 * breaking the streams already written; the version says which {@link Upcaster}s an old event
 * needs before it fits the class.
 *
 * <pre>{@code
 * @EventName(value = "DogRegistered", version = 2)
 * record DogRegistered(String name, String breed) implements DogEvent {}
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventName {

    /** The event type as stored; must not start with {@code $} (reserved for the system). */
    String value();

    /** The version of the class's current shape; events are written with it. Starts at 1. */
    int version() default 1;
}
