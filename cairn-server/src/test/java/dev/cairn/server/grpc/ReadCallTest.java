package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import io.grpc.stub.ServerCallStreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How far a Read call runs ahead of its transport. Outside a served call {@link CallThreads} runs
 * the reader's and the event loop's tasks in place, so each step of the call can be watched from
 * one thread.
 */
class ReadCallTest {

    private static final int BATCHES = 5;
    private static final int EVENTS = BATCHES * ReadCall.BATCH_EVENTS;

    @Test
    void aTransportThatIsNotReadyGetsOneBatchPerOnReady(@TempDir Path dir) throws Exception {
        try (EventStore store = filled(dir)) {
            Transport transport = new Transport(false);

            ReadCall.start(store, readAll(), transport, Set.of(), null);

            assertThat(transport.events).as("sent before the transport was ready").hasSize(ReadCall.BATCH_EVENTS);
            for (int batch = 2; batch <= BATCHES; batch++) {
                transport.onReady.run();
                assertThat(transport.events).as("after on-ready %d", batch - 1)
                        .hasSize(batch * ReadCall.BATCH_EVENTS);
            }
            assertThat(transport.completed).as("the read's end is not known until it is read").isFalse();
            transport.onReady.run();
            assertThat(transport.completed).isTrue();
            assertThat(transport.events).hasSize(EVENTS);
        }
    }

    @Test
    void aReadyTransportGetsTheWholeReadInOrder(@TempDir Path dir) throws Exception {
        try (EventStore store = filled(dir)) {
            Transport transport = new Transport(true);

            ReadCall.start(store, readAll(), transport, Set.of(), null);

            assertThat(transport.completed).isTrue();
            List<Long> expected = new ArrayList<>();
            for (long n = 0; n < EVENTS; n++) {
                expected.add(n);
            }
            assertThat(transport.events).containsExactlyElementsOf(expected);
        }
    }

    private static EventStore filled(Path dir) {
        EventStore store = Cairn.open(dir);
        for (int i = 0; i < EVENTS; i++) {
            store.append("stream-" + i % 7, StreamState.any(), EventData.json("Counted", "{\"n\":" + i + "}"));
        }
        return store;
    }

    private static ReadReq readAll() {
        return ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                .setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Empty.getDefaultInstance()))
                .setReadDirection(ReadReq.Options.ReadDirection.Forwards)
                .setCount(Long.MAX_VALUE)
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Empty.getDefaultInstance()))
                .setNoFilter(Empty.getDefaultInstance())).build();
    }

    /** A transport that is always or never ready; it keeps each event's {@code n}. */
    private static final class Transport extends ServerCallStreamObserver<Message> {
        private final boolean ready;
        final List<Long> events = new ArrayList<>();
        Runnable onReady;
        boolean completed;

        Transport(boolean ready) {
            this.ready = ready;
        }

        @Override
        public void onNext(Message message) {
            try {
                ReadResp resp = ReadResp.parseFrom(message.toByteString());
                String json = resp.getEvent().getEvent().getData().toStringUtf8();
                events.add(Long.parseLong(json.replaceAll("\\D", "")));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
            onReady = handler;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }
}
