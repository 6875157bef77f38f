package dev.cairn.examples.orders;

import dev.cairn.api.EventStore;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.ConcurrencyException;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventRegistry;
import dev.cairn.eventsourcing.Repository;
import java.io.PrintStream;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Optimistic concurrency with two writers: both load the same order, both add a line; the first
 * save wins, the second is refused because the order changed since it loaded it, and then retries
 * by reloading and running its command again. {@code ./cairn example orders}.
 */
public final class OrdersExample {

    static final EventCodec CODEC = new EventCodec(EventRegistry.builder().registerAll(Order.Event.class).build());

    private OrdersExample() {
    }

    public static Repository<Order, Order.Event> orders(EventStore store) {
        return new Repository<>(store, CODEC, "order", Order.Event.class, Order::new);
    }

    public static void run(EventStore store, PrintStream out) throws Exception {
        Repository<Order, Order.Event> orders = orders(store);
        String id = UUID.randomUUID().toString().substring(0, 8);
        orders.create(id, Causation.command(), o -> o.create("ada"));

        // two writers load version 0 of the order before either saves
        CountDownLatch bothLoaded = new CountDownLatch(2);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            Future<String> alice = writers.submit(() -> write(orders, id, "apples", bothLoaded, 0));
            Future<String> bob = writers.submit(() -> write(orders, id, "pears", bothLoaded, 100));
            out.println("alice: " + alice.get());
            out.println("bob: " + bob.get());
        } finally {
            writers.shutdown();
        }

        // the loser retries: reload, run the command again on the new state, save
        Order retried = orders.update(id, Causation.command(), o -> o.addLine("pears", 2));
        out.println("bob retried: order " + id + " has " + retried.lines() + " at version " + retried.version());
    }

    private static String write(Repository<Order, Order.Event> orders, String id, String item, CountDownLatch loaded,
            long delayMillis) throws InterruptedException {
        Order order = orders.load(id);
        loaded.countDown();
        loaded.await();
        Thread.sleep(delayMillis); // the second writer saves a little later
        order.addLine(item, 2);
        try {
            orders.save(order, Causation.command());
            return "saved " + item + " (order at version " + order.version() + ")";
        } catch (ConcurrencyException e) {
            return "refused: the order changed since it was loaded at version " + e.expectedVersion();
        }
    }
}
