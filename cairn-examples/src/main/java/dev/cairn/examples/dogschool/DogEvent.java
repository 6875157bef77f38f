package dev.cairn.examples.dogschool;

import dev.cairn.eventsourcing.EventName;

/** What happens to a dog at the school. */
public sealed interface DogEvent {

    @EventName("DogRegistered")
    record DogRegistered(String name) implements DogEvent {
    }

    @EventName("TrickAdded")
    record TrickAdded(String trick) implements DogEvent {
    }
}
