package dev.cairn.bench;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.CairnServer;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Cairn node in this process for {@code bench grpc}: a store opened with {@code options}, served
 * by {@link CairnServer} on a free port in plain text ({@code --insecure}), as {@code cairn start}
 * serves it, and official-client connections to it over loopback.
 *
 * <p>Closing stops the server, which closes the store. Thread-safe.
 */
final class GrpcNode implements AutoCloseable {

    private final EventStore store;
    private final CairnServer server;

    private GrpcNode(EventStore store, CairnServer server) {
        this.store = store;
        this.server = server;
    }

    static GrpcNode start(CairnOptions options) {
        EventStore store = Cairn.open(options);
        return new GrpcNode(store, CairnServer.start(store, 0, options.maxAppendSize(), options.maxEventSize()));
    }

    /** The store the server serves, for reading it embedded in the same state. */
    EventStore store() {
        return store;
    }

    String connectionString() {
        return "kurrentdb://127.0.0.1:" + server.port() + "?tls=false";
    }

    /**
     * {@code count} official clients, each with its own gRPC channel and so its own connection,
     * connected: each has made one call (server version discovery), so connection set-up is not
     * part of what the caller times. Shut them down with {@link #shutdown(List)}.
     */
    List<KurrentDBClient> clients(int count) {
        return clients(connectionString(), count);
    }

    /** {@link #clients(int)} for any node, Cairn or KurrentDB, at {@code connectionString}. */
    static List<KurrentDBClient> clients(String connectionString, int count) {
        List<KurrentDBClient> clients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            clients.add(KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString)));
        }
        CompletableFuture.allOf(clients.stream().map(KurrentDBClient::getServerVersion)
                .toArray(CompletableFuture[]::new)).join();
        return clients;
    }

    /** Shuts the clients down together and waits for all of them. */
    static void shutdown(List<KurrentDBClient> clients) {
        CompletableFuture.allOf(clients.stream().map(KurrentDBClient::shutdown).toArray(CompletableFuture[]::new))
                .join();
    }

    @Override
    public void close() {
        server.stop();
    }
}
