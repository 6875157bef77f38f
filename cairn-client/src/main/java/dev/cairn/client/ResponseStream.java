package dev.cairn.client;

import dev.cairn.api.StoreUnavailableException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The responses of a server-streaming call as a blocking iterator with a window: the node may send
 * up to {@link #WINDOW} messages ahead of the consumer, and each message taken asks for one more.
 * That keeps a read streaming at full speed (grpc-java's own blocking iterator asks for one message
 * at a time, a round trip per event) while a slow consumer still holds the node back after
 * {@code WINDOW} messages: the client never buffers more than that.
 *
 * <p>{@link #hasNext()} throws the call's failure as a {@link io.grpc.StatusRuntimeException}.
 * Consumed by one thread; {@link #close()} (cancel) may be called from any thread.
 */
final class ResponseStream<T> implements Iterator<T>, AutoCloseable {

    static final int WINDOW = 64;

    /** The end of the call, queued after its last message. */
    private record End(Status status, Metadata trailers) {
    }

    private final ClientCall<?, T> call;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private Object head;

    private ResponseStream(ClientCall<?, T> call) {
        this.call = call;
    }

    /** Starts {@code method} with {@code request} on {@code channel}. */
    static <Q, T> ResponseStream<T> start(Channel channel, MethodDescriptor<Q, T> method, Q request) {
        ClientCall<Q, T> call = channel.newCall(method, CallOptions.DEFAULT);
        ResponseStream<T> stream = new ResponseStream<>(call);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(T message) {
                stream.queue.add(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                stream.queue.add(new End(status, trailers));
            }
        }, new Metadata());
        try {
            call.sendMessage(request);
            call.halfClose();
            call.request(WINDOW);
        } catch (RuntimeException e) {
            call.cancel("failed to start", e);
            throw e;
        }
        return stream;
    }

    @Override
    public boolean hasNext() {
        if (head == null) {
            try {
                head = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new StoreUnavailableException("interrupted while waiting for the node", e);
            }
        }
        if (head instanceof End end) {
            if (end.status().isOk()) {
                return false;
            }
            throw end.status().asRuntimeException(end.trailers());
        }
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        @SuppressWarnings("unchecked")
        T message = (T) head;
        head = null;
        call.request(1);
        return message;
    }

    /** Cancels the call; the consumer then sees it end with CANCELLED. Idempotent. */
    @Override
    public void close() {
        call.cancel("closed by the client", null);
    }
}
