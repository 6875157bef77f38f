package dev.cairn.server.example;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The README's client quickstart: the official KurrentDB Java client against a Cairn node. */
final class ClientQuickstart {

    private ClientQuickstart() {
    }

    static void run(int port, PrintStream out) throws Exception {
        String connectionString = "kurrentdb://127.0.0.1:" + port + "?tls=false";
        // quickstart:begin
        KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString));

        EventData placed = EventData.builderAsJson("OrderPlaced", "{\"total\": 99.5}".getBytes(StandardCharsets.UTF_8))
                .build();
        client.appendToStream("order-42", AppendToStreamOptions.get().streamState(StreamState.noStream()), placed)
                .get();

        for (ResolvedEvent e : client.readStream("order-42", ReadStreamOptions.get().fromStart()).get().getEvents()) {
            out.println(e.getEvent().getRevision() + " " + e.getEvent().getEventType() + " "
                    + new String(e.getEvent().getEventData(), StandardCharsets.UTF_8));
        }
        client.shutdown().get();
        // quickstart:end
    }
}
