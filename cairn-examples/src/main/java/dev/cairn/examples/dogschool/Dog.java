package dev.cairn.examples.dogschool;

import dev.cairn.eventsourcing.Aggregate;
import java.util.ArrayList;
import java.util.List;

/** A dog: registered once, then learns tricks. */
public final class Dog extends Aggregate<DogEvent> {

    private String name;
    private final List<String> tricks = new ArrayList<>();

    public Dog(String id) {
        super(id);
    }

    void register(String dogName) {
        if (name != null) {
            throw new IllegalStateException("dog " + id() + " is already registered");
        }
        raise(new DogEvent.DogRegistered(dogName));
    }

    void addTrick(String trick) {
        if (name == null) {
            throw new IllegalStateException("dog " + id() + " is not registered");
        }
        raise(new DogEvent.TrickAdded(trick));
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
}
