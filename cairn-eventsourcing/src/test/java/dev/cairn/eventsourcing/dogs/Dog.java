package dev.cairn.eventsourcing.dogs;

import dev.cairn.eventsourcing.Aggregate;
import dev.cairn.eventsourcing.Snapshotting;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** A dog that learns tricks, each once. Snapshots its name and tricks. */
public final class Dog extends Aggregate<DogEvent> implements Snapshotting<Dog.State> {

    public record State(String name, List<String> tricks) {
    }

    private String name;
    private final List<String> tricks = new ArrayList<>();

    public Dog(String id) {
        super(id);
    }

    public void register(String dogName, String breed) {
        if (name != null) {
            throw new IllegalStateException("dog " + id() + " is already registered");
        }
        raise(new DogEvent.DogRegistered(dogName, breed, LocalDate.of(2020, 1, 1)));
    }

    public void addTrick(String trick) {
        if (name == null) {
            throw new IllegalStateException("dog " + id() + " is not registered");
        }
        if (!tricks.contains(trick)) {
            raise(new DogEvent.TrickAdded(trick));
        }
    }

    public String name() {
        return name;
    }

    public List<String> tricks() {
        return List.copyOf(tricks);
    }

    @Override
    protected void apply(DogEvent event) {
        switch (event) {
            case DogEvent.DogRegistered r -> name = r.name();
            case DogEvent.TrickAdded t -> tricks.add(t.trick());
        }
    }

    @Override
    public State snapshot() {
        return new State(name, List.copyOf(tricks));
    }

    @Override
    public void restore(State snapshot) {
        name = snapshot.name();
        tricks.clear();
        tricks.addAll(snapshot.tricks());
    }

    @Override
    public Class<State> snapshotType() {
        return State.class;
    }
}
