package dev.cairn.bench;

import dev.cairn.engine.CairnOptions;
import io.kurrent.dbclient.KurrentDBClient;
import java.nio.file.Path;
import java.util.List;

/**
 * A node over gRPC, driven by the official KurrentDB Java client: a Cairn node started in this
 * process ({@link GrpcNode}, plain text on loopback), or any node at a connection string (Cairn or
 * KurrentDB). Each writer gets its own {@link KurrentDBClient}, hence its own channel and
 * connection; reads use one more.
 */
final class GrpcTarget implements BenchTarget {

    private final GrpcNode node;
    private final String connectionString;
    private final Path dir;

    private GrpcTarget(GrpcNode node, String connectionString, Path dir) {
        this.node = node;
        this.connectionString = connectionString;
        this.dir = dir;
    }

    /** Starts a node on a fresh store in {@code options.directory()}, deleted on close. */
    static GrpcTarget start(CairnOptions options) throws Exception {
        Fmt.deleteRecursively(options.directory());
        GrpcNode node = GrpcNode.start(options);
        return new GrpcTarget(node, node.connectionString(), options.directory());
    }

    /** A node that runs elsewhere; closing leaves it and its data alone. */
    static GrpcTarget connect(String connectionString) {
        return new GrpcTarget(null, connectionString, null);
    }

    @Override
    public String system() {
        return node != null ? "cairn-grpc" : "grpc";
    }

    @Override
    public String description() {
        String where = node != null ? "a Cairn node (CairnServer) in this process, plain text on loopback"
                : "the node at " + connectionString;
        return system() + ": " + where + "; one official KurrentDB Java client (io.kurrent:kurrentdb-client) per "
                + "writer thread, hence one connection each; appendToStream with all the append's events in one call "
                + "(StreamState any), blocking on its answer";
    }

    @Override
    public Writers writers(int count, BenchEvents events) {
        List<KurrentDBClient> clients = GrpcNode.clients(connectionString, count);
        return new Writers(ClientWorkloads.appends(clients, events), () -> GrpcNode.shutdown(clients));
    }

    @Override
    public ReadWorkload.Result readStreams(BenchEvents streams) throws Exception {
        return withClient(client -> ClientWorkloads.streams(client, streams));
    }

    @Override
    public ReadWorkload.Result readAll(long limit) throws Exception {
        return withClient(client -> ClientWorkloads.all(client, limit));
    }

    /** A read made on a client of its own, connected before and shut down after. */
    private interface Read {
        ReadWorkload.Result on(KurrentDBClient client) throws Exception;
    }

    private ReadWorkload.Result withClient(Read read) throws Exception {
        List<KurrentDBClient> client = GrpcNode.clients(connectionString, 1);
        try {
            return read.on(client.get(0));
        } finally {
            GrpcNode.shutdown(client);
        }
    }

    @Override
    public void close() throws Exception {
        if (node != null) {
            node.close();
            Fmt.deleteRecursively(dir);
        }
    }
}
