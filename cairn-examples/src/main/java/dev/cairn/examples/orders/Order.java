package dev.cairn.examples.orders;

import dev.cairn.eventsourcing.Aggregate;
import dev.cairn.eventsourcing.EventName;
import java.util.ArrayList;
import java.util.List;

/** An order that takes lines until it is placed. */
public final class Order extends Aggregate<Order.Event> {

    /** What happens to an order. */
    public sealed interface Event {
    }

    @EventName("OrderCreated")
    public record Created(String customer) implements Event {
    }

    @EventName("LineAdded")
    public record LineAdded(String item, int quantity) implements Event {
    }

    @EventName("OrderPlaced")
    public record Placed() implements Event {
    }

    private boolean created;
    private boolean placed;
    private final List<String> lines = new ArrayList<>();

    public Order(String id) {
        super(id);
    }

    public void create(String customer) {
        if (created) {
            throw new IllegalStateException("order " + id() + " exists");
        }
        raise(new Created(customer));
    }

    public void addLine(String item, int quantity) {
        if (!created || placed) {
            throw new IllegalStateException("order " + id() + " takes no more lines");
        }
        raise(new LineAdded(item, quantity));
    }

    public void place() {
        if (placed) {
            throw new IllegalStateException("order " + id() + " is already placed");
        }
        raise(new Placed());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    protected void apply(Event event) {
        switch (event) {
            case Created c -> created = true;
            case LineAdded l -> lines.add(l.quantity() + " x " + l.item());
            case Placed p -> placed = true;
        }
    }
}
