package dev.cairn.eventsourcing;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Maps stable event type names to classes and back, with each type's current version and the
 * {@link Upcaster}s that bring older stored versions up to it. Names, not class names, go into the
 * store, so refactoring code never breaks streams already written.
 *
 * <pre>{@code
 * EventRegistry registry = EventRegistry.builder()
 *         .registerAll(DogEvent.class)                       // every record permitted by a sealed interface
 *         .upcast("DogRegistered", 1, json -> json.put("breed", "unknown"))
 *         .rename("DogAdded", "DogRegistered")               // an old name still loads
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe once built.
 */
public final class EventRegistry {

    /**
     * One registered event type.
     *
     * @param name the stored type name
     * @param type the class events of this type decode to
     * @param version the version new events are written at
     */
    public record Registration(String name, Class<?> type, int version) {
    }

    private final Map<String, Registration> byName;
    private final Map<Class<?>, Registration> byClass;
    private final Map<String, NavigableMap<Integer, Upcaster>> upcasters;
    private final Map<String, String> renames;

    private EventRegistry(Builder b) {
        this.byName = Map.copyOf(b.byName);
        this.byClass = Map.copyOf(b.byClass);
        Map<String, NavigableMap<Integer, Upcaster>> copy = new HashMap<>();
        b.upcasters.forEach((name, steps) -> copy.put(name, new TreeMap<>(steps)));
        this.upcasters = Map.copyOf(copy);
        this.renames = Map.copyOf(b.renames);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The registration of an event's class; fails for a class never registered. */
    public Registration forClass(Class<?> type) {
        Registration r = byClass.get(type);
        if (r == null) {
            throw new UnknownEventTypeException("event class " + type.getName() + " is not registered");
        }
        return r;
    }

    /** The registration of a stored type name (following renames), or null if unknown. */
    public Registration forName(String name) {
        return byName.get(renames.getOrDefault(name, name));
    }

    /** The name a stored name is read as today: itself, or what it was renamed to. */
    String currentName(String storedName) {
        return renames.getOrDefault(storedName, storedName);
    }

    /** The upcaster from {@code version} to {@code version + 1} of {@code name}, or null. */
    Upcaster upcaster(String name, int version) {
        NavigableMap<Integer, Upcaster> steps = upcasters.get(name);
        return steps == null ? null : steps.get(version);
    }

    /** Builds a registry; not thread-safe. */
    public static final class Builder {
        private final Map<String, Registration> byName = new HashMap<>();
        private final Map<Class<?>, Registration> byClass = new HashMap<>();
        private final Map<String, Map<Integer, Upcaster>> upcasters = new HashMap<>();
        private final Map<String, String> renames = new HashMap<>();

        private Builder() {
        }

        /** Registers a class under the name and version of its {@link EventName} annotation. */
        public Builder register(Class<?> type) {
            EventName name = type.getAnnotation(EventName.class);
            if (name == null) {
                throw new IllegalArgumentException(type.getName() + " has no @EventName: register it with a name");
            }
            return register(name.value(), type, name.version());
        }

        /** Registers a class under a name at version 1. */
        public Builder register(String name, Class<?> type) {
            return register(name, type, 1);
        }

        /** Registers a class under a name, written at {@code version}. */
        public Builder register(String name, Class<?> type, int version) {
            Objects.requireNonNull(type, "type");
            if (name == null || name.isEmpty() || name.startsWith("$")) {
                throw new IllegalArgumentException("event type name must be non-empty and not start with '$': " + name);
            }
            if (version < 1) {
                throw new IllegalArgumentException("event version must be at least 1, was " + version);
            }
            Registration r = new Registration(name, type, version);
            Registration previous = byName.putIfAbsent(name, r);
            if (previous != null && !previous.equals(r)) {
                throw new IllegalArgumentException("event type name '" + name + "' is already registered for "
                        + previous.type().getName());
            }
            Registration other = byClass.putIfAbsent(type, r);
            if (other != null && !other.equals(r)) {
                throw new IllegalArgumentException(type.getName() + " is already registered as '" + other.name() + "'");
            }
            return this;
        }

        /**
         * Registers every record (or class) a sealed interface permits, recursively, each by its
         * {@link EventName}.
         */
        public Builder registerAll(Class<?> sealedType) {
            if (!sealedType.isSealed()) {
                throw new IllegalArgumentException(sealedType.getName() + " is not sealed");
            }
            for (Class<?> sub : sealedType.getPermittedSubclasses()) {
                if (sub.isSealed()) {
                    registerAll(sub);
                } else {
                    register(sub);
                }
            }
            return this;
        }

        /** Adds the step from {@code fromVersion} to {@code fromVersion + 1} of type {@code name}. */
        public Builder upcast(String name, int fromVersion, Upcaster upcaster) {
            Objects.requireNonNull(upcaster, "upcaster");
            if (upcasters.computeIfAbsent(name, n -> new HashMap<>()).putIfAbsent(fromVersion, upcaster) != null) {
                throw new IllegalArgumentException("'" + name + "' already has an upcaster from version " + fromVersion);
            }
            return this;
        }

        /** Events stored as {@code oldName} load as {@code newName} (then upcast as that type). */
        public Builder rename(String oldName, String newName) {
            renames.put(oldName, newName);
            return this;
        }

        public EventRegistry build() {
            for (Map.Entry<String, String> e : renames.entrySet()) {
                if (!byName.containsKey(e.getValue())) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' is renamed to '" + e.getValue()
                            + "', which is not registered");
                }
            }
            for (Map.Entry<String, Map<Integer, Upcaster>> e : upcasters.entrySet()) {
                Registration r = byName.get(e.getKey());
                if (r == null) {
                    throw new IllegalArgumentException("upcasters for '" + e.getKey() + "', which is not registered");
                }
                for (int from : e.getValue().keySet()) {
                    if (from < 1 || from >= r.version()) {
                        throw new IllegalArgumentException("'" + e.getKey() + "' is at version " + r.version()
                                + ": an upcaster from version " + from + " can never run");
                    }
                }
            }
            return new EventRegistry(this);
        }
    }
}
