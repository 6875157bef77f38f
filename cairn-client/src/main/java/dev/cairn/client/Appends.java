package dev.cairn.client;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.EventData;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.protocol.v2.streams.AppendRecordsRequest;
import dev.cairn.protocol.v2.streams.AppendRecordsResponse;
import dev.cairn.protocol.v2.streams.AppendResponse;
import dev.cairn.protocol.v2.streams.AppendSessionResponse;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The three appends over the wire: v1 {@code Append} for one stream (exact metadata bytes), v2
 * {@code AppendSession} for an atomic multi-stream append and v2 {@code AppendRecords} for records
 * with consistency checks, the v2 calls only on nodes whose {@code ServerFeatures} list them.
 * Stateless; each call keeps its own state.
 */
final class Appends {

    private Appends() {
    }

    /** A stub with the call's headers and deadline. */
    interface Stubs {
        StreamsGrpc.StreamsStub v1(Node node);

        StreamsServiceGrpc.StreamsServiceStub v2(Node node);
    }

    static CompletableFuture<AppendResult> append(Stubs stubs, Node node, StreamName stream, StreamState expected,
            List<EventData> events) {
        SingleResponse<AppendResp> response = new SingleResponse<>();
        StreamObserver<AppendReq> requests = stubs.v1(node).append(response);
        try {
            AppendReq.Options.Builder o = AppendReq.Options.newBuilder().setStreamIdentifier(Proto.streamIdentifier(stream));
            switch (expected) {
                case StreamState.Any a -> o.setAny(Proto.EMPTY);
                case StreamState.NoStream n -> o.setNoStream(Proto.EMPTY);
                case StreamState.StreamExists s -> o.setStreamExists(Proto.EMPTY);
                case StreamState.AtRevision r -> o.setRevision(r.revision());
                case StreamState.Deleted d -> d.requireWritable(); // throws: only a check expects it
                case StreamState.Tombstoned t -> t.requireWritable(); // throws: only a check expects it
            }
            requests.onNext(AppendReq.newBuilder().setOptions(o).build());
            for (EventData e : events) {
                requests.onNext(AppendReq.newBuilder().setProposedMessage(Proto.proposedMessage(e)).build());
            }
            requests.onCompleted();
        } catch (RuntimeException e) {
            requests.onError(e);
            return CompletableFuture.failedFuture(e);
        }
        return response.future.thenApply(r -> result(stream, expected, r));
    }

    private static AppendResult result(StreamName stream, StreamState expected, AppendResp r) {
        if (r.hasWrongExpectedVersion()) {
            AppendResp.WrongExpectedVersion w = r.getWrongExpectedVersion();
            long actual = w.hasCurrentRevision() ? w.getCurrentRevision()
                    : w.hasCurrentRevision2060() ? w.getCurrentRevision2060() : -1;
            throw new WrongExpectedVersionException(stream, expected, StreamState.actual(actual));
        }
        AppendResp.Success s = r.getSuccess();
        long revision = s.hasCurrentRevision() ? s.getCurrentRevision() : -1;
        Position position = s.hasPosition()
                ? Position.of(s.getPosition().getCommitPosition(), s.getPosition().getPreparePosition())
                : Position.START;
        return new AppendResult(stream, revision, position);
    }

    static CompletableFuture<MultiAppendResult> appendSession(Stubs stubs, Node node, List<AppendRequest> requests) {
        if (!node.supports(Node.V2_STREAMS, "AppendSession")) {
            return CompletableFuture.failedFuture(new UnsupportedFeatureException("multi-stream append (AppendSession, "
                    + "KurrentDB 25.1)", node));
        }
        List<dev.cairn.protocol.v2.streams.AppendRequest> messages = new ArrayList<>(requests.size());
        try {
            if (requests.isEmpty()) {
                throw new InvalidArgumentException("a multi-stream append needs at least one stream");
            }
            for (AppendRequest r : requests) {
                dev.cairn.protocol.v2.streams.AppendRequest.Builder b = dev.cairn.protocol.v2.streams.AppendRequest
                        .newBuilder().setStream(r.stream().value()).setExpectedRevision(Errors.raw(r.expected()));
                for (EventData e : r.events()) {
                    b.addRecords(Proto.appendRecord(e, null));
                }
                messages.add(b.build());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        SingleResponse<AppendSessionResponse> response = new SingleResponse<>();
        StreamObserver<dev.cairn.protocol.v2.streams.AppendRequest> out = stubs.v2(node).appendSession(response);
        messages.forEach(out::onNext);
        out.onCompleted();
        return response.future.thenApply(r -> {
            Position position = Position.of(r.getPosition(), r.getPosition());
            List<AppendResult> results = new ArrayList<>();
            for (AppendResponse o : r.getOutputList()) {
                long at = o.hasPosition() ? o.getPosition() : -1;
                results.add(new AppendResult(StreamName.of(o.getStream()), o.getStreamRevision(),
                        at >= 0 ? Position.of(at, at) : position));
            }
            return new MultiAppendResult(results, position);
        });
    }

    static CompletableFuture<MultiAppendResult> appendRecords(Stubs stubs, Node node, List<AppendRecord> records,
            List<ConsistencyCheck> checks) {
        if (!node.supports(Node.V2_STREAMS, "AppendRecords")) {
            return CompletableFuture.failedFuture(new UnsupportedFeatureException("appends with consistency checks "
                    + "(AppendRecords, KurrentDB 26.1)", node));
        }
        AppendRecordsRequest.Builder b = AppendRecordsRequest.newBuilder();
        try {
            for (AppendRecord r : records) {
                b.addRecords(Proto.appendRecord(r.event(), r.stream()));
            }
            for (ConsistencyCheck c : checks == null ? List.<ConsistencyCheck>of() : checks) {
                b.addChecks(dev.cairn.protocol.v2.streams.ConsistencyCheck.newBuilder().setStreamState(
                        dev.cairn.protocol.v2.streams.ConsistencyCheck.StreamStateCheck.newBuilder()
                                .setStream(c.stream().value()).setExpectedState(Errors.raw(c.expected()))));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        SingleResponse<AppendRecordsResponse> response = new SingleResponse<>();
        stubs.v2(node).appendRecords(b.build(), response);
        return response.future.thenApply(r -> {
            Position position = Position.of(r.getPosition(), r.getPosition());
            List<AppendResult> results = new ArrayList<>();
            for (dev.cairn.protocol.v2.streams.StreamRevision rev : r.getRevisionsList()) {
                results.add(new AppendResult(StreamName.of(rev.getStream()), rev.getRevision(), position));
            }
            return new MultiAppendResult(results, position);
        });
    }

    /** Collects the one response of a call whose server answers once. */
    static final class SingleResponse<T> implements StreamObserver<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            future.complete(value);
        }

        @Override
        public void onError(Throwable t) {
            future.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            if (!future.isDone()) {
                future.completeExceptionally(io.grpc.Status.INTERNAL
                        .withDescription("the node ended the call without an answer").asRuntimeException());
            }
        }
    }
}
