package dev.cairn.examples;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.client.CairnClient;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventRegistry;
import dev.cairn.eventsourcing.Repository;
import dev.cairn.examples.lightswitch.LightSwitch;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The README's client and toolkit snippets, kept compiling and running by {@code ReadmeSnippetsTest}. */
final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    static void client(String connectionString, PrintStream out) throws InterruptedException {
        // client:begin
        try (EventStore store = CairnClient.connect(connectionString)) {
            StreamName order = StreamName.of("order-7");
            store.append(order, StreamState.noStream(), List.of(EventData.json("OrderPlaced", "{\"total\": 12}")));

            CountDownLatch seen = new CountDownLatch(1);
            try (Subscription s = store.subscribeToStream(order, SubscribeToStreamOptions.fromStart(), (sub, e) -> {
                out.println("got " + e.event().type() + " at revision " + e.event().revision());
                seen.countDown();
            })) {
                seen.await(10, TimeUnit.SECONDS);
            }

            try {
                store.append(order, StreamState.noStream(), List.of(EventData.json("OrderPlaced", "{}")));
            } catch (WrongExpectedVersionException e) {
                out.println("refused: expected " + e.expected() + ", actual " + e.actual());
            }
        }
        // client:end
    }

    static void toolkit(EventStore store, PrintStream out) {
        // toolkit:begin
        EventCodec codec = new EventCodec(EventRegistry.builder().registerAll(LightSwitch.Event.class).build());
        Repository<LightSwitch, LightSwitch.Event> lights =
                new Repository<>(store, codec, "light", LightSwitch.Event.class, LightSwitch::new);

        lights.update("hall", Causation.command(), LightSwitch::turnOn);      // appends to stream light-hall
        try {
            lights.update("hall", Causation.command(), LightSwitch::turnOn);  // the aggregate refuses
        } catch (IllegalStateException e) {
            out.println("refused: " + e.getMessage());
        }
        LightSwitch hall = lights.load("hall");
        out.println("on: " + hall.isOn() + ", version " + hall.version());
        // toolkit:end
    }
}
