package dev.cairn.server.grpc;

import com.google.protobuf.ByteString;
import dev.cairn.api.ConsumerStrategy;
import dev.cairn.api.EventFilter;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.protocol.persistentsubscriptions.CreateReq;
import dev.cairn.protocol.persistentsubscriptions.ReadResp;
import dev.cairn.protocol.persistentsubscriptions.SubscriptionInfo;
import dev.cairn.protocol.persistentsubscriptions.UpdateReq;
import java.time.Duration;
import java.util.List;

/**
 * Converts persistent subscription messages to and from the API's values, reading requests as
 * KurrentDB does ({@code PersistentSubscriptions.Create.cs}, {@code .Update.cs}): message timeout
 * and checkpoint-after in milliseconds or .NET ticks (absent: 0), the consumer strategy by name or,
 * from older clients and on update, by the enum. Rules the values break raise
 * {@link InvalidArgumentException}; the service reports them as KurrentDB reports a refused
 * request. Stateless.
 */
final class PersistentWire {

    /** .NET ticks (100 ns) per millisecond. */
    private static final long TICKS_PER_MS = 10_000;

    private PersistentWire() {
    }

    static PersistentSubscriptionSettings settings(CreateReq.Settings s, StartFrom start) {
        long timeoutMs = switch (s.getMessageTimeoutCase()) {
            case MESSAGE_TIMEOUT_MS -> s.getMessageTimeoutMs();
            case MESSAGE_TIMEOUT_TICKS -> s.getMessageTimeoutTicks() / TICKS_PER_MS;
            case MESSAGETIMEOUT_NOT_SET -> 0;
        };
        long checkpointAfterMs = switch (s.getCheckpointAfterCase()) {
            case CHECKPOINT_AFTER_MS -> s.getCheckpointAfterMs();
            case CHECKPOINT_AFTER_TICKS -> s.getCheckpointAfterTicks() / TICKS_PER_MS;
            case CHECKPOINTAFTER_NOT_SET -> 0;
        };
        @SuppressWarnings("deprecation")
        String strategy = s.getConsumerStrategy().isEmpty() ? s.getNamedConsumerStrategy().name() : s.getConsumerStrategy();
        return new PersistentSubscriptionSettings(start, s.getResolveLinks(), s.getExtraStatistics(),
                Duration.ofMillis(timeoutMs), s.getMaxRetryCount(), Duration.ofMillis(checkpointAfterMs),
                s.getMinCheckpointCount(), s.getMaxCheckpointCount(), s.getMaxSubscriberCount(), s.getLiveBufferSize(),
                s.getReadBatchSize(), s.getHistoryBufferSize(), ConsumerStrategy.ofName(strategy));
    }

    static PersistentSubscriptionSettings settings(UpdateReq.Settings s, StartFrom start) {
        long timeoutMs = switch (s.getMessageTimeoutCase()) {
            case MESSAGE_TIMEOUT_MS -> s.getMessageTimeoutMs();
            case MESSAGE_TIMEOUT_TICKS -> s.getMessageTimeoutTicks() / TICKS_PER_MS;
            case MESSAGETIMEOUT_NOT_SET -> 0;
        };
        long checkpointAfterMs = switch (s.getCheckpointAfterCase()) {
            case CHECKPOINT_AFTER_MS -> s.getCheckpointAfterMs();
            case CHECKPOINT_AFTER_TICKS -> s.getCheckpointAfterTicks() / TICKS_PER_MS;
            case CHECKPOINTAFTER_NOT_SET -> 0;
        };
        return new PersistentSubscriptionSettings(start, s.getResolveLinks(), s.getExtraStatistics(),
                Duration.ofMillis(timeoutMs), s.getMaxRetryCount(), Duration.ofMillis(checkpointAfterMs),
                s.getMinCheckpointCount(), s.getMaxCheckpointCount(), s.getMaxSubscriberCount(), s.getLiveBufferSize(),
                s.getReadBatchSize(), s.getHistoryBufferSize(), ConsumerStrategy.ofName(s.getNamedConsumerStrategy().name()));
    }

    /** A stream revision as the wire sends it: unsigned, with 2^64-1 meaning the end. */
    static StartFrom revision(long revision) {
        if (revision == -1L) {
            return StartFrom.end();
        }
        if (revision < 0) {
            throw new InvalidArgumentException("Invalid Start From position: event number must be greater than or equal to -1.");
        }
        return StartFrom.revision(revision);
    }

    /** A {@code $all} position as the wire sends it, checked as KurrentDB checks it. */
    static StartFrom position(long commit, long prepare) {
        if (commit == -1L && prepare == -1L) {
            return StartFrom.end();
        }
        if (commit < 0 || prepare < 0) {
            throw new InvalidArgumentException("Invalid Start From position: prepare and commit positions must be "
                    + "greater than or equal to 0 or both equal to -1.");
        }
        if (prepare > commit) {
            throw new InvalidArgumentException(
                    "Invalid Start From position: prepare position must be less than or equal to the commit position.");
        }
        return StartFrom.position(Position.of(commit, prepare));
    }

