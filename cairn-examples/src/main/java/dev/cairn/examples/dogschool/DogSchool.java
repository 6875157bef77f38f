package dev.cairn.examples.dogschool;

import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventRegistry;
import dev.cairn.eventsourcing.Repository;
import java.util.List;
import java.util.UUID;

/**
 * The dog school application (the Python {@code eventsourcing} library's first example): register
 * dogs, teach them tricks, look them up. Each command returns where its last event was stored, so
 * a caller can wait for a view to reflect it.
 */
public final class DogSchool {

    /** A dog as the application shows it. */
    public record DogDetails(String name, List<String> tricks) {
    }

    public static final EventCodec CODEC = new EventCodec(EventRegistry.builder().registerAll(DogEvent.class).build());

    private final Repository<Dog, DogEvent> dogs;

    public DogSchool(EventStore store) {
        this.dogs = new Repository<>(store, CODEC, "dog", DogEvent.class, Dog::new);
    }

    /** Registers a dog; its new id. */
    public String registerDog(String name) {
        String id = UUID.randomUUID().toString();
        dogs.create(id, Causation.command(), dog -> dog.register(name));
        return id;
    }

    /** Teaches a dog a trick; the position of the event, for read-your-writes. */
    public Position addTrick(String dogId, String trick) {
        return dogs.update(dogId, Causation.command(), dog -> dog.addTrick(trick)).position();
    }

    public DogDetails dog(String dogId) {
        Dog dog = dogs.load(dogId);
        return new DogDetails(dog.name(), dog.tricks());
    }

    /** Where dog {@code dogId}'s last event is: wait for a view to reach it to read your write. */
    public Position lastPosition(String dogId) {
        return dogs.load(dogId).position();
    }
}
