package dev.cairn.client;

import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventStore;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.StreamName;
import dev.cairn.protocol.persistentsubscriptions.CreateReq;
import dev.cairn.protocol.persistentsubscriptions.DeleteReq;
import dev.cairn.protocol.persistentsubscriptions.GetInfoReq;
import dev.cairn.protocol.persistentsubscriptions.ListReq;
import dev.cairn.protocol.persistentsubscriptions.ListResp;
import dev.cairn.protocol.persistentsubscriptions.PersistentSubscriptionsGrpc;
import dev.cairn.protocol.persistentsubscriptions.PersistentSubscriptionsGrpc.PersistentSubscriptionsBlockingStub;
import dev.cairn.protocol.persistentsubscriptions.ReplayParkedReq;
import dev.cairn.protocol.persistentsubscriptions.TruncateParkedReq;
import dev.cairn.protocol.persistentsubscriptions.UpdateReq;
import io.grpc.Channel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link EventStore#persistentSubscriptions()} over KurrentDB's
 * {@code PersistentSubscriptions} service: management calls map one to one, and
 * {@link #subscribe} joins a group through a {@code Read} call ({@link RemoteConsumer}). Errors
 * come back as the embedded store raises them ({@link PersistentSubscriptionException} with the
 * same codes).
 *
 * <p>Differences the protocol imposes: {@link #getInfo} and {@link #list} report no filter for
 * {@code $all} groups (the wire's info has none), and {@link #update} cannot set the
 * {@code PinnedByCorrelation} strategy (the update message's enum lacks it). Thread-safe.
 */
final class RemotePersistentSubscriptions implements PersistentSubscriptions {

    private final Connection connection;
    private final Function<Channel, Channel> headers;
    private final java.util.Set<RemoteConsumer> consumers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param headers adds the client's call headers (credentials, leader) to a channel */
    RemotePersistentSubscriptions(Connection connection, Function<Channel, Channel> headers) {
        this.connection = connection;
        this.headers = headers;
    }

    private <T> T call(Function<PersistentSubscriptionsBlockingStub, T> call) {
        return connection.executeBlocking(node -> call.apply(PersistentSubscriptionsGrpc
                .newBlockingStub(headers.apply(node.channel()))
                .withDeadlineAfter(connection.settings().callDeadline().toMillis(), TimeUnit.MILLISECONDS)));
    }

    @Override
    public void createToStream(StreamName stream, String group, PersistentSubscriptionSettings settings) {
        CreateReq.StreamOptions.Builder s = CreateReq.StreamOptions.newBuilder()
                .setStreamIdentifier(Proto.streamIdentifier(stream));
        switch (settings.startFrom()) {
            case StartFrom.Start start -> s.setStart(Proto.EMPTY);
            case StartFrom.End end -> s.setEnd(Proto.EMPTY);
            case StartFrom.Revision r -> s.setRevision(r.revision());
            case StartFrom.At at -> throw PersistentSubscriptionException.failed(stream, group,
                    "a stream group starts at a revision, not a position of $all");
        }
        CreateReq request = CreateReq.newBuilder().setOptions(CreateReq.Options.newBuilder().setStream(s)
                .setGroupName(group).setSettings(PersistentProto.createSettings(settings))).build();
        call(stub -> stub.create(request));
    }

    @Override
    public void createToAll(String group, PersistentSubscriptionSettings settings, EventFilter filter) {
        CreateReq.AllOptions.Builder a = CreateReq.AllOptions.newBuilder();
        switch (settings.startFrom()) {
            case StartFrom.Start start -> a.setStart(Proto.EMPTY);
            case StartFrom.End end -> a.setEnd(Proto.EMPTY);
            case StartFrom.At at -> a.setPosition(CreateReq.Position.newBuilder()
                    .setCommitPosition(at.position().commit()).setPreparePosition(at.position().prepare()));
            case StartFrom.Revision r -> throw PersistentSubscriptionException.failed(StreamName.of(StreamName.ALL),
                    group, "a $all group starts at a position, not a stream revision");
        }
        if (filter != null) {
            a.setFilter(PersistentProto.filter(filter));
        } else {
            a.setNoFilter(Proto.EMPTY);
        }
        CreateReq request = CreateReq.newBuilder().setOptions(CreateReq.Options.newBuilder().setAll(a)
                .setGroupName(group).setSettings(PersistentProto.createSettings(settings))).build();
        call(stub -> stub.create(request));
    }

    @Override
    public void update(StreamName source, String group, PersistentSubscriptionSettings settings) {
        UpdateReq.Options.Builder o = UpdateReq.Options.newBuilder().setGroupName(group)
                .setSettings(PersistentProto.updateSettings(settings));
        if (source.isAll()) {
            UpdateReq.AllOptions.Builder a = UpdateReq.AllOptions.newBuilder();
            switch (settings.startFrom()) {
                case StartFrom.Start start -> a.setStart(Proto.EMPTY);
                case StartFrom.End end -> a.setEnd(Proto.EMPTY);
                case StartFrom.At at -> a.setPosition(UpdateReq.Position.newBuilder()
                        .setCommitPosition(at.position().commit()).setPreparePosition(at.position().prepare()));
                case StartFrom.Revision r -> throw PersistentSubscriptionException.failed(source, group,
                        "a $all group starts at a position, not a stream revision");
            }
            o.setAll(a);
        } else {
            UpdateReq.StreamOptions.Builder s = UpdateReq.StreamOptions.newBuilder()
                    .setStreamIdentifier(Proto.streamIdentifier(source));
            switch (settings.startFrom()) {
                case StartFrom.Start start -> s.setStart(Proto.EMPTY);
                case StartFrom.End end -> s.setEnd(Proto.EMPTY);
                case StartFrom.Revision r -> s.setRevision(r.revision());
                case StartFrom.At at -> throw PersistentSubscriptionException.failed(source, group,
                        "a stream group starts at a revision, not a position of $all");
            }
            o.setStream(s);
        }
        UpdateReq request = UpdateReq.newBuilder().setOptions(o).build();
        call(stub -> stub.update(request));
    }

    @Override
    public void delete(StreamName source, String group) {
        DeleteReq.Options.Builder o = DeleteReq.Options.newBuilder().setGroupName(group);
        if (source.isAll()) {
            o.setAll(Proto.EMPTY);
        } else {
            o.setStreamIdentifier(Proto.streamIdentifier(source));
        }
        DeleteReq request = DeleteReq.newBuilder().setOptions(o).build();
        call(stub -> stub.delete(request));
    }

    @Override
    public Optional<PersistentSubscriptionInfo> getInfo(StreamName source, String group) {
        GetInfoReq.Options.Builder o = GetInfoReq.Options.newBuilder().setGroupName(group);
        if (source.isAll()) {
            o.setAll(Proto.EMPTY);
        } else {
            o.setStreamIdentifier(Proto.streamIdentifier(source));
        }
        GetInfoReq request = GetInfoReq.newBuilder().setOptions(o).build();
        try {
            return Optional.of(PersistentProto.info(call(stub -> stub.getInfo(request)).getSubscriptionInfo()));
        } catch (PersistentSubscriptionException e) {
            if (e.code() == dev.cairn.api.ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<PersistentSubscriptionInfo> list() {
        ListReq request = ListReq.newBuilder().setOptions(ListReq.Options.newBuilder()
                .setListAllSubscriptions(Proto.EMPTY)).build();
        return infos(call(stub -> stub.list(request)));
    }

    @Override
    public List<PersistentSubscriptionInfo> list(StreamName source) {
        ListReq.StreamOption.Builder s = ListReq.StreamOption.newBuilder();
        if (source.isAll()) {
            s.setAll(Proto.EMPTY);
        } else {
            s.setStream(Proto.streamIdentifier(source));
        }
        ListReq request = ListReq.newBuilder().setOptions(ListReq.Options.newBuilder().setListForStream(s)).build();
        return infos(call(stub -> stub.list(request)));
    }

    private static List<PersistentSubscriptionInfo> infos(ListResp response) {
        return response.getSubscriptionsList().stream().map(PersistentProto::info).toList();
    }

    @Override
    public void replayParked(StreamName source, String group, Long stopAt) {
        ReplayParkedReq.Options.Builder o = ReplayParkedReq.Options.newBuilder().setGroupName(group);
        if (source.isAll()) {
            o.setAll(Proto.EMPTY);
        } else {
            o.setStreamIdentifier(Proto.streamIdentifier(source));
        }
        if (stopAt != null) {
            o.setStopAt(stopAt);
        } else {
            o.setNoLimit(Proto.EMPTY);
        }
        ReplayParkedReq request = ReplayParkedReq.newBuilder().setOptions(o).build();
        call(stub -> stub.replayParked(request));
    }

    @Override
    public void truncateParked(StreamName source, String group, Long stopAt) {
        TruncateParkedReq.Options.Builder o = TruncateParkedReq.Options.newBuilder().setGroupName(group);
        if (source.isAll()) {
            o.setAll(Proto.EMPTY);
        } else {
            o.setStreamIdentifier(Proto.streamIdentifier(source));
        }
        if (stopAt != null) {
            o.setStopAt(stopAt);
        } else {
            o.setNoLimit(Proto.EMPTY);
        }
        TruncateParkedReq request = TruncateParkedReq.newBuilder().setOptions(o).build();
        call(stub -> stub.truncateParked(request));
    }

    @Override
    public void restart() {
        call(stub -> stub.restartSubsystem(Proto.EMPTY));
    }

    @Override
    public PersistentSubscription subscribe(StreamName source, String group, ConsumerOptions options,
            PersistentSubscriptionListener listener) {
        return connection.executeBlocking(node -> RemoteConsumer.start(headers.apply(node.channel()), source, group,
                options, listener, consumers));
    }

    /** Ends every consumer with {@code error}: the client is closing. */
    void endAll(Throwable error) {
        for (RemoteConsumer c : List.copyOf(consumers)) {
            c.end(error);
        }
    }
}
