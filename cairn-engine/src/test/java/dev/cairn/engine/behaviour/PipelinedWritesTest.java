package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The write path keeps two groups in flight (one being built, one being synced and indexed). Many
 * writers racing on a few streams with exact expected revisions keep both busy at once; whatever
 * stage an earlier write is in, a decision must see it, and an acknowledged append must be
 * readable at once.
 */
class PipelinedWritesTest extends StoreFixture {

    private static final int WRITERS = 8;
    private static final int APPENDS = 150;
    private static final String[] STREAMS = {"race-0", "race-1", "race-2"};

    @Test
    void racingWritersSeeEveryEarlierWriteAndReadTheirOwn() throws Exception {
        Map<String, Set<Long>> accepted = new ConcurrentHashMap<>();
        for (String s : STREAMS) {
            accepted.put(s, ConcurrentHashMap.newKeySet());
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(pool.submit(() -> race(accepted)));
            }
            int total = 0;
            for (Future<Integer> f : writers) {
                total += f.get();
            }
            int written = 0;
            for (String s : STREAMS) {
                List<RecordedEvent> events = read(s);
                assertThat(revisions(events)).containsExactlyElementsOf(
                        LongStream.range(0, events.size()).boxed().toList());
                assertThat(accepted.get(s)).containsExactlyInAnyOrderElementsOf(revisions(events));
                written += events.size();
            }
            assertThat(written).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One writer: appends with the revision it believes current, learning the real one from failures. */
    private int race(Map<String, Set<Long>> accepted) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Map<String, Long> believed = new ConcurrentHashMap<>();
        int written = 0;
        for (int i = 0; i < APPENDS; i++) {
            String stream = STREAMS[random.nextInt(STREAMS.length)];
            long expected = believed.getOrDefault(stream, -1L);
            StreamState state = expected < 0 ? StreamState.noStream() : StreamState.at(expected);
            EventData event = event();
            AppendResult result;
            try {
                result = append(stream, state, event);
            } catch (WrongExpectedVersionException e) {
                StreamState actual = e.actual();
                believed.put(stream, actual instanceof StreamState.AtRevision at ? at.revision() : -1L);
                continue;
            }
            long revision = result.nextExpectedRevision();
            assertThat(revision).isEqualTo(expected + 1);
            assertThat(accepted.get(stream).add(revision)).as("revision %d of %s given twice", revision, stream)
                    .isTrue();
            written++;
            believed.put(stream, revision);
            // read your write, at once
            List<RecordedEvent> mine = read(stream, ReadStreamOptions.forwards().fromRevision(revision).maxCount(1));
            assertThat(recordedIds(mine)).containsExactly(event.id());
            // a retry of what was just acknowledged is recognised, whatever stage its group is in
            if (i % 5 == 0) {
                assertThat(append(stream, state, event)).isEqualTo(result);
                assertThat(append(stream, StreamState.any(), event)).isEqualTo(result);
            }
        }
        return written;
    }

    /**
     * Soft deletes and the appends that undelete, submitted without waiting, so that a decision
     * often meets a delete whose group is still being synced.
     */
    @Test
    void anAppendRightAfterASoftDeleteUndeletesWhateverStageTheDeleteIsIn() {
        int streams = 60;
        for (int i = 0; i < streams; i++) {
            seed("deleted-" + i, 3);
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            pending.add(store.deleteAsync(name("deleted-" + i), StreamState.at(2)));
            pending.add(store.appendAsync(name("deleted-" + i), StreamState.any(), events(1)));
        }
        pending.forEach(CompletableFuture::join);
        for (int i = 0; i < streams; i++) {
            assertThat(revisions(read("deleted-" + i))).as("deleted-%d", i).containsExactly(3L);
            assertThat(store.getStreamMetadata(name("deleted-" + i)).metadata().truncateBefore()).isEqualTo(3L);
        }
    }
}
