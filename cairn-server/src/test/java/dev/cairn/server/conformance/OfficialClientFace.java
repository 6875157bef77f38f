package dev.cairn.server.conformance;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.StreamState;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.MultiStreamAppendResponse;
import io.kurrent.dbclient.RecordSizeExceededException;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamTombstonedException;
import io.kurrent.dbclient.TransactionMaxSizeExceededException;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The official KurrentDB Java client against a node in this process, as a {@link Face}. Every call
 * goes through the client except one: the client (1.1.0) reads {@code $all} only unfiltered (its
 * filters are for subscriptions), so a filtered read sends the client's own generated
 * {@code ReadReq} with the filter option, as the .NET and Python clients send it, and reads the
 * events from the response as the client would.
 *
 * <p>Failures are normalised from the client's exceptions, or from KurrentDB's {@code exception}
 * trailer where the client passes the gRPC status through (a read of a tombstoned stream, a v1
 * append over a size limit).
 */
final class OfficialClientFace implements Face {

    private static final long TIMEOUT_SECONDS = 30;
    private static final Metadata.Key<String> EXCEPTION = trailer("exception");
    private static final Metadata.Key<String> STREAM_NAME = trailer("stream-name");
    private static final Metadata.Key<String> MAXIMUM_APPEND_SIZE = trailer("maximum-append-size");
    private static final Metadata.Key<String> MAXIMUM_APPEND_EVENT_SIZE = trailer("maximum-append-event-size");
    private static final Metadata.Key<String> EVENT_ID = trailer("event-id");
    private static final Metadata.Key<String> PROPOSED_APPEND_EVENT_SIZE = trailer("proposed-append-event-size");

    private final TestNode node;
    private final KurrentDBClient client;
    private final ManagedChannel channel;

    private OfficialClientFace(TestNode node) {
        this.node = node;
        this.client = node.client;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
    }

    static OfficialClientFace start(Path dir) {
        return new OfficialClientFace(TestNode.start(dir));
    }

    @Override
    public String toString() {
        return "official client";
    }

    @Override
    public Written append(String stream, StreamState expected, List<EventData> events) {
        try {
            return written(await(client.appendToStream(stream,
                    AppendToStreamOptions.get().streamState(state(expected)), events(events))));
        } catch (FaceFailure f) {
            throw expectedAsSent(f, expected);
        }
    }

    /**
     * The client (1.1.0) reads a v1 append's wrong expected version without its
     * {@code expected_no_stream} case, so it reports an expected no stream as revision 0, against
     * KurrentDB as against Cairn; ProtocolTest checks the field itself. This puts back what was sent.
     */
    private static FaceFailure expectedAsSent(FaceFailure f, StreamState sent) {
        if (f.failure() instanceof Failure.WrongExpectedVersion w && sent instanceof StreamState.NoStream
                && w.expected().equals(StreamState.at(0))) {
            return new FaceFailure(new Failure.WrongExpectedVersion(w.stream(), sent, w.actual()), f.getCause());
        }
        return f;
    }

    @Override
    public MultiWritten appendMulti(List<AppendRequest> requests) {
        List<AppendStreamRequest> wire = requests.stream().map(r -> new AppendStreamRequest(r.stream().value(),
                events(r.events()), state(r.expected()))).toList();
        MultiStreamAppendResponse response = await(client.multiStreamAppend(wire.iterator()));
        return new MultiWritten(response.getResults().stream()
                .map(r -> r.getStream() + "@" + r.getStreamRevision()).toList(), response.getPosition());
    }

    @Override
    public List<Read> readStream(String stream, ReadStreamOptions options) {
        io.kurrent.dbclient.ReadStreamOptions o = io.kurrent.dbclient.ReadStreamOptions.get()
                .maxCount(options.maxCount()).resolveLinkTos(options.resolveLinks());
        o = options.direction() == ReadDirection.FORWARDS ? o.forwards() : o.backwards();
        if (options.from().isEnd()) {
            o = o.fromEnd();
        } else if (options.from().equals(StreamRevision.START)) {
            o = o.fromStart();
        } else {
            o = o.fromRevision(options.from().value());
        }
        return await(client.readStream(stream, o)).getEvents().stream().map(OfficialClientFace::read).toList();
    }

    @Override
    public List<Read> readAll(ReadAllOptions options) {
        if (options.filter() != null) {
            return readAllFiltered(options);
        }
        io.kurrent.dbclient.ReadAllOptions o = io.kurrent.dbclient.ReadAllOptions.get()
                .maxCount(options.maxCount()).resolveLinkTos(options.resolveLinks());
        o = options.direction() == ReadDirection.FORWARDS ? o.forwards() : o.backwards();
        if (options.from().isEnd()) {
            o = o.fromEnd();
        } else if (options.from().equals(Position.START)) {
            o = o.fromStart();
        } else {
            o = o.fromPosition(new io.kurrent.dbclient.Position(options.from().commit(), options.from().prepare()));
        }
        return await(client.readAll(o)).getEvents().stream().map(OfficialClientFace::read).toList();
    }

