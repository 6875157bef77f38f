package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One random sequence of operations, run against a fresh embedded store and, through the client,
 * against a fresh node: every outcome must be the same, down to the log positions (the writer is
 * deterministic, so the same requests in the same order give the same positions) and the exact
 * exception and message. Creation times differ between the two runs and are not compared.
 */
class DifferentialTest {

    private static final String[] STREAMS = {"a", "b", "c", "d"};

    @TempDir
    Path embeddedDir;
    @TempDir
    Path remoteDir;

    @Test
    void theSameOperationsHaveTheSameOutcomesEmbeddedAndRemote() {
        String fixed = System.getenv("CAIRN_DIFFERENTIAL_SEED");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        Random random = new Random(seed);
        try (EventStore embedded = Cairn.open(Stores.options(embeddedDir));
                Stores.Remote remote = Stores.Remote.start(remoteDir)) {
            EventStore client = remote.client();
            List<EventData> sent = new ArrayList<>();
            List<String> history = new ArrayList<>();
            for (int step = 0; step < 250; step++) {
                Op op = randomOperation(random, sent);
                Object expected = outcome(op.run(), embedded);
                Object actual = outcome(op.run(), client);
                history.add(step + ": " + op.description() + " -> " + expected);
                assertThat(actual).as("step %d of seed %d after%n%s", step, seed,
                        String.join(System.lineSeparator(), history)).isEqualTo(expected);
            }
            Function<EventStore, Object> everything = s -> normalize(s.readAllToList(ReadAllOptions.forwards()
                    .filter(EventFilter.streamNameRegex("^[abcd]$"))));
            assertThat(outcome(everything, client)).as("seed %d", seed).isEqualTo(outcome(everything, embedded));
        }
    }

    private static Object outcome(Function<EventStore, Object> op, EventStore store) {
        try {
            return op.apply(store);
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static StreamState randomState(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> StreamState.any();
            case 1 -> StreamState.noStream();
            case 2 -> StreamState.streamExists();
            default -> StreamState.at(random.nextInt(6));
        };
    }

    private static List<EventData> randomEvents(Random random, List<EventData> sent) {
        if (!sent.isEmpty() && random.nextInt(6) == 0) {
            // a retry of events sent before: idempotency must answer alike
            int from = random.nextInt(sent.size());
            return List.copyOf(sent.subList(from, Math.min(sent.size(), from + 1 + random.nextInt(3))));
        }
        List<EventData> events = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            events.add(EventData.json("T" + random.nextInt(3), "{\"v\":" + random.nextInt(1000) + "}"));
        }
        sent.addAll(events);
        return List.copyOf(events);
    }

    /** An operation and what it does, for the failure message. */
    private record Op(String description, Function<EventStore, Object> run) {
    }

    private static Op randomOperation(Random random, List<EventData> sent) {
        StreamName s = StreamName.of(STREAMS[random.nextInt(STREAMS.length)]);
        StreamState state = randomState(random);
        int kind = random.nextInt(100);
        if (kind < 45) {
            List<EventData> events = randomEvents(random, sent);
            return new Op("append " + s + " " + state + " " + events.size() + " " + ids(events),
                    store -> store.append(s, state, events));
        }
        if (kind < 52) {
            StreamName other = StreamName.of(STREAMS[(Arrays.asList(STREAMS).indexOf(s.value()) + 1) % STREAMS.length]);
            List<EventData> first = randomEvents(random, sent);
            List<EventData> second = randomEvents(random, sent);
            StreamState otherState = randomState(random);
            return new Op("multi " + s + " " + state + " " + first.size() + ", " + other + " " + otherState + " "
                    + second.size(), store -> store.append(List.of(new AppendRequest(s, state, first),
                            new AppendRequest(other, otherState, second))));
        }
        if (kind < 57) {
            return new Op("delete " + s + " " + state, store -> store.delete(s, state));
        }
        if (kind < 59) {
            return new Op("tombstone " + s + " " + state, store -> store.tombstone(s, state));
        }
        if (kind < 65) {
            StreamMetadata m = random.nextBoolean() ? StreamMetadata.EMPTY.withMaxCount((long) 1 + random.nextInt(4))
                    : StreamMetadata.EMPTY.withTruncateBefore((long) random.nextInt(5));
            return new Op("set metadata " + s + " " + state + " " + m,
                    store -> store.setStreamMetadata(s, state, m).nextExpectedRevision());
        }
        if (kind < 70) {
            return new Op("get metadata " + s, store -> {
                var r = store.getStreamMetadata(s);
                return r.metadata() + "@" + r.metastreamRevision();
            });
        }
        long from = random.nextInt(8);
        long count = 1 + random.nextInt(10);
        ReadStreamOptions options = random.nextBoolean()
                ? ReadStreamOptions.forwards().fromRevision(from).maxCount(count)
                : ReadStreamOptions.backwards().maxCount(count);
        return new Op("read " + s + " " + options, store -> normalize(store.readStreamToList(s, options)));
    }

    private static String ids(List<EventData> events) {
        return events.stream().map(e -> e.id().toString().substring(0, 8)).toList().toString();
    }

    /** What a read returned, without creation times (the two stores' clocks differ). */
    private static List<String> normalize(List<ResolvedEvent> events) {
        List<String> out = new ArrayList<>();
        for (ResolvedEvent e : events) {
            RecordedEvent r = e.event();
            // the store picks the ids of the events it writes itself (tombstones, metadata)
            String id = r.type().isReserved() ? "(system)" : r.id().toString();
            out.add(r.stream() + "@" + r.revision() + " " + id + " " + r.type() + " " + r.dataAsString() + " "
                    + r.position());
        }
        return out;
    }
}
