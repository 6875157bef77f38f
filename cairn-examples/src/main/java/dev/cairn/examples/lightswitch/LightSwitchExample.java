package dev.cairn.examples.lightswitch;

import dev.cairn.api.EventStore;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventRegistry;
import dev.cairn.eventsourcing.Repository;
import java.io.PrintStream;
import java.util.UUID;

/** Turns a light on, refuses to turn it on twice, turns it off: {@code ./cairn example light-switch}. */
public final class LightSwitchExample {

    static final EventCodec CODEC = new EventCodec(EventRegistry.builder().registerAll(LightSwitch.Event.class).build());

    private LightSwitchExample() {
    }

    public static Repository<LightSwitch, LightSwitch.Event> lights(EventStore store) {
        return new Repository<>(store, CODEC, "light", LightSwitch.Event.class, LightSwitch::new);
    }

    public static void run(EventStore store, PrintStream out) {
        Repository<LightSwitch, LightSwitch.Event> lights = lights(store);
        String id = "hall-" + UUID.randomUUID().toString().substring(0, 8);

        lights.update(id, Causation.command(), LightSwitch::turnOn);
        out.println("light " + id + " is " + (lights.load(id).isOn() ? "on" : "off"));
        try {
            lights.update(id, Causation.command(), LightSwitch::turnOn);
        } catch (IllegalStateException e) {
            out.println("refused: " + e.getMessage());
        }
        lights.update(id, Causation.command(), LightSwitch::turnOff);
        LightSwitch light = lights.load(id);
        out.println("light " + id + " is " + (light.isOn() ? "on" : "off") + " after " + (light.version() + 1)
                + " events: " + lights.history(id).stream().map(e -> e.type()).toList());
    }
}