    static EventFilter filter(CreateReq.AllOptions.FilterOptions f) {
        EventFilter.Target target;
        CreateReq.AllOptions.FilterOptions.Expression e;
        switch (f.getFilterCase()) {
            case STREAM_IDENTIFIER -> {
                target = EventFilter.Target.STREAM_NAME;
                e = f.getStreamIdentifier();
            }
            case EVENT_TYPE -> {
                target = EventFilter.Target.EVENT_TYPE;
                e = f.getEventType();
            }
            default -> throw new InvalidArgumentException("filter needs a stream name or event type expression");
        }
        // as KurrentDB: a regex, when given, wins over prefixes
        if (!e.getRegex().isEmpty()) {
            return new EventFilter(target, List.of(), e.getRegex());
        }
        if (e.getPrefixCount() == 0) {
            throw new InvalidArgumentException("a filter needs a regex or at least one prefix");
        }
        return new EventFilter(target, e.getPrefixList(), null);
    }

    /** KurrentDB's text of a start position: a revision (-1 end), or {@code C:commit/P:prepare}. */
    static String startFrom(StartFrom start, boolean all) {
        return switch (start) {
            case StartFrom.Start s -> all ? "C:0/P:0" : "0";
            case StartFrom.End e -> all ? "C:-1/P:-1" : "-1";
            case StartFrom.Revision r -> Long.toString(r.revision());
            case StartFrom.At a -> "C:" + a.position().commit() + "/P:" + a.position().prepare();
        };
    }

    static SubscriptionInfo info(PersistentSubscriptionInfo i) {
        PersistentSubscriptionSettings s = i.settings();
        SubscriptionInfo.Builder b = SubscriptionInfo.newBuilder()
                .setEventSource(i.source().value())
                .setGroupName(i.group())
                .setStatus(i.status())
                .setAveragePerSecond(i.averagePerSecond())
                .setTotalItems(i.totalItems())
                .setCountSinceLastMeasurement(i.countSinceLastMeasurement())
                .setLastCheckpointedEventPosition(i.lastCheckpointedEventPosition())
                .setLastKnownEventPosition(i.lastKnownEventPosition())
                .setResolveLinkTos(s.resolveLinks())
                .setStartFrom(startFrom(s.startFrom(), i.source().isAll()))
                .setMessageTimeoutMilliseconds((int) Math.min(Integer.MAX_VALUE, s.messageTimeout().toMillis()))
                .setExtraStatistics(s.extraStatistics())
                .setMaxRetryCount(s.maxRetryCount())
                .setLiveBufferSize(s.liveBufferSize())
                .setBufferSize(s.historyBufferSize())
                .setReadBatchSize(s.readBatchSize())
                .setCheckPointAfterMilliseconds((int) Math.min(Integer.MAX_VALUE, s.checkpointAfter().toMillis()))
                .setMinCheckPointCount(s.minCheckpointCount())
                .setMaxCheckPointCount(s.maxCheckpointCount())
                .setReadBufferCount(i.readBufferCount())
                .setLiveBufferCount(i.liveBufferCount())
                .setRetryBufferCount(i.retryBufferCount())
                .setTotalInFlightMessages(i.totalInFlightMessages())
                .setOutstandingMessagesCount(i.outstandingMessagesCount())
                .setNamedConsumerStrategy(s.consumerStrategy().wireName())
                .setMaxSubscriberCount(s.maxSubscriberCount())
                .setParkedMessageCount(i.parkedMessageCount());
        for (PersistentSubscriptionInfo.Connection c : i.connections()) {
            b.addConnections(SubscriptionInfo.ConnectionInfo.newBuilder()
                    .setFrom(c.from())
                    .setUsername(c.username())
                    .setAverageItemsPerSecond(c.averageItemsPerSecond())
                    .setTotalItems(c.totalItems())
                    .setCountSinceLastMeasurement(c.countSinceLastMeasurement())
                    .setAvailableSlots(c.availableSlots())
                    .setInFlightMessages(c.inFlightMessages())
                    .setConnectionName(c.connectionName()));
        }
        return b.build();
    }

    /** An event for a consumer, with its retry count and the position of the record read. */
    static ReadResp.ReadEvent readEvent(ResolvedEvent resolved, int retryCount, boolean structuredIds) {
        ReadResp.ReadEvent.Builder b = ReadResp.ReadEvent.newBuilder();
        if (resolved.event() != null) {
            b.setEvent(recordedEvent(resolved.event(), structuredIds));
        }
        if (resolved.link() != null) {
            b.setLink(recordedEvent(resolved.link(), structuredIds));
        }
        return b.setCommitPosition(resolved.position().commit()).setRetryCount(retryCount).build();
    }

    private static ReadResp.ReadEvent.RecordedEvent recordedEvent(RecordedEvent e, boolean structuredIds) {
        return ReadResp.ReadEvent.RecordedEvent.newBuilder()
                .setId(Wire.uuid(e.id(), structuredIds))
                .setStreamIdentifier(Wire.streamIdentifier(e.stream()))
                .setStreamRevision(e.revision())
                .setPreparePosition(e.position().prepare())
                .setCommitPosition(e.position().commit())
                .putMetadata("type", e.type().value())
                .putMetadata("content-type", e.contentType().mimeType())
                .putMetadata("created", Long.toString(Wire.ticksSinceEpoch(e.created())))
                .setCustomMetadata(ByteString.copyFrom(e.metadata()))
                .setData(ByteString.copyFrom(e.data()))
                .build();
    }
}
