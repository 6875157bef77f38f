package dev.cairn.microbench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The event the benchmarks share: the ~200-byte JSON object of {@code cairn bench}. Stateless. */
public final class Events {

    public static final String STREAM = "stream-00042";
    public static final String TYPE = "OrderPlaced";

    private Events() {
    }

    /** A JSON object of exactly {@code size} bytes (at least 32). */
    public static byte[] json(int size) {
        if (size < 32) {
            throw new IllegalArgumentException("a JSON event needs at least 32 bytes, was " + size);
        }
        String head = "{\"orderId\":\"o-1234567\",\"note\":\"";
        String tail = "\"}";
        char[] pad = new char[size - head.length() - tail.length()];
        Arrays.fill(pad, 'x');
        return (head + new String(pad) + tail).getBytes(StandardCharsets.UTF_8);
    }
}
