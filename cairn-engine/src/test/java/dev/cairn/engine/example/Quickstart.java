package dev.cairn.engine.example;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.Cairn;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The README's embedded quickstart, kept compiling and running by {@code QuickstartTest}. */
public final class Quickstart {

    private Quickstart() {
    }

    public static void run(Path dir, PrintStream out) {
        // quickstart:begin
        try (EventStore store = Cairn.open(dir)) {
            StreamName order = StreamName.of("order-42");

            // Append two events to a new stream; the append is durable when it returns.
            var result = store.append(order, StreamState.noStream(), List.of(
                    EventData.json("OrderPlaced", "{\"total\": 99.5}"),
                    EventData.json("OrderPaid", "{\"method\": \"card\"}")));
            out.println("appended up to revision " + result.nextExpectedRevision());

            // Optimistic concurrency: a writer that expects an older revision is refused.
            try {
                store.append(order, StreamState.at(0), List.of(EventData.json("OrderCancelled", "{}")));
            } catch (WrongExpectedVersionException e) {
                out.println("refused: " + e.getMessage());
            }

            // Read the stream back.
            for (ResolvedEvent e : store.readStreamToList(order, ReadStreamOptions.forwards())) {
                out.println(e.event().revision() + " " + e.event().type() + " " + e.event().dataAsString());
            }
        }
        // quickstart:end
    }

    public static void main(String[] args) {
        run(Path.of(args.length > 0 ? args[0] : "data"), System.out);
    }
}
