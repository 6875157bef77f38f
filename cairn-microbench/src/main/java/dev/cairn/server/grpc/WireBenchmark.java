package dev.cairn.server.grpc;

import com.google.protobuf.ByteString;
import dev.cairn.api.EventData;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.engine.log.LogRecord;
import dev.cairn.engine.log.RecordCodec;
import dev.cairn.engine.streams.ReadsBridge;
import dev.cairn.microbench.Events;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.ReadResp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gRPC face's per-event mapping ({@link Wire}, package-private, hence this package): a
 * proposed message of an append to the API's {@link EventData} (from the generated message, and from
 * its bytes as Append reads them), and a decoded log record to the
 * {@link ReadResp} a stream read sends (through the engine's {@code Reads.toRecorded}), with and
 * without serializing it, built as a message ({@link Wire#readEvent}) and encoded by hand as reads
 * and subscriptions send it ({@link ReadEventEncoder}). The event is the bench's 200-byte JSON event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class WireBenchmark {

    private AppendReq.ProposedMessage proposed;
    private byte[] appendReq;
    private byte[] appendOptions;
    /** A BatchAppend request: correlation id, options, 100 events with string ids, final. */
    private byte[] batchAppendReq;
    private LogRecord.Event record;
    private RecordedEvent recorded;
    private final ReadEventEncoder encoder = new ReadEventEncoder(false);

    @Setup
    public void setUp() {
        byte[] data = Events.json(200);
        java.util.UUID id = java.util.UUID.randomUUID();
        proposed = AppendReq.ProposedMessage.newBuilder()
                .setId(UUID.newBuilder().setString(id.toString()))
                .putMetadata("type", Events.TYPE)
                .putMetadata("content-type", "application/json")
                .setData(ByteString.copyFrom(data))
                .build();
        appendReq = AppendReq.newBuilder().setProposedMessage(proposed).build().toByteArray();
        appendOptions = AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder()
                .setStreamIdentifier(StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(Events.STREAM)))
                .setAny(Empty.getDefaultInstance())).build().toByteArray();
        BatchAppendReq.Builder batch = BatchAppendReq.newBuilder()
                .setCorrelationId(UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()))
                .setOptions(BatchAppendReq.Options.newBuilder().setStreamIdentifier(StreamIdentifier.newBuilder()
                        .setStreamName(ByteString.copyFromUtf8(Events.STREAM))).setAny(com.google.protobuf.Empty
                        .getDefaultInstance()))
                .setIsFinal(true);
        for (int i = 0; i < 100; i++) {
            batch.addProposedMessages(BatchAppendReq.ProposedMessage.newBuilder()
                    .setId(UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()))
                    .putMetadata("type", Events.TYPE).putMetadata("content-type", "application/json")
                    .setData(ByteString.copyFrom(data)));
        }
        batchAppendReq = batch.build().toByteArray();
        ByteBuffer buf = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
        RecordCodec.writeEvent(buf, Events.STREAM.getBytes(StandardCharsets.UTF_8), 42, id,
                Events.TYPE.getBytes(StandardCharsets.UTF_8), true, 1_700_000_000_000_000L, data, new byte[0]);
        record = (LogRecord.Event) RecordCodec.decode(buf, 0, 4096);
        recorded = ReadsBridge.toRecorded(record);
    }

    /** An append's proposed message (string id, as the official clients send) to EventData. */
    @Benchmark
    public EventData proposedToEventData() {
        return Wire.eventData(proposed);
    }

    /** The same, from the message's bytes as Append reads them ({@link AppendReqDecoder}). */
    @Benchmark
    public EventData appendReqBytesToEventData() throws Exception {
        return Wire.eventData((AppendReqDecoder.Proposed) AppendReqDecoder.parse(appendReq));
    }

    /** An Append call's options message from its bytes to its stream name, as Append reads it. */
    @Benchmark
    public String appendOptionsBytesToStreamName() throws Exception {
        return ((AppendReqDecoder.Options) AppendReqDecoder.parse(appendOptions)).streamName();
    }

    /** The same with the generated parser, as Append read it before (and still reads any odd shape). */
    @Benchmark
    public String appendOptionsBytesToStreamNameGenerated() throws Exception {
        return AppendReq.parseFrom(appendOptions).getOptions().getStreamIdentifier().getStreamName().toStringUtf8();
    }

    /** A 100-event BatchAppend request from its bytes to its events, as BatchAppend reads it. */
    @Benchmark
    public EventData batchAppendBytesToEventData() throws Exception {
        AppendReqDecoder.Batch decoded = AppendReqDecoder.parseBatch(batchAppendReq);
        EventData last = null;
        for (int i = 0; i < decoded.events(); i++) {
            last = decoded.event(i);
        }
        return last;
    }

    /** The same with the generated parser, as BatchAppend read it before (and still reads any odd shape). */
    @Benchmark
    public EventData batchAppendBytesToEventDataGenerated() throws Exception {
        BatchAppendReq request = BatchAppendReq.parseFrom(batchAppendReq);
        EventData last = null;
        for (BatchAppendReq.ProposedMessage m : request.getProposedMessagesList()) {
            last = Wire.eventData(m);
        }
        return last;
    }

    /** The engine's half of a read: log record to the API's RecordedEvent. */
    @Benchmark
    public RecordedEvent recordToRecordedEvent() {
        return ReadsBridge.toRecorded(record);
    }

    /** The server's half of a read: RecordedEvent to the ReadResp message. */
    @Benchmark
    public ReadResp recordedEventToReadResp() {
        return ReadResp.newBuilder().setEvent(Wire.readEvent(ResolvedEvent.of(recorded), false)).build();
    }

    /** The whole per-event read path, the message built: log record to the ReadResp's bytes on the wire. */
    @Benchmark
    public byte[] recordToReadRespBytes() {
        RecordedEvent e = ReadsBridge.toRecorded(record);
        return ReadResp.newBuilder().setEvent(Wire.readEvent(ResolvedEvent.of(e), false)).build().toByteArray();
    }

    /**
     * The same path as reads take it: log record to the same bytes, encoded by hand, by an encoder
     * that lives as long as the read call (it remembers the last stream's and type's bytes).
     */
    @Benchmark
    public byte[] recordToEncodedReadRespBytes() {
        RecordedEvent e = ReadsBridge.toRecorded(record);
        return encoder.readResp(ResolvedEvent.of(e)).toByteArray();
    }
}
