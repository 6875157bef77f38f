package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cairn.protocol.streams.BatchAppendReq;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A BatchAppend's deadline from a client never fails the call, whatever its value. */
class BatchAppendDeadlineTest {

    private static long timeout(Duration d) {
        return BatchAppendCall.timeoutMillis(BatchAppendReq.Options.newBuilder().setDeadline(d).build());
    }

    private static long timeout(Timestamp t) {
        return BatchAppendCall.timeoutMillis(BatchAppendReq.Options.newBuilder().setDeadline21100(t).build());
    }

    @Test
    void durations() {
        assertThat(timeout(Duration.newBuilder().setSeconds(2).setNanos(500_000_000).build())).isEqualTo(2500);
        assertThat(timeout(Duration.newBuilder().setSeconds(-5).build())).isZero();
        assertThat(timeout(Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build())).isEqualTo(-1);
        assertThat(timeout(Duration.newBuilder().setSeconds(Long.MIN_VALUE).build())).isZero();
    }

    @Test
    void timestamps() {
        long now = Instant.now().getEpochSecond();
        assertThat(timeout(Timestamp.newBuilder().setSeconds(now + 10).build())).isBetween(8_000L, 10_000L);
        assertThat(timeout(Timestamp.newBuilder().setSeconds(now - 10).build())).isZero();
        assertThat(timeout(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(-1).build())).isEqualTo(-1);
        assertThat(timeout(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build())).isZero();
    }

    @Test
    void none() {
        assertThat(BatchAppendCall.timeoutMillis(BatchAppendReq.Options.getDefaultInstance())).isEqualTo(-1);
    }
}
