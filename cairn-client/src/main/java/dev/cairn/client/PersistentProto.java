package dev.cairn.client;

import dev.cairn.api.ConsumerStrategy;
import dev.cairn.api.EventFilter;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.Position;
import dev.cairn.api.StreamName;
import dev.cairn.protocol.persistentsubscriptions.CreateReq;
import dev.cairn.protocol.persistentsubscriptions.SubscriptionInfo;
import dev.cairn.protocol.persistentsubscriptions.UpdateReq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Persistent subscription messages from and to the API's values: the client's side of the server's
 * {@code PersistentWire}. Settings go as the official clients send them (durations in
 * milliseconds, the strategy by name on create and by the enum on update, which is all the update
 * message has). Stateless.
 */
final class PersistentProto {

    private static final Pattern ALL_POSITION = Pattern.compile("C:(-?\\d+)/P:(-?\\d+)");

    private PersistentProto() {
    }

    static CreateReq.Settings createSettings(PersistentSubscriptionSettings s) {
        return CreateReq.Settings.newBuilder()
                .setResolveLinks(s.resolveLinks())
                .setExtraStatistics(s.extraStatistics())
                .setMaxRetryCount(s.maxRetryCount())
                .setMinCheckpointCount(s.minCheckpointCount())
                .setMaxCheckpointCount(s.maxCheckpointCount())
                .setMaxSubscriberCount(s.maxSubscriberCount())
                .setLiveBufferSize(s.liveBufferSize())
                .setReadBatchSize(s.readBatchSize())
                .setHistoryBufferSize(s.historyBufferSize())
                .setMessageTimeoutMs(millis(s.messageTimeout()))
                .setCheckpointAfterMs(millis(s.checkpointAfter()))
                .setConsumerStrategy(s.consumerStrategy().wireName())
                .build();
    }

    static UpdateReq.Settings updateSettings(PersistentSubscriptionSettings s) {
        UpdateReq.ConsumerStrategy strategy = switch (s.consumerStrategy()) {
            case DISPATCH_TO_SINGLE -> UpdateReq.ConsumerStrategy.DispatchToSingle;
            case ROUND_ROBIN -> UpdateReq.ConsumerStrategy.RoundRobin;
            case PINNED -> UpdateReq.ConsumerStrategy.Pinned;
            case PINNED_BY_CORRELATION -> throw new InvalidArgumentException("KurrentDB's update message cannot set "
                    + "the PinnedByCorrelation strategy (its enum has DispatchToSingle, RoundRobin and Pinned)");
        };
        return UpdateReq.Settings.newBuilder()
                .setResolveLinks(s.resolveLinks())
                .setExtraStatistics(s.extraStatistics())
                .setMaxRetryCount(s.maxRetryCount())
                .setMinCheckpointCount(s.minCheckpointCount())
                .setMaxCheckpointCount(s.maxCheckpointCount())
                .setMaxSubscriberCount(s.maxSubscriberCount())
                .setLiveBufferSize(s.liveBufferSize())
                .setReadBatchSize(s.readBatchSize())
                .setHistoryBufferSize(s.historyBufferSize())
                .setMessageTimeoutMs(millis(s.messageTimeout()))
                .setCheckpointAfterMs(millis(s.checkpointAfter()))
                .setNamedConsumerStrategy(strategy)
                .build();
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    static CreateReq.AllOptions.FilterOptions filter(EventFilter filter) {
        CreateReq.AllOptions.FilterOptions.Expression.Builder e = CreateReq.AllOptions.FilterOptions.Expression
                .newBuilder();
        if (filter.regex() != null) {
            e.setRegex(filter.regex());
        } else {
            e.addAllPrefix(filter.prefixes());
        }
        CreateReq.AllOptions.FilterOptions.Builder f = CreateReq.AllOptions.FilterOptions.newBuilder()
                .setCount(Proto.EMPTY).setCheckpointIntervalMultiplier(1);
        if (filter.target() == EventFilter.Target.STREAM_NAME) {
            f.setStreamIdentifier(e);
        } else {
            f.setEventType(e);
        }
        return f.build();
    }

    /** A group as the node reports it. The wire carries no filter: a {@code $all} group's is null here. */
    static PersistentSubscriptionInfo info(SubscriptionInfo i) {
        StreamName source = StreamName.of(i.getEventSource());
        PersistentSubscriptionSettings settings = new PersistentSubscriptionSettings(
                startFrom(i.getStartFrom(), source.isAll()), i.getResolveLinkTos(), i.getExtraStatistics(),
                Duration.ofMillis(i.getMessageTimeoutMilliseconds()), i.getMaxRetryCount(),
                Duration.ofMillis(i.getCheckPointAfterMilliseconds()), i.getMinCheckPointCount(),
                i.getMaxCheckPointCount(), i.getMaxSubscriberCount(), i.getLiveBufferSize(), i.getReadBatchSize(),
                i.getBufferSize(), ConsumerStrategy.ofName(i.getNamedConsumerStrategy()));
        List<PersistentSubscriptionInfo.Connection> connections = new ArrayList<>();
        for (SubscriptionInfo.ConnectionInfo c : i.getConnectionsList()) {
            connections.add(new PersistentSubscriptionInfo.Connection(c.getFrom(), c.getUsername(),
                    c.getAverageItemsPerSecond(), c.getTotalItems(), c.getCountSinceLastMeasurement(),
                    c.getAvailableSlots(), c.getInFlightMessages(), c.getConnectionName()));
        }
        return new PersistentSubscriptionInfo(source, i.getGroupName(), i.getStatus(), settings, null, connections,
                i.getAveragePerSecond(), i.getTotalItems(), i.getCountSinceLastMeasurement(),
                i.getLastCheckpointedEventPosition(), i.getLastKnownEventPosition(), i.getReadBufferCount(),
                i.getLiveBufferCount(), i.getRetryBufferCount(), i.getTotalInFlightMessages(),
                i.getOutstandingMessagesCount(), i.getParkedMessageCount());
    }

    /** KurrentDB's text of a start: a revision (-1 the end), or {@code C:commit/P:prepare}. */
    static StartFrom startFrom(String text, boolean all) {
        Matcher m = ALL_POSITION.matcher(text);
        if (m.matches()) {
            long commit = Long.parseLong(m.group(1));
            long prepare = Long.parseLong(m.group(2));
            return commit == -1 && prepare == -1 ? StartFrom.end() : StartFrom.position(Position.of(commit, prepare));
        }
        long revision = text.isEmpty() ? 0 : Long.parseLong(text);
        if (revision == -1) {
            return StartFrom.end();
        }
        return all ? StartFrom.position(Position.of(revision, revision)) : StartFrom.revision(revision);
    }
}
