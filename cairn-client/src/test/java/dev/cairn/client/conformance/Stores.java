package dev.cairn.client.conformance;

import dev.cairn.api.EventStore;
import dev.cairn.client.CairnClient;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The two implementations under test, opened alike: an embedded store, and a client talking to a
 * node (started in this JVM) over its own embedded store. Both use the same size limits, so that
 * the limit tests mean the same thing. One of each is shared by every contract class of a run and
 * closed when the test JVM exits; streams are named uniquely per test.
 */
final class Stores {

    static final long MAX_EVENT_SIZE = 256 << 10;
    static final long MAX_APPEND_SIZE = 1 << 20;

    private static EventStore embedded;
    private static Remote remote;

    private Stores() {
    }

    static CairnOptions options(Path dir) {
        return CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(MAX_EVENT_SIZE)
                .maxAppendSize(MAX_APPEND_SIZE).build();
    }

    static synchronized EventStore embedded() {
        if (embedded == null) {
            Path dir = tempDir("cairn-contract-embedded");
            embedded = Cairn.open(options(dir));
            EventStore store = embedded;
            closeAtEnd(() -> {
                store.close();
                delete(dir);
            });
        }
        return embedded;
    }

    static synchronized Remote remote() {
        if (remote == null) {
            Path dir = tempDir("cairn-contract-remote");
            remote = Remote.start(dir);
            Remote r = remote;
            closeAtEnd(() -> {
                r.close();
                delete(dir);
            });
        }
        return remote;
    }

    /** A node over a store in {@code dir}, and a client connected to it. */
    record Remote(CairnServer server, CairnClient client) implements AutoCloseable {
        static Remote start(Path dir) {
            CairnOptions options = options(dir);
            CairnServer server = CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(),
                    options.maxEventSize());
            return new Remote(server, CairnClient.connect(connectionString(server.port())));
        }

        static String connectionString(int port) {
            return "kurrentdb://127.0.0.1:" + port + "?tls=false";
        }

        @Override
        public void close() {
            try {
                client.close();
            } finally {
                server.stop();
            }
        }
    }

    /** Shared stores live for the whole test JVM; they are closed when it exits. */
    private static void closeAtEnd(Runnable close) {
        Runtime.getRuntime().addShutdownHook(new Thread(close, "close-contract-store"));
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a run for
        }
    }
}
