package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.protocol.rpc.Code;
import dev.cairn.protocol.shared.MaximumAppendEventSizeExceeded;
import dev.cairn.protocol.shared.StreamDeleted;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.shared.WrongExpectedVersion;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.BatchAppendResp;
import dev.cairn.server.BatchAppends;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** BatchAppend as the Node and .NET clients use it: correlated, chunked, errors as details. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchAppendTest {

    TestNode node;
    ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = TestNode.start(dir);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.close();
    }

    private static UUID correlation() {
        return BatchAppends.correlation();
    }

    private static BatchAppendReq.ProposedMessage message(String type) {
        return BatchAppends.message(type);
    }

    private static BatchAppendReq.Options.Builder options(String stream) {
        return BatchAppends.options(stream);
    }

    private List<BatchAppendResp> call(List<BatchAppendReq> requests) throws Exception {
        return BatchAppends.call(channel, requests);
    }

    @Test
    void appendsChunkedBatchesAndReportsErrorsAsDetails() throws Exception {
        String stream = "batch-" + java.util.UUID.randomUUID();
        UUID first = correlation();
        UUID wrong = correlation();
        List<BatchAppendResp> responses = call(List.of(
                BatchAppendReq.newBuilder().setCorrelationId(first)
                        .setOptions(options(stream).setNoStream(com.google.protobuf.Empty.getDefaultInstance()))
                        .addProposedMessages(message("A")).build(),
                BatchAppendReq.newBuilder().setCorrelationId(first)
                        .addProposedMessages(message("B")).setIsFinal(true).build()));
        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.getCorrelationId()).isEqualTo(first);
            assertThat(r.getSuccess().getCurrentRevision()).isEqualTo(1);
            assertThat(r.getSuccess().getPosition().getCommitPosition()).isPositive();
            assertThat(r.getStreamIdentifier().getStreamName().toStringUtf8()).isEqualTo(stream);
        });

        List<BatchAppendResp> conflict = call(List.of(BatchAppendReq.newBuilder().setCorrelationId(wrong)
                .setOptions(options(stream).setStreamPosition(0)).addProposedMessages(message("C"))
                .setIsFinal(true).build()));
        assertThat(conflict).singleElement().satisfies(r -> {
            assertThat(r.getError().getCode()).isEqualTo(Code.FAILED_PRECONDITION.getNumber());
            WrongExpectedVersion wev = r.getError().getDetails(0).unpack(WrongExpectedVersion.class);
            assertThat(wev.getCurrentStreamRevision()).isEqualTo(1);
            assertThat(wev.getExpectedStreamPosition()).isZero();
            assertThat(r.getStreamPosition()).isZero();
        });
    }

    @Test
    void aTombstonedStreamIsReportedAsStreamDeleted() throws Exception {
        String stream = "batch-deleted-" + java.util.UUID.randomUUID();
        node.client.tombstoneStream(stream).get();
        List<BatchAppendResp> responses = call(List.of(BatchAppendReq.newBuilder().setCorrelationId(correlation())
                .setOptions(options(stream).setAny(com.google.protobuf.Empty.getDefaultInstance()))
                .addProposedMessages(message("A")).setIsFinal(true).build()));
        assertThat(responses).singleElement().satisfies(r -> assertThat(r.getError().getDetails(0)
                .unpack(StreamDeleted.class).getStreamIdentifier().getStreamName().toStringUtf8()).isEqualTo(stream));
    }

    @Test
    void anEventOverTheEventSizeLimitIsReportedWithItsIdAndSize() throws Exception {
        String stream = "batch-big-" + java.util.UUID.randomUUID();
        java.util.UUID id = java.util.UUID.randomUUID();
        BatchAppendReq.ProposedMessage big = message("Big").toBuilder()
                .setId(UUID.newBuilder().setString(id.toString()))
                .setData(ByteString.copyFrom(new byte[(int) TestNode.MAX_EVENT_SIZE])).build();
        List<BatchAppendResp> responses = call(List.of(BatchAppendReq.newBuilder().setCorrelationId(correlation())
                .setOptions(options(stream).setAny(com.google.protobuf.Empty.getDefaultInstance()))
                .addProposedMessages(message("Small")).addProposedMessages(big).setIsFinal(true).build()));
        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.getError().getCode()).isEqualTo(Code.INVALID_ARGUMENT.getNumber());
            MaximumAppendEventSizeExceeded details = r.getError().getDetails(0)
                    .unpack(MaximumAppendEventSizeExceeded.class);
            assertThat(details.getEventId()).isEqualTo(id.toString());
            assertThat(details.getProposedEventSize()).isEqualTo((int) TestNode.MAX_EVENT_SIZE + 6);
            assertThat(details.getMaxAppendEventSize()).isEqualTo((int) TestNode.MAX_EVENT_SIZE);
        });
    }

    @Test
    void aGenerousDeadlineLetsTheBatchThroughAndAnExpiredOneAnswersTimeout() throws Exception {
        String stream = "batch-deadline-" + java.util.UUID.randomUUID();
        UUID generous = correlation();
        List<BatchAppendResp> ok = call(List.of(BatchAppendReq.newBuilder().setCorrelationId(generous)
                .setOptions(options(stream).setAny(com.google.protobuf.Empty.getDefaultInstance())
                        .setDeadline(com.google.protobuf.Duration.newBuilder().setSeconds(30)))
                .addProposedMessages(message("A")).setIsFinal(true).build()));
        assertThat(ok).singleElement().satisfies(r -> assertThat(r.hasSuccess()).isTrue());

        List<BatchAppendResp> late = call(List.of(BatchAppendReq.newBuilder().setCorrelationId(correlation())
                .setOptions(options(stream).setAny(com.google.protobuf.Empty.getDefaultInstance())
                        .setDeadline21100(com.google.protobuf.Timestamp.newBuilder().setSeconds(1)))
                .addProposedMessages(message("B")).setIsFinal(true).build()));
        // an already expired deadline either beats the write (Timeout) or the write is quicker
        assertThat(late).singleElement().satisfies(r -> {
            if (r.hasError()) {
                assertThat(r.getError().getCode()).isEqualTo(Code.DEADLINE_EXCEEDED.getNumber());
                assertThat(r.getError().getDetails(0).is(dev.cairn.protocol.shared.Timeout.class)).isTrue();
            } else {
                assertThat(r.hasSuccess()).isTrue();
            }
        });
    }

    @Test
    void malformedBatchesAnswerBadRequestAndTheCallGoesOn() throws Exception {
        UUID bad = correlation();
        UUID good = correlation();
        String stream = "batch-after-bad-" + java.util.UUID.randomUUID();
        List<BatchAppendResp> responses = call(List.of(
                BatchAppendReq.newBuilder().setCorrelationId(bad).addProposedMessages(message("A"))
                        .setIsFinal(true).build(),
                BatchAppendReq.newBuilder().setCorrelationId(good)
                        .setOptions(options(stream).setAny(com.google.protobuf.Empty.getDefaultInstance()))
                        .addProposedMessages(message("A")).setIsFinal(true).build()));
        assertThat(responses).hasSize(2);
        assertThat(responses).filteredOn(r -> r.getCorrelationId().equals(bad)).singleElement()
                .satisfies(r -> assertThat(r.getError().getCode()).isEqualTo(Code.INVALID_ARGUMENT.getNumber()));
        assertThat(responses).filteredOn(r -> r.getCorrelationId().equals(good)).singleElement()
                .satisfies(r -> assertThat(r.hasSuccess()).isTrue());
    }
}
