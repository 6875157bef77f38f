package dev.cairn.microbench;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
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
 * The log's checksum, CRC32C, over one record's bytes, computed the way {@code RecordCodec} does
 * (a new {@link CRC32C} fed a duplicate of a direct buffer), next to a heap array and to plain
 * CRC32 for scale. 268 bytes is the checksummed part of the bench's 281-byte event record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Crc32cBenchmark {

    @Param({"268", "4096"})
    int size;

    private byte[] array;
    private ByteBuffer direct;

    @Setup
    public void setUp() {
        array = new byte[size];
        ThreadLocalRandom.current().nextBytes(array);
        direct = ByteBuffer.allocateDirect(size).put(array).flip();
    }

    /** As RecordCodec.crc: fresh CRC32C, duplicate of a direct buffer. */
    @Benchmark
    public long crc32cDirectBuffer() {
        CRC32C crc = new CRC32C();
        ByteBuffer slice = direct.duplicate();
        slice.limit(size).position(0);
        crc.update(slice);
        return crc.getValue();
    }

    @Benchmark
    public long crc32cHeapArray() {
        CRC32C crc = new CRC32C();
        crc.update(array, 0, size);
        return crc.getValue();
    }

    @Benchmark
    public long crc32HeapArray() {
        CRC32 crc = new CRC32();
        crc.update(array, 0, size);
        return crc.getValue();
    }
}
