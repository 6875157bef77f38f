package dev.cairn.server.conformance;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.Cairn;
import dev.cairn.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** The embedded store ({@code Cairn.open}) as a {@link Face}, opened with a test node's options. */
final class EmbeddedFace implements Face {

    private final EventStore store;

    private EmbeddedFace(EventStore store) {
        this.store = store;
    }

    static EmbeddedFace open(Path dir) {
        return new EmbeddedFace(Cairn.open(TestNode.options(dir)));
    }

    @Override
    public String toString() {
        return "embedded";
    }

    @Override
    public Written append(String stream, StreamState expected, List<EventData> events) {
        return call(() -> written(store.append(StreamName.of(stream), expected, events)));
    }

    @Override
    public MultiWritten appendMulti(List<AppendRequest> requests) {
        return call(() -> {
            MultiAppendResult result = store.append(requests);
            return new MultiWritten(result.results().stream()
                    .map(r -> r.stream().value() + "@" + r.nextExpectedRevision()).toList(),
                    result.position().commit());
        });
    }

    @Override
    public List<Read> readStream(String stream, ReadStreamOptions options) {
        return call(() -> store.readStreamToList(StreamName.of(stream), options).stream()
                .map(EmbeddedFace::read).toList());
    }

    @Override
    public List<Read> readAll(ReadAllOptions options) {
        return call(() -> store.readAllToList(options).stream().map(EmbeddedFace::read).toList());
    }

    @Override
    public Position delete(String stream, StreamState expected) {
        return call(() -> store.delete(StreamName.of(stream), expected).position());
    }

    @Override
    public Position tombstone(String stream, StreamState expected) {
        return call(() -> store.tombstone(StreamName.of(stream), expected).position());
    }

    @Override
    public StreamMetadata getMetadata(String stream) {
        return call(() -> store.getStreamMetadata(StreamName.of(stream)).metadata());
    }

    @Override
    public Written setMetadata(String stream, StreamState expectedMetastream, StreamMetadata metadata) {
        return call(() -> written(store.setStreamMetadata(StreamName.of(stream), expectedMetastream, metadata)));
    }

    @Override
    public void close() {
        store.close();
    }

    private static Written written(AppendResult result) {
        // an append of no events to a stream without any writes nothing, so has no position
        return new Written(result.nextExpectedRevision(), result.nextExpectedRevision() < 0 ? null : result.position());
    }

    private static Read read(ResolvedEvent r) {
        return new Read(event(r.event()), event(r.link()), r.position());
    }

    private static Event event(RecordedEvent e) {
        if (e == null) {
            return null;
        }
        return new Event(e.stream().value(), e.revision(), e.id(), e.type().value(), e.contentType().mimeType(),
                e.dataAsString(), new String(e.metadata(), StandardCharsets.UTF_8), e.created(), e.position());
    }

    /** Runs a call, turning the API's expected failures into {@link FaceFailure}s. */
    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (WrongExpectedVersionException e) {
            throw new FaceFailure(new Failure.WrongExpectedVersion(e.stream().value(), e.expected(), e.actual()), e);
        } catch (StreamDeletedException e) {
            throw new FaceFailure(new Failure.StreamDeleted(e.stream().value()), e);
        } catch (StreamNotFoundException e) {
            throw new FaceFailure(new Failure.StreamNotFound(e.stream().value()), e);
        } catch (MaximumAppendEventSizeExceededException e) {
            throw new FaceFailure(
                    new Failure.MaximumAppendEventSizeExceeded(e.eventId(), e.size(), e.maxEventSize()), e);
        } catch (MaximumAppendSizeExceededException e) {
            throw new FaceFailure(new Failure.MaximumAppendSizeExceeded(e.maxAppendSize()), e);
        }
    }
}
