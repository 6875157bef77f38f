package dev.cairn.bench;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.StreamName;
import dev.cairn.engine.log.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's event shape: JSON events of one type (200 bytes unless told otherwise), written
 * to streams named {@code stream-00000} .. {@code stream-NNNNN} (or another prefix), and the size
 * such an event takes in Cairn's log.
 *
 * <p>Payloads are prepared once so the load generator spends its time in the store, not in
 * building JSON. Appends pick their stream with {@link #nextStream()}: at random, or, for a
 * {@link #roundRobin} set, each stream in turn so every stream gets the same number of appends.
 * Thread-safe.
 */
final class BenchEvents {

    static final int DATA_BYTES = 200;
    /** The smallest event this shape can make: the JSON object's fixed fields. */
    static final int MIN_DATA_BYTES = 128;
    static final String TYPE = "OrderPlaced";
    private static final EventType EVENT_TYPE = EventType.of(TYPE);
    private static final int VARIANTS = 1024;

    private final String prefix;
    private final int streams;
    private final int dataBytes;
    private final StreamName[] names;
    private final byte[][] payloads = new byte[VARIANTS][];
    private final String[] texts = new String[VARIANTS];
    private final AtomicLong turn;

    BenchEvents(int streams) {
        this("stream-", streams, DATA_BYTES, false);
    }

    BenchEvents(int streams, int dataBytes) {
        this("stream-", streams, dataBytes, false);
    }

    private BenchEvents(String prefix, int streams, int dataBytes, boolean roundRobin) {
        if (streams <= 0) {
            throw new IllegalArgumentException("streams must be positive, was " + streams);
        }
        if (dataBytes < MIN_DATA_BYTES) {
            throw new IllegalArgumentException("event size must be at least " + MIN_DATA_BYTES + " bytes, was " + dataBytes);
        }
        this.prefix = prefix;
        this.streams = streams;
        this.dataBytes = dataBytes;
        this.turn = roundRobin ? new AtomicLong() : null;
        this.names = new StreamName[streams];
        for (int i = 0; i < streams; i++) {
            names[i] = StreamName.of(streamName(prefix, i));
        }
        for (int i = 0; i < VARIANTS; i++) {
            payloads[i] = json(i, dataBytes);
            texts[i] = new String(payloads[i], StandardCharsets.UTF_8);
        }
    }

    /** Streams {@code PREFIX00000} ..; {@link #nextStream()} takes them in turn, round and round. */
    static BenchEvents roundRobin(String prefix, int streams, int dataBytes) {
        return new BenchEvents(prefix, streams, dataBytes, true);
    }

    static String streamName(int i) {
        return streamName("stream-", i);
    }

    private static String streamName(String prefix, int i) {
        return prefix + String.format(Locale.ROOT, "%05d", i);
    }

    /** A JSON object of exactly {@code size} bytes, padded in its {@code note} field. */
    private static byte[] json(int i, int size) {
        String head = String.format(Locale.ROOT,
                "{\"orderId\":\"%s\",\"customerId\":\"c-%06d\",\"amount\":%d.%02d,\"currency\":\"EUR\",\"lines\":%d,\"note\":\"",
                new UUID(i, 31L * i), i * 7919 % 1_000_000, i % 997, i % 100, 1 + i % 9);
        StringBuilder s = new StringBuilder(head);
        while (s.length() < size - 2) {
            s.append((char) ('a' + s.length() % 26));
        }
        s.append("\"}");
        byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length != size) {
            throw new IllegalStateException("payload is " + bytes.length + " bytes");
        }
        return bytes;
    }

    int streamCount() {
        return streams;
    }

    int dataBytes() {
        return dataBytes;
    }

    /** The first and last stream name, for descriptions. */
    String streamRange() {
        return names[0].value() + ".." + names[streams - 1].value();
    }

    /** The stream of the next append: at random, or the next in turn for a {@link #roundRobin} set. */
    StreamName nextStream() {
        return turn == null ? randomStream() : names[(int) (turn.getAndIncrement() % streams)];
    }

    StreamName stream(int i) {
        return names[i];
    }

    StreamName randomStream() {
        return names[ThreadLocalRandom.current().nextInt(streams)];
    }

    /** One of the prepared JSON payloads as text, for stores that take JSON as a string. */
    String randomPayloadText() {
        return texts[ThreadLocalRandom.current().nextInt(VARIANTS)];
    }

    /** {@code count} fresh events (new ids) with prepared payloads. */
    List<EventData> events(int count) {
        List<EventData> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(new EventData(randomId(), EVENT_TYPE, ContentType.JSON, randomPayload(), null));
        }
        return list;
    }

    /** A fresh event id. */
    static UUID randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong());
    }

    /** One of the prepared JSON payloads, shared: do not modify it. */
    byte[] randomPayload() {
        return payloads[ThreadLocalRandom.current().nextInt(VARIANTS)];
    }

    /** Bytes one event takes in the log (frame, fixed fields, stream name, type, data). */
    static int eventRecordBytes() {
        return eventRecordBytes(DATA_BYTES);
    }

    private static int eventRecordBytes(int dataBytes) {
        byte[] stream = streamName(0).getBytes(StandardCharsets.UTF_8);
        return RecordCodec.eventSize(stream, TYPE.getBytes(StandardCharsets.UTF_8), dataBytes, 0);
    }

    /** Bytes one append of {@code events} events takes in the log: the events and the batch's commit record. */
    static int appendBytes(int events) {
        return appendBytes(events, DATA_BYTES);
    }

    /** {@link #appendBytes(int)} for events of {@code dataBytes} bytes of data. */
    static int appendBytes(int events, int dataBytes) {
        return events * eventRecordBytes(dataBytes) + RecordCodec.COMMIT_SIZE;
    }
}
