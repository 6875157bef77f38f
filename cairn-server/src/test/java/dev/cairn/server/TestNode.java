package dev.cairn.server;

import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.nio.file.Path;

/** A node started in this process on a free port over a temp directory, with a client for it. */
public final class TestNode implements AutoCloseable {

    public final CairnServer server;
    public final KurrentDBClient client;

    private TestNode(CairnServer server) {
        this.server = server;
        this.client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString()));
    }

    /** Maximum append size of test nodes: small, so that limits are cheap to reach. */
    public static final long MAX_APPEND_SIZE = 4L << 20;

    /** Maximum event size of test nodes. */
    public static final long MAX_EVENT_SIZE = 1L << 20;

    /** The options of a test node's store in {@code dir}; an embedded store opened with them behaves alike. */
    public static CairnOptions options(Path dir) {
        // small segments keep the pre-written log files cheap in tests
        return optionsBuilder(dir).build();
    }

    /** The options {@link #start(Path)} uses, to add to. */
    public static CairnOptions.Builder optionsBuilder(Path dir) {
        return CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(MAX_EVENT_SIZE).maxAppendSize(MAX_APPEND_SIZE);
    }

    public static TestNode start(Path dir) {
        return start(options(dir));
    }

    /** A node over a store opened with {@code options} (for example with injected storage faults). */
    public static TestNode start(CairnOptions options) {
        return start(options, ServerLimits.DEFAULTS);
    }

    /** A node over a store opened with {@code options}, serving within {@code limits}. */
    public static TestNode start(CairnOptions options, ServerLimits limits) {
        return new TestNode(CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(),
                options.maxEventSize(), limits));
    }

    public String connectionString() {
        return "kurrentdb://127.0.0.1:" + server.port() + "?tls=false";
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        try {
            client.shutdown().join();
        } finally {
            server.stop();
        }
    }
}
