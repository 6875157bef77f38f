package dev.cairn.examples.lightswitch;

import dev.cairn.eventsourcing.Aggregate;
import dev.cairn.eventsourcing.EventName;

/** A light switch that refuses to be turned on when it is on, or off when it is off. */
public final class LightSwitch extends Aggregate<LightSwitch.Event> {

    /** What happens to a switch. */
    public sealed interface Event {
    }

    @EventName("SwitchedOn")
    public record SwitchedOn() implements Event {
    }

    @EventName("SwitchedOff")
    public record SwitchedOff() implements Event {
    }

    private boolean on;

    public LightSwitch(String id) {
        super(id);
    }

    public void turnOn() {
        if (on) {
            throw new IllegalStateException("light " + id() + " is already on");
        }
        raise(new SwitchedOn());
    }

    public void turnOff() {
        if (!on) {
            throw new IllegalStateException("light " + id() + " is already off");
        }
        raise(new SwitchedOff());
    }

    public boolean isOn() {
        return on;
    }

    @Override
    protected void apply(Event event) {
        switch (event) {
            case SwitchedOn s -> on = true;
            case SwitchedOff s -> on = false;
        }
    }
}
