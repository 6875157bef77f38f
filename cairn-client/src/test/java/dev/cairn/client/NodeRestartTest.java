package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client across a node restart: calls made while the node is down are retried with backoff
 * until it is back, and subscriptions resubscribe after the last event they delivered, so their
 * listeners see every event once, in order.
 */
class NodeRestartTest {

    @TempDir
    Path dir;

    int port;
    volatile CairnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private CairnServer start() {
        CairnOptions options = CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(1L << 20).maxAppendSize(4L << 20).build();
        return CairnServer.start(Cairn.open(options), port, options.maxAppendSize(), options.maxEventSize());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the node, and starts it again on the same port and data after {@code downMillis}. */
    private CompletableFuture<Void> restart(long downMillis) {
        server.stop();
        server = null;
        return CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(downMillis);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            server = start();
        });
    }

    private CairnClient client() {
        return CairnClient.connect("kurrentdb://127.0.0.1:" + port
                + "?tls=false&maxDiscoverAttempts=30&discoveryInterval=50");
    }

    private static List<EventData> events(int n) {
        return IntStream.range(0, n).mapToObj(i -> EventData.json("E", "{\"i\":" + i + "}")).toList();
    }

    @Test
    void aCallMadeWhileTheNodeIsDownSucceedsOnceItIsBack() throws Exception {
        port = freePort();
        server = start();
        StreamName s = StreamName.of("restart");
        try (CairnClient client = client()) {
            client.append(s, StreamState.noStream(), events(2));
            CompletableFuture<Void> back = restart(700);
            assertThat(client.append(s, StreamState.at(1), events(1)).nextExpectedRevision()).isEqualTo(2);
            back.get(30, TimeUnit.SECONDS);
            assertThat(client.readStreamToList(s, ReadStreamOptions.forwards())).hasSize(3);
        }
    }

    @Test
    void aCallFailsWithStoreUnavailableWhenTheNodeStaysAway() throws Exception {
        port = freePort();
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + port
                + "?tls=false&maxDiscoverAttempts=3&discoveryInterval=20")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.append("x", StreamState.any(), events(1).get(0)))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> client.readStreamToList(StreamName.of("x"), ReadStreamOptions.forwards()))
                    .isInstanceOf(StoreUnavailableException.class);
            // backoff: 20 ms, then 40 ms between the three attempts of each call
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(120);
        }
    }

    /** Records events and checks nothing arrives twice. */
    static final class Listener implements SubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger caughtUp = new AtomicInteger();
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();

        @Override
        public void onEvent(Subscription s, ResolvedEvent e) {
            events.add(e);
        }

        @Override
        public void onCaughtUp(Subscription s) {
            caughtUp.incrementAndGet();
        }

        @Override
        public void onStopped(Subscription s, Throwable error) {
            stopped.complete(error);
        }

        void await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (events.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("have " + events.size() + " of " + count + " events");
                }
                Thread.sleep(5);
            }
        }
    }

    @Test
    void subscriptionsResumeAfterTheirLastEventWhenTheNodeComesBack() throws Exception {
        port = freePort();
        server = start();
        StreamName s = StreamName.of("orders-1");
        try (CairnClient client = client()) {
            client.append(s, StreamState.noStream(), events(3));
            Listener toStream = new Listener();
            Listener toAll = new Listener();
            Listener fromEnd = new Listener();
            client.subscribeToStream(s, SubscribeToStreamOptions.fromStart(), toStream);
            client.subscribeToAll(SubscribeToAllOptions.fromStart().filter(EventFilter.streamNamePrefix("orders-")),
                    toAll);
            client.subscribeToStream(s, SubscribeToStreamOptions.fromEnd(), fromEnd);
            toStream.await(3);
            toAll.await(3);

            restart(500).get(30, TimeUnit.SECONDS);
            client.append(s, StreamState.at(2), events(2));
            client.append(StreamName.of("orders-2"), StreamState.noStream(), events(1));

            toStream.await(5);
            toAll.await(6);
            fromEnd.await(2);
            Thread.sleep(200); // anything delivered twice would arrive now
            assertThat(toStream.events).extracting(e -> e.event().revision()).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(toAll.events).extracting(e -> e.event().stream().value() + "@" + e.event().revision())
                    .containsExactly("orders-1@0", "orders-1@1", "orders-1@2", "orders-1@3", "orders-1@4",
                            "orders-2@0");
            assertThat(fromEnd.events).extracting(e -> e.event().revision()).containsExactly(3L, 4L);
            assertThat(toStream.caughtUp).as("caught up is reported once").hasValue(1);
            assertThat(toStream.stopped).isNotDone();
        }
    }

    @Test
    void aSubscriptionWhoseNodeStaysAwayEndsWithStoreUnavailable() throws Exception {
        port = freePort();
        server = start();
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + port
                + "?tls=false&maxDiscoverAttempts=2&discoveryInterval=20")) {
            Listener listener = new Listener();
            client.subscribeToStream(StreamName.of("gone"), SubscribeToStreamOptions.fromStart(), listener);
            server.stop();
            server = null;
            assertThat(listener.stopped.get(30, TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
