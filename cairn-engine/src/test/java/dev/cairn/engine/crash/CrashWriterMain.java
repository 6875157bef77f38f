package dev.cairn.engine.crash;

import ch.qos.logback.classic.Level;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * The child process of {@link KillWhileWritingTest}: opens the store in {@code args[0]} and appends
 * from {@link #THREADS} threads until it is killed, journaling every attempt and acknowledgement
 * to {@code args[1]} ({@link AckJournal}). Prints {@code READY} on stdout once the store is open and
 * every thread knows its streams' revisions.
 *
 * <p>Each thread owns {@link #STREAMS_PER_THREAD} streams, so it can predict their revisions and
 * use exact expected revisions; the mix is single events, batches of 1-20 events and multi-stream
 * appends over 2-3 of its streams, with expected state any or exact.
 */
public final class CrashWriterMain {

    static final int THREADS = 8;
    static final int STREAMS_PER_THREAD = 6;

    private CrashWriterMain() {
    }

    /**
     * Small segments so kills land around segment rolls; frequent index flushes so they land
     * during RocksDB flushes too, and recovery replays from an index checkpoint mid-log.
     */
    static CairnOptions options(Path dir) {
        return CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(100_000).indexFlushEvents(2_000).build();
    }

    static String stream(int thread, int k) {
        return "w" + thread + "-" + k;
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[2]);
        AckJournal journal = new AckJournal(Path.of(args[1]));
        EventStore store = Cairn.open(options(dir));
        CountDownLatch ready = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                try {
                    new ThreadWriter(store, journal, thread, new Random(seed * 31 + thread), seed, ready).run();
                } catch (Throwable e) {
                    e.printStackTrace();
                    System.out.println("FAILED " + e);
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }, "crash-writer-" + t);
            w.start();
        }
        ready.await();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static final class ThreadWriter {
        private final EventStore store;
        private final AckJournal journal;
        private final int thread;
        private final Random random;
        private final long seed;
        private final CountDownLatch ready;
        private final long[] last = new long[STREAMS_PER_THREAD];
        private long attempts;

        ThreadWriter(EventStore store, AckJournal journal, int thread, Random random, long seed, CountDownLatch ready) {
            this.store = store;
            this.journal = journal;
            this.thread = thread;
            this.random = random;
            this.seed = seed;
            this.ready = ready;
        }

        void run() throws Exception {
            for (int k = 0; k < STREAMS_PER_THREAD; k++) {
                last[k] = lastRevision(k);
            }
            ready.countDown();
            while (true) {
                int op = random.nextInt(10);
                if (op < 4) {
                    appendOne(1);
                } else if (op < 8) {
                    appendOne(1 + random.nextInt(20));
                } else {
                    appendMulti();
                }
            }
        }

        private long lastRevision(int k) {
            try {
                List<ResolvedEvent> events = store.readStreamToList(StreamName.of(stream(thread, k)),
                        ReadStreamOptions.backwards().maxCount(1));
                return events.isEmpty() ? -1 : events.get(0).event().revision();
            } catch (StreamNotFoundException e) {
                return -1;
            }
        }

        private StreamState expected(int k) {
            if (random.nextBoolean()) {
                return StreamState.any();
            }
            return last[k] < 0 ? StreamState.noStream() : StreamState.at(last[k]);
        }

        private List<EventData> events(int n) {
            List<EventData> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int size = random.nextInt(20) == 0 ? 10_000 + random.nextInt(50_000) : 20 + random.nextInt(500);
                byte[] data = new byte[size];
                random.nextBytes(data);
                events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), EventType.of("Crashed"),
                        ContentType.BINARY, data, null));
            }
            return events;
        }

        private String attemptId() {
            return seed + "-" + thread + "-" + attempts++;
        }

        private void appendOne(int n) throws Exception {
            int k = random.nextInt(STREAMS_PER_THREAD);
            AppendRequest request = new AppendRequest(StreamName.of(stream(thread, k)), expected(k), events(n));
            String id = attemptId();
            journal.write("T " + id + " " + attemptPart(request));
            AppendResult result;
            try {
                result = store.append(request.stream(), request.expected(), request.events());
            } catch (RuntimeException e) {
                failed(id, e, k);
                return;
            }
            if (!check(id, request, result, k)) {
                return;
            }
            journal.write("A " + id + " " + ackPart(request, result));
        }

        private void appendMulti() throws Exception {
            List<Integer> ks = new ArrayList<>();
            int streams = 2 + random.nextInt(2);
            while (ks.size() < streams) {
                int k = random.nextInt(STREAMS_PER_THREAD);
                if (!ks.contains(k)) {
                    ks.add(k);
                }
            }
            List<AppendRequest> requests = new ArrayList<>();
            for (int k : ks) {
                requests.add(new AppendRequest(StreamName.of(stream(thread, k)), expected(k), events(1 + random.nextInt(5))));
            }
            String id = attemptId();
            journal.write("T " + id + " " + requests.stream().map(CrashWriterMain::attemptPart)
                    .collect(Collectors.joining(";")));
            List<AppendResult> results;
            try {
                results = store.append(requests).results();
            } catch (RuntimeException e) {
                for (int k : ks) {
                    failed(id, e, k);
                }
                return;
            }
            StringBuilder ack = new StringBuilder("A ").append(id).append(' ');
            for (int i = 0; i < ks.size(); i++) {
                if (!check(id, requests.get(i), results.get(i), ks.get(i))) {
                    return;
                }
                ack.append(i == 0 ? "" : ";").append(ackPart(requests.get(i), results.get(i)));
            }
            journal.write(ack.toString());
        }

        /** Checks the result against what this thread predicted; journals a failure when it differs. */
        private boolean check(String id, AppendRequest request, AppendResult result, int k) throws Exception {
            long expectedLast = last[k] + request.events().size();
            if (result.nextExpectedRevision() != expectedLast) {
                journal.write("E " + id + " " + request.stream() + " acknowledged revision " + result.nextExpectedRevision()
                        + ", expected " + expectedLast);
                last[k] = lastRevision(k);
                return false;
            }
            last[k] = expectedLast;
            return true;
        }

        private void failed(String id, RuntimeException e, int k) throws Exception {
            journal.write("E " + id + " " + String.valueOf(e).replace('\n', ' '));
            last[k] = lastRevision(k);
        }
    }

    static String attemptPart(AppendRequest r) {
        return r.stream().value() + "=" + r.expected().toString().replace(' ', '_') + "="
                + r.events().stream().map(e -> e.id().toString()).collect(Collectors.joining(","));
    }

    static String ackPart(AppendRequest r, AppendResult result) {
        long lastRev = result.nextExpectedRevision();
        return r.stream().value() + "=" + (lastRev - r.events().size() + 1) + "=" + lastRev + "="
                + result.position().prepare() + "="
                + r.events().stream().map(e -> e.id().toString()).collect(Collectors.joining(","));
    }
}
