package dev.cairn.eventsourcing.dogs;

import dev.cairn.eventsourcing.EventName;
import java.time.LocalDate;

/** The events of the test domain: dogs and their tricks. */
public sealed interface DogEvent {

    @EventName(value = "DogRegistered", version = 2)
    record DogRegistered(String name, String breed, LocalDate born) implements DogEvent {
    }

    @EventName("TrickAdded")
    record TrickAdded(String trick) implements DogEvent {
    }
}
