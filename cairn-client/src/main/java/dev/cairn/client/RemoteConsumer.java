package dev.cairn.client;

import com.google.protobuf.ByteString;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.NackAction;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamName;
import dev.cairn.protocol.persistentsubscriptions.PersistentSubscriptionsGrpc;
import dev.cairn.protocol.persistentsubscriptions.ReadReq;
import dev.cairn.protocol.persistentsubscriptions.ReadResp;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a persistent subscription group over gRPC: a bidirectional {@code Read} call
 * that sends the options, then acks and nacks, and receives the confirmation and events. Events
 * are handed to the listener on the consumer's own virtual thread, one at a time; the node sends
 * no more than the buffer size unacknowledged, and the call asks for messages only as the listener
 * takes them.
 *
 * <p>A consumer whose node goes away ends with {@link StoreUnavailableException}: the group keeps
 * its events and gives them to the consumers still connected, so an application joins again (as
 * with KurrentDB's clients, which do not rejoin by themselves).
 *
 * <p>Thread-safe: ack, nack and stop may be called from any thread.
 */
final class RemoteConsumer implements PersistentSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteConsumer.class);

    private record End(Status status, Metadata trailers) {
    }

    private final ClientCall<ReadReq, ReadResp> call;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final PersistentSubscriptionListener listener;
    private final String group;
    private final StreamName source;
    private Runnable onEnd = () -> { };
    private volatile String id;
    private volatile boolean stopped;
    private volatile Throwable stopError;

    private RemoteConsumer(ClientCall<ReadReq, ReadResp> call, StreamName source, String group,
            PersistentSubscriptionListener listener) {
        this.call = call;
        this.source = source;
        this.group = group;
        this.listener = listener;
    }

    /**
     * Joins the group and returns once the node confirmed.
     *
     * @throws StatusRuntimeException as the node answered, for the caller to map or retry
     */
    static RemoteConsumer start(Channel channel, StreamName source, String group, ConsumerOptions options,
            PersistentSubscriptionListener listener, java.util.Set<RemoteConsumer> registry) {
        ClientCall<ReadReq, ReadResp> call = channel.newCall(PersistentSubscriptionsGrpc.getReadMethod(),
                CallOptions.DEFAULT);
        RemoteConsumer consumer = new RemoteConsumer(call, source, group, listener);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("connection-name", Metadata.ASCII_STRING_MARSHALLER), options.connectionName());
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(ReadResp message) {
                consumer.inbox.add(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                consumer.inbox.add(new End(status, trailers));
            }
        }, headers);
        ReadReq.Options.Builder o = ReadReq.Options.newBuilder().setGroupName(group)
                .setBufferSize(options.bufferSize())
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Proto.EMPTY));
        if (source.isAll()) {
            o.setAll(Proto.EMPTY);
        } else {
            o.setStreamIdentifier(Proto.streamIdentifier(source));
        }
        call.sendMessage(ReadReq.newBuilder().setOptions(o).build());
        call.request(options.bufferSize() + 1);
        consumer.awaitConfirmation();
        consumer.onEnd = () -> registry.remove(consumer);
        registry.add(consumer);
        Thread.ofVirtual().name("cairn-client-consumer-" + group).start(consumer::deliver);
        return consumer;
    }

    private void awaitConfirmation() {
        Object first = take();
        if (first instanceof End end) {
            throw end.status().asRuntimeException(end.trailers());
        }
        ReadResp r = (ReadResp) first;
        if (!r.hasSubscriptionConfirmation()) {
            call.cancel("no confirmation", null);
            throw Status.INTERNAL.withDescription("the node sent an event before confirming the subscription")
                    .asRuntimeException();
        }
        id = r.getSubscriptionConfirmation().getSubscriptionId();
        call.request(1);
    }

    private Object take() {
        try {
            return inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel("interrupted", e);
            throw new StoreUnavailableException("interrupted while waiting for the node", e);
        }
    }

    private void deliver() {
        Throwable error = null;
        try {
            while (true) {
                Object next = take();
                if (next instanceof End end) {
                    if (!stopped && !end.status().isOk()) {
                        error = Errors.fromStatus(end.status().asRuntimeException(end.trailers()));
                    }
                    break;
                }
                ReadResp r = (ReadResp) next;
                if (!stopped && r.hasEvent()) {
                    ReadResp.ReadEvent e = r.getEvent();
                    int retryCount = e.hasRetryCount() ? e.getRetryCount() : 0;
                    try {
                        listener.onEvent(this, Proto.resolvedEvent(toStreamsEvent(e)), retryCount);
                    } catch (RuntimeException | Error failure) {
                        error = failure;
                        stop();
                    }
                }
                call.request(1);
            }
        } catch (RuntimeException e) {
            error = stopped ? null : e;
        } finally {
            onEnd.run();
            try {
                listener.onStopped(this, error != null ? error : stopError);
            } catch (RuntimeException e) {
                LOG.warn("consumer of {}::{}: onStopped threw", source, group, e);
            }
        }
    }

    /** The persistent read event has the same shape as a streams read event; convert through it. */
    private static dev.cairn.protocol.streams.ReadResp.ReadEvent toStreamsEvent(ReadResp.ReadEvent e) {
        dev.cairn.protocol.streams.ReadResp.ReadEvent.Builder b = dev.cairn.protocol.streams.ReadResp.ReadEvent
                .newBuilder();
        if (e.hasEvent()) {
            b.setEvent(recorded(e.getEvent()));
        }
        if (e.hasLink()) {
            b.setLink(recorded(e.getLink()));
        }
        return b.build();
    }

    private static dev.cairn.protocol.streams.ReadResp.ReadEvent.RecordedEvent recorded(
            ReadResp.ReadEvent.RecordedEvent r) {
        return dev.cairn.protocol.streams.ReadResp.ReadEvent.RecordedEvent.newBuilder()
                .setId(r.getId())
                .setStreamIdentifier(r.getStreamIdentifier())
                .setStreamRevision(r.getStreamRevision())
                .setPreparePosition(r.getPreparePosition())
                .setCommitPosition(r.getCommitPosition())
                .putAllMetadata(r.getMetadataMap())
                .setCustomMetadata(r.getCustomMetadata())
                .setData(r.getData())
                .build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void ack(Collection<UUID> eventIds) {
        ReadReq.Ack.Builder ack = ReadReq.Ack.newBuilder().setId(ByteString.copyFromUtf8(id));
        eventIds.forEach(e -> ack.addIds(Proto.uuid(e)));
        send(ReadReq.newBuilder().setAck(ack).build());
    }

    @Override
    public void nack(NackAction action, String reason, Collection<UUID> eventIds) {
        ReadReq.Nack.Action wire = switch (action) {
            case UNKNOWN -> ReadReq.Nack.Action.Unknown;
            case PARK -> ReadReq.Nack.Action.Park;
            case RETRY -> ReadReq.Nack.Action.Retry;
            case SKIP -> ReadReq.Nack.Action.Skip;
            case STOP -> ReadReq.Nack.Action.Stop;
        };
        ReadReq.Nack.Builder nack = ReadReq.Nack.newBuilder().setId(ByteString.copyFromUtf8(id)).setAction(wire)
                .setReason(reason == null ? "" : reason);
        eventIds.forEach(e -> nack.addIds(Proto.uuid(e)));
        send(ReadReq.newBuilder().setNack(nack).build());
    }

    /** grpc-java calls must not send concurrently. */
    private synchronized void send(ReadReq request) {
        if (!stopped) {
            call.sendMessage(request);
        }
    }

    @Override
    public void stop() {
        end(null);
    }

    /** Leaves the group; the listener's onStopped gets {@code error} (null: stopped by the user). */
    synchronized void end(Throwable error) {
        if (!stopped) {
            stopError = error;
            stopped = true;
            call.cancel("the consumer left the group", null);
        }
    }
}
