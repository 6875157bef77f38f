package dev.cairn.bench;

import dev.cairn.engine.CairnOptions;
import dev.cairn.server.NodeProcess;
import io.kurrent.dbclient.KurrentDBClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * A node over gRPC, driven by the official KurrentDB Java client: a Cairn node started in a JVM of
 * its own ({@link NodeProcess}: {@code cairn start --insecure}, plain text on loopback), or any node
 * at a connection string (Cairn or KurrentDB). Each writer gets its own {@link KurrentDBClient},
 * hence its own channel and connection, as in KurrentDB's {@code WRFL}; or, with a shared client,
 * all writers append through one client and one connection, as the threads of an application that
 * shares its client do. Reads use one client more.
 *
 * <p>The node runs in its own process, as a server does and as PostgreSQL does in {@code compare}:
 * in the benchmark's JVM it would share the heap, the collector and the JIT compiler threads with
 * the clients, and the figures would measure that contention as much as the node.
 */
final class GrpcTarget implements BenchTarget {

    private final NodeProcess node;
    private final String connectionString;
    private final Path dir;
    private final Path output;
    private final boolean sharedClient;

    private GrpcTarget(NodeProcess node, String connectionString, Path dir, Path output, boolean sharedClient) {
        this.node = node;
        this.connectionString = connectionString;
        this.dir = dir;
        this.output = output;
        this.sharedClient = sharedClient;
    }

    /**
     * Starts a node with JVM defaults on a fresh store in {@code options.directory()} (its segment
     * size; other limits are {@code cairn start}'s defaults). The store and the node's output,
     * beside it, are deleted on close. With {@code sharedClient} all writers append through one
     * client.
     */
    static GrpcTarget start(CairnOptions options, boolean sharedClient) throws Exception {
        Path dir = options.directory();
        Fmt.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path output = dir.resolveSibling(dir.getFileName() + ".log");
        Files.deleteIfExists(output);
        NodeProcess node = NodeProcess.start(dir, output, options.segmentSize(), List.of());
        return new GrpcTarget(node, node.connectionString(), dir, output, sharedClient);
    }

    /** A node that runs elsewhere; closing leaves it and its data alone. */
    static GrpcTarget connect(String connectionString) {
        return connect(connectionString, false);
    }

    /** As {@link #connect(String)}; with {@code sharedClient} all writers append through one client. */
    static GrpcTarget connect(String connectionString, boolean sharedClient) {
        return new GrpcTarget(null, connectionString, null, null, sharedClient);
    }

    @Override
    public String system() {
        return node != null ? "cairn-grpc" : "grpc";
    }

    @Override
    public String description() {
        String where = node != null ? "a Cairn node in a JVM of its own (cairn start --insecure, JVM defaults), plain "
                + "text on loopback"
                : "the node at " + connectionString;
        String clients = sharedClient
                ? "one official KurrentDB Java client (io.kurrent:kurrentdb-client) shared by all writer threads, "
                        + "hence one connection"
                : "one official KurrentDB Java client (io.kurrent:kurrentdb-client) per writer thread, hence one "
                        + "connection each";
        return system() + ": " + where + "; " + clients + "; appendToStream with all the append's events in one call "
                + "(StreamState any), blocking on its answer";
    }

    @Override
    public Writers writers(int count, BenchEvents events) {
        List<KurrentDBClient> clients = writerClients(count);
        List<KurrentDBClient> distinct = sharedClient ? clients.subList(0, 1) : clients;
        return new Writers(ClientWorkloads.appends(clients, events), () -> GrpcNode.shutdown(distinct));
    }

    /** The client of each of {@code count} writers, connected: one each, or one for all of them. */
    List<KurrentDBClient> writerClients(int count) {
        if (!sharedClient) {
            return GrpcNode.clients(connectionString, count);
        }
        return Collections.nCopies(count, GrpcNode.clients(connectionString, 1).get(0));
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
            try {
                int exit = node.stop();
                if (exit != 0) {
                    throw new IllegalStateException("the node exited with " + exit + " when stopped; its output:\n"
                            + node.output());
                }
            } finally {
                Fmt.deleteRecursively(dir);
                Files.deleteIfExists(output);
            }
        }
    }
}
