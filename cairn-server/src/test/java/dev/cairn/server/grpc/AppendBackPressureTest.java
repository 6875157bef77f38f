package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.fault.FaultyChannels;
import dev.cairn.server.TestNode;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.WriteResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * More appends in flight on one connection than the store has room for: the connection's event
 * loop waits for room, and the appends holding it complete on that same loop. Every append must
 * still complete (before the room was given back on hand-off, the loop waited for itself). A slow
 * disk makes the appends pile up behind each fdatasync.
 */
class AppendBackPressureTest {

    private static final int ROOM = 4;
    private static final int APPENDS = 200;

    // On its own thread: a node whose event loop waits for itself never closes either.
    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void appendsBeyondTheStoresRoomOnOneConnectionAllComplete(@TempDir Path dir) throws Exception {
        FaultyChannels slowDisk = new FaultyChannels().slowForces(Duration.ofMillis(20));
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).writeQueueCapacity(ROOM).channels(slowDisk)
                .build())) {
            List<CompletableFuture<WriteResult>> appends = new ArrayList<>();
            for (int i = 0; i < APPENDS; i++) {
                byte[] data = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                appends.add(node.client.appendToStream("pressed", EventDataBuilder.json("Pressed", data).build()));
            }

            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(node.client.readStream("pressed", ReadStreamOptions.get()).get(30, TimeUnit.SECONDS)
                    .getEvents()).hasSize(APPENDS);
        }
    }
}
