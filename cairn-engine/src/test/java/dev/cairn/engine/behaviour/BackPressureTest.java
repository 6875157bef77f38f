package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.StreamState;
import dev.cairn.engine.CairnOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A store with room for only a few writes in flight: callers beyond it wait for room, and that
 * wait always ends, whichever thread the waiting caller's earlier appends complete on.
 */
class BackPressureTest extends StoreFixture {

    private static final int ROOM = 4;

    @Override
    CairnOptions.Builder options() {
        return super.options().writeQueueCapacity(ROOM);
    }

    /**
     * The gRPC face appends from a connection's event loop and has the appends complete on that
     * same loop. When the loop waits for room, the appends that hold the room must give it back
     * without the loop running their completions, or the loop waits for itself forever.
     */
    @Test
    void aCallerWaitingForRoomOnTheExecutorItsAppendsCompleteOnIsNotDeadlocked() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        try {
            List<CompletableFuture<AppendResult>> appends = new CopyOnWriteArrayList<>();
            Future<?> flood = loop.submit(() -> {
                for (int i = 0; i < 16 * ROOM; i++) {
                    appends.add(store.appendAsync(name("flood"), StreamState.any(), List.of(event()), loop));
                }
            });

            flood.get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(appends).hasSize(16 * ROOM);
            assertThat(read("flood")).hasSize(16 * ROOM);
        } finally {
            loop.shutdownNow();
        }
    }
}