    @Override
    public Position delete(String stream, StreamState expected) {
        return position(await(client.deleteStream(stream, DeleteStreamOptions.get().streamState(state(expected))))
                .getPosition());
    }

    @Override
    public Position tombstone(String stream, StreamState expected) {
        return position(await(client.tombstoneStream(stream,
                DeleteStreamOptions.get().streamState(state(expected)))).getPosition());
    }

    @Override
    public StreamMetadata getMetadata(String stream) {
        io.kurrent.dbclient.StreamMetadata m = await(client.getStreamMetadata(stream));
        if (m.getAcl() != null) {
            throw new AssertionError("this face does not map ACLs; the scenario set one on " + stream);
        }
        return new StreamMetadata(m.getMaxCount(), seconds(m.getMaxAge()), m.getTruncateBefore(),
                seconds(m.getCacheControl()), null, m.getCustomProperties());
    }

    @Override
    public Written setMetadata(String stream, StreamState expectedMetastream, StreamMetadata metadata) {
        if (metadata.acl() != null) {
            throw new AssertionError("this face does not map ACLs; set none on " + stream);
        }
        io.kurrent.dbclient.StreamMetadata m = new io.kurrent.dbclient.StreamMetadata();
        m.setMaxCount(metadata.maxCount());
        m.setMaxAge(metadata.maxAge() == null ? null : metadata.maxAge().toSeconds());
        m.setTruncateBefore(metadata.truncateBefore());
        m.setCacheControl(metadata.cacheControl() == null ? null : metadata.cacheControl().toSeconds());
        m.setCustomProperties(metadata.custom().isEmpty() ? null : metadata.custom());
        try {
            return written(await(client.setStreamMetadata(stream,
                    AppendToStreamOptions.get().streamState(state(expectedMetastream)), m)));
        } catch (FaceFailure f) {
            throw expectedAsSent(f, expectedMetastream);
        }
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            node.close();
        }
    }

    // ---- the filtered read of $all, below the client ----

    private List<Read> readAllFiltered(ReadAllOptions options) {
        ReadReq.Options.AllOptions.Builder all = ReadReq.Options.AllOptions.newBuilder();
        if (options.from().isEnd()) {
            all.setEnd(Shared.Empty.getDefaultInstance());
        } else if (options.from().equals(Position.START)) {
            all.setStart(Shared.Empty.getDefaultInstance());
        } else {
            all.setPosition(ReadReq.Options.Position.newBuilder().setCommitPosition(options.from().commit())
                    .setPreparePosition(options.from().prepare()));
        }
        EventFilter f = options.filter();
        ReadReq.Options.FilterOptions.Expression.Builder expression = ReadReq.Options.FilterOptions.Expression
                .newBuilder().addAllPrefix(f.prefixes());
        if (f.regex() != null) {
            expression.setRegex(f.regex());
        }
        ReadReq.Options.FilterOptions.Builder filter = ReadReq.Options.FilterOptions.newBuilder()
                .setCount(Shared.Empty.getDefaultInstance()).setCheckpointIntervalMultiplier(1);
        if (f.target() == EventFilter.Target.STREAM_NAME) {
            filter.setStreamIdentifier(expression);
        } else {
            filter.setEventType(expression);
        }
        ReadReq request = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                .setAll(all)
                .setReadDirection(options.direction() == ReadDirection.FORWARDS
                        ? ReadReq.Options.ReadDirection.Forwards : ReadReq.Options.ReadDirection.Backwards)
                .setResolveLinks(options.resolveLinks())
                .setCount(options.maxCount())
                .setFilter(filter)
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Shared.Empty.getDefaultInstance()))
                .setControlOption(ReadReq.Options.ControlOption.newBuilder().setCompatibility(1)))
                .build();
        List<Read> reads = new ArrayList<>();
        try {
            Iterator<ReadResp> responses = StreamsGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS).read(request);
            while (responses.hasNext()) {
                ReadResp r = responses.next();
                if (r.hasEvent()) {
                    reads.add(read(r.getEvent()));
                }
            }
        } catch (StatusRuntimeException e) {
            throw normalise(e);
        }
        return reads;
    }

    private static Read read(ReadResp.ReadEvent wire) {
        Event event = wire.hasEvent() ? event(wire.getEvent()) : null;
        Event link = wire.hasLink() ? event(wire.getLink()) : null;
        // the client's ResolvedEvent takes the commit position for both parts, as here
        Position position = wire.hasNoPosition() ? null
                : Position.of(wire.getCommitPosition(), wire.getCommitPosition());
        return new Read(event, link, position);
    }

    private static Event event(ReadResp.ReadEvent.RecordedEvent e) {
        Shared.UUID.Structured id = e.getId().getStructured();
        long ticks = Long.parseLong(e.getMetadataOrThrow("created"));
        return new Event(e.getStreamIdentifier().getStreamName().toStringUtf8(), e.getStreamRevision(),
                new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()), e.getMetadataOrThrow("type"),
                e.getMetadataOrThrow("content-type"), e.getData().toStringUtf8(), e.getCustomMetadata().toStringUtf8(),
                Instant.ofEpochSecond(ticks / 10_000_000, (ticks % 10_000_000) * 100),
                Position.of(e.getCommitPosition(), e.getPreparePosition()));
    }

    // ---- conversions ----

    private static Iterator<io.kurrent.dbclient.EventData> events(List<EventData> events) {
        return events.stream().map(e -> EventDataBuilder.binary(e.id(), e.type().value(), e.data(),
                e.contentType() == ContentType.JSON).metadataAsBytes(e.metadata()).build()).iterator();
    }

    private static io.kurrent.dbclient.StreamState state(StreamState state) {
        return switch (state) {
            case StreamState.Any a -> io.kurrent.dbclient.StreamState.any();
            case StreamState.NoStream n -> io.kurrent.dbclient.StreamState.noStream();
            case StreamState.StreamExists s -> io.kurrent.dbclient.StreamState.streamExists();
            case StreamState.AtRevision r -> io.kurrent.dbclient.StreamState.streamRevision(r.revision());
            case StreamState.Deleted d -> throw new IllegalArgumentException("the official client has no " + d);
            case StreamState.Tombstoned t -> throw new IllegalArgumentException("the official client has no " + t);
        };
    }

    private static StreamState state(io.kurrent.dbclient.StreamState state) {
        long raw = state.toRawLong();
        if (raw >= 0) {
            return StreamState.at(raw);
        }
        return switch ((int) raw) {
            case -1 -> StreamState.noStream();
            case -2 -> StreamState.any();
            case -4 -> StreamState.streamExists();
            default -> throw new IllegalArgumentException("not a stream state: " + raw);
        };
    }

    private static Written written(WriteResult result) {
        return new Written(result.getNextExpectedRevision().toRawLong(),
                result.getLogPosition() == null ? null : position(result.getLogPosition()));
    }

    private static Position position(io.kurrent.dbclient.Position p) {
        return Position.of(p.getCommitUnsigned(), p.getPrepareUnsigned());
    }

    private static Duration seconds(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    private static Read read(ResolvedEvent r) {
        return new Read(event(r.getEvent()), event(r.getLink()), r.getPosition().map(OfficialClientFace::position)
                .orElse(null));
    }

    private static Event event(RecordedEvent e) {
        if (e == null) {
            return null;
        }
        return new Event(e.getStreamId(), e.getRevision(), e.getEventId(), e.getEventType(), e.getContentType(),
                new String(e.getEventData(), StandardCharsets.UTF_8),
                new String(e.getUserMetadata(), StandardCharsets.UTF_8), e.getCreated(), position(e.getPosition()));
    }

    // ---- failures ----

    private static <T> T await(Future<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw normalise(e);
        }
    }

    /** The failure as a {@link FaceFailure} when it is one a scenario may expect, else as it is. */
    private static RuntimeException normalise(Throwable failure) {
        Throwable t = failure;
        // the client wraps in ExecutionException; getStreamMetadata adds RuntimeException(CompletionException)
        while ((t instanceof ExecutionException || t instanceof CompletionException
                || t.getClass() == RuntimeException.class) && t.getCause() != null) {
            t = t.getCause();
        }
        Failure normalised = switch (t) {
            case WrongExpectedVersionException e ->
                    new Failure.WrongExpectedVersion(e.getStreamName(), state(e.getExpectedState()),
                            state(e.getActualState()));
            case StreamDeletedException e -> new Failure.StreamDeleted(e.getStreamName());
            case StreamTombstonedException e -> new Failure.StreamDeleted(e.getStreamName());
            case StreamNotFoundException e -> new Failure.StreamNotFound(e.getStreamName());
            case RecordSizeExceededException e ->
                    new Failure.MaximumAppendEventSizeExceeded(UUID.fromString(e.getRecordId()), e.getSize(),
                            e.getMaxSize());
            case TransactionMaxSizeExceededException e -> new Failure.MaximumAppendSizeExceeded(e.getMaxSize());
            case StatusRuntimeException e -> fromTrailers(e);
            default -> null;
        };
        if (normalised != null) {
            return new FaceFailure(normalised, t);
        }
        return t instanceof RuntimeException re ? re : new IllegalStateException(t);
    }

    /** KurrentDB's trailers on a status the client passes through as it is. */
    private static Failure fromTrailers(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        String exception = trailers == null ? null : trailers.get(EXCEPTION);
        if (exception == null) {
            return null;
        }
        return switch (exception) {
            case "stream-deleted" -> new Failure.StreamDeleted(trailers.get(STREAM_NAME));
            case "maximum-append-size-exceeded" ->
                    new Failure.MaximumAppendSizeExceeded(Long.parseLong(trailers.get(MAXIMUM_APPEND_SIZE)));
            case "maximum-append-event-size-exceeded" -> new Failure.MaximumAppendEventSizeExceeded(
                    UUID.fromString(trailers.get(EVENT_ID)), Long.parseLong(trailers.get(PROPOSED_APPEND_EVENT_SIZE)),
                    Long.parseLong(trailers.get(MAXIMUM_APPEND_EVENT_SIZE)));
            default -> null;
        };
    }

    private static Metadata.Key<String> trailer(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
