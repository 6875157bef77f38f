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

/**
 * The benchmark's event shape: ~200-byte JSON events of one type, written to streams named
 * {@code stream-00000} .. {@code stream-NNNNN}, and the size such an event takes in Cairn's log.
 *
 * <p>Payloads are prepared once so the load generator spends its time in the store, not in
 * building JSON. Thread-safe.
 */
final class BenchEvents {

    static final int DATA_BYTES = 200;
    static final String TYPE = "OrderPlaced";
    private static final EventType EVENT_TYPE = EventType.of(TYPE);
    private static final int VARIANTS = 1024;

    private final int streams;
    private final StreamName[] names;
    private final byte[][] payloads = new byte[VARIANTS][];

    BenchEvents(int streams) {
        this.streams = streams;
        this.names = new StreamName[streams];
        for (int i = 0; i < streams; i++) {
            names[i] = StreamName.of(streamName(i));
        }
        for (int i = 0; i < VARIANTS; i++) {
            payloads[i] = json(i);
        }
    }

    static String streamName(int i) {
        return String.format(Locale.ROOT, "stream-%05d", i);
    }

    /** A JSON object of exactly {@link #DATA_BYTES} bytes, padded in its {@code note} field. */
    private static byte[] json(int i) {
        String head = String.format(Locale.ROOT,
                "{\"orderId\":\"%s\",\"customerId\":\"c-%06d\",\"amount\":%d.%02d,\"currency\":\"EUR\",\"lines\":%d,\"note\":\"",
                new UUID(i, 31L * i), i * 7919 % 1_000_000, i % 997, i % 100, 1 + i % 9);
        StringBuilder s = new StringBuilder(head);
        while (s.length() < DATA_BYTES - 2) {
            s.append((char) ('a' + s.length() % 26));
        }
        s.append("\"}");
        byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length != DATA_BYTES) {
            throw new IllegalStateException("payload is " + bytes.length + " bytes");
        }
        return bytes;
    }

    int streamCount() {
        return streams;
    }

    StreamName stream(int i) {
        return names[i];
    }

    StreamName randomStream() {
        return names[ThreadLocalRandom.current().nextInt(streams)];
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
        byte[] stream = streamName(0).getBytes(StandardCharsets.UTF_8);
        return RecordCodec.eventSize(stream, TYPE.getBytes(StandardCharsets.UTF_8), DATA_BYTES, 0);
    }

    /** Bytes one append of {@code events} events takes in the log: the events and the batch's commit record. */
    static int appendBytes(int events) {
        return events * eventRecordBytes() + RecordCodec.COMMIT_SIZE;
    }
}
