package dev.cairn.microbench;

import dev.cairn.engine.log.LogRecord;
import dev.cairn.engine.log.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding one event record of the log ({@link RecordCodec}), in a direct
 * little-endian buffer as the writer and the mapped segments use. {@code validate} includes the
 * CRC32C of the record; {@code decode} copies the stream name, type, data and metadata out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RecordCodecBenchmark {

    /** Event payload bytes: the bench's event, and a larger one. */
    @Param({"200", "4096"})
    int dataSize;

    private final byte[] stream = Events.STREAM.getBytes(StandardCharsets.UTF_8);
    private final byte[] type = Events.TYPE.getBytes(StandardCharsets.UTF_8);
    private final byte[] metadata = new byte[0];
    private final UUID id = UUID.randomUUID();
    private byte[] data;
    private ByteBuffer out;
    private ByteBuffer encoded;
    private int encodedLength;

    @Setup
    public void setUp() {
        data = Events.json(dataSize);
        out = ByteBuffer.allocateDirect(2 * dataSize + 1024).order(ByteOrder.LITTLE_ENDIAN);
        encoded = ByteBuffer.allocateDirect(2 * dataSize + 1024).order(ByteOrder.LITTLE_ENDIAN);
        RecordCodec.writeEvent(encoded, stream, 42, id, type, true, 1_700_000_000_000_000L, data, metadata);
        encodedLength = encoded.position();
        if (RecordCodec.validate(encoded, 0, encodedLength) != encodedLength) {
            throw new IllegalStateException("the encoded record does not validate");
        }
    }

    @Benchmark
    public int encodeEvent() {
        out.clear();
        RecordCodec.writeEvent(out, stream, 42, id, type, true, 1_700_000_000_000_000L, data, metadata);
        return out.position();
    }

    @Benchmark
    public int encodeCommit() {
        out.clear();
        RecordCodec.writeCommit(out, 4096, 100);
        return out.position();
    }

    @Benchmark
    public int validateEvent() {
        return RecordCodec.validate(encoded, 0, encodedLength);
    }

    @Benchmark
    public LogRecord decodeEvent() {
        return RecordCodec.decode(encoded, 0, 4096);
    }

    /** The header-only decode recovery uses. */
    @Benchmark
    public LogRecord decodeEventHeader() {
        return RecordCodec.decode(encoded, 0, 4096, false);
    }

    /** What a reader does per record: check the frame and CRC, then decode. */
    @Benchmark
    public LogRecord validateAndDecodeEvent() {
        if (RecordCodec.validate(encoded, 0, encodedLength) <= 0) {
            throw new IllegalStateException("invalid record");
        }
        return RecordCodec.decode(encoded, 0, 4096);
    }
}
