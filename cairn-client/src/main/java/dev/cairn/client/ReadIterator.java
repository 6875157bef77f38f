package dev.cairn.client;

import dev.cairn.api.EventIterator;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.protocol.streams.ReadResp;
import io.grpc.StatusRuntimeException;
import java.util.NoSuchElementException;

/**
 * The events of one {@code Read} call, pulled from the node as they are consumed through a
 * {@link ResponseStream}, so a huge read never holds more than its window. Opening reads up to the
 * first event, so that a missing stream fails the call that opened the read, as in the embedded
 * store.
 *
 * <p>Not thread-safe, like every {@link EventIterator}. {@link #close()} cancels the call.
 */
final class ReadIterator implements EventIterator {

    private final ResponseStream<ReadResp> responses;
    private final StreamName stream;
    private ResolvedEvent next;
    private boolean done;

    private ReadIterator(ResponseStream<ReadResp> responses, StreamName stream) {
        this.responses = responses;
        this.stream = stream;
    }

    /**
     * Reads {@code responses} up to the first event.
     *
     * @param stream the stream read, or null for {@code $all}
     * @throws StatusRuntimeException as the node answered, for the caller to map or retry
     */
    static ReadIterator open(ResponseStream<ReadResp> responses, StreamName stream) {
        ReadIterator read = new ReadIterator(responses, stream);
        try {
            read.advance();
        } catch (RuntimeException e) {
            read.close();
            throw e;
        }
        return read;
    }

    /** Reads up to the next event, or to the end; {@code next} stays null at the end. */
    private void advance() {
        while (next == null && !done && responses.hasNext()) {
            ReadResp r = responses.next();
            switch (r.getContentCase()) {
                case EVENT -> next = Proto.resolvedEvent(r.getEvent());
                case STREAM_NOT_FOUND -> {
                    close();
                    throw new StreamNotFoundException(stream != null ? stream
                            : StreamName.of(r.getStreamNotFound().getStreamIdentifier().getStreamName().toStringUtf8()));
                }
                default -> {
                    // positions and other markers carry nothing a reader needs
                }
            }
        }
        if (next == null) {
            close();
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                advance();
            } catch (StatusRuntimeException failure) {
                close();
                throw Errors.fromStatus(failure);
            }
        }
        return next != null;
    }

    @Override
    public ResolvedEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ResolvedEvent e = next;
        next = null;
        return e;
    }

    @Override
    public void close() {
        next = null;
        if (!done) {
            done = true;
            responses.close();
        }
    }
}
