package dev.cairn.eventsourcing.dogs;

import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventRegistry;

/** The test domain's registry and codec: dog events, with an upcaster for version 1 and an old name. */
public final class Dogs {

    public static final EventRegistry REGISTRY = EventRegistry.builder()
            .registerAll(DogEvent.class)
            .upcast("DogRegistered", 1, json -> json.put("breed", "unknown"))
            .rename("DogAdded", "DogRegistered")
            .build();

    public static final EventCodec CODEC = new EventCodec(REGISTRY);

    private Dogs() {
    }
}
