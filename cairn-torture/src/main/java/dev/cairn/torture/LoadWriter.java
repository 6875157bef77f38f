package dev.cairn.torture;

import dev.cairn.torture.Ledger.Attempt;
import dev.cairn.torture.Ledger.Kind;
import dev.cairn.torture.Ledger.Outcome;
import dev.cairn.torture.Ledger.Part;
import io.kurrent.dbclient.AppendResponse;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteResult;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.MultiStreamAppendResponse;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One writer of the load: owns a few streams, so it knows their revisions and can append with
 * exact expected revisions, and mixes single appends, batches, multi-stream appends, appends with
 * a wrong expected revision (which must be refused and never appear), soft deletes and tombstones.
 * Each attempt goes into the {@link Ledger} before it is sent.
 *
 * <p>A stream whose last attempt's outcome is unknown (cut off by a kill) has an unknown revision:
 * its next append expects {@code any} and learns the revision from the answer. A tombstoned stream
 * is replaced by a new one. Runs on one thread at a time; the state carries over between rounds.
 */
final class LoadWriter {

    private static final long DEADLINE_MILLIS = 5_000;

    private final int id;
    private final Ledger ledger;
    private final Random random;
    private final List<String> streams = new ArrayList<>();
    /** Last known revision per stream; absent = unknown (append with any), -1 = no stream. */
    private final Map<String, Long> revisions = new HashMap<>();
    private int generation;
    private int unanswered;
    private long operations;
    private long busyNanos;
    private volatile java.util.function.LongConsumer latencies;

    LoadWriter(int id, int streamCount, Ledger ledger, long seed) {
        this.id = id;
        this.ledger = ledger;
        this.random = new Random(seed);
        for (int k = 0; k < streamCount; k++) {
            String stream = name(k);
            streams.add(stream);
            revisions.put(stream, -1L);
        }
    }

    private String name(int k) {
        return "torture-w" + id + "-s" + k + "-g" + generation++;
    }

    /** Every revision becomes unknown: after a kill nobody knows which cut-off attempts landed. */
    void forgetRevisions() {
        revisions.clear();
    }

    /** Writes until {@code stopped} says so (after the kill, calls fail fast until then). */
    void run(KurrentDBClient client, int round, java.util.function.BooleanSupplier stopped) {
        while (!stopped.getAsBoolean()) {
            if (!step(client, round)) {
                unanswered++;
            }
        }
    }

    /** Attempts whose outcome is unknown so far (cut off by kills, or failed without an answer). */
    int unanswered() {
        return unanswered;
    }

    /** One operation; false when its outcome is unknown. */
    boolean step(KurrentDBClient client, int round) {
        long started = System.nanoTime();
        boolean answered = operation(client, round);
        long took = System.nanoTime() - started;
        busyNanos += took;
        operations++;
        java.util.function.LongConsumer sink = latencies;
        if (sink != null) {
            sink.accept(took);
        }
        return answered;
    }

    /** Where each operation's latency in nanoseconds goes from now on (the soak samples them). */
    void recordLatencies(java.util.function.LongConsumer sink) {
        this.latencies = sink;
    }

    /** "N operations, M ms each on average" since the start. */
    String stats() {
        return operations + " operations, " + (operations == 0 ? 0 : busyNanos / operations / 1_000_000) + " ms each";
    }

    private boolean operation(KurrentDBClient client, int round) {
        int dice = random.nextInt(100);
        int k = random.nextInt(streams.size());
        String stream = streams.get(k);
        if (dice < 35) {
            return append(client, round, stream, 1, false);
        } else if (dice < 60) {
            return append(client, round, stream, 2 + random.nextInt(19), false);
        } else if (dice < 80) {
            return multiStreamAppend(client, round);
        } else if (dice < 90) {
            return append(client, round, stream, 1 + random.nextInt(3), true);
        } else if (dice < 97) {
            return delete(client, round, k, false);
        } else {
            return delete(client, round, k, true);
        }
    }

    private StreamState expected(String stream) {
        Long revision = revisions.get(stream);
        if (revision == null) {
            return StreamState.any();
        }
        return revision < 0 ? StreamState.noStream() : StreamState.streamRevision(revision);
    }

    private List<EventData> events(int n, List<UUID> ids) {
        List<EventData> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            UUID eventId = UUID.randomUUID();
            ids.add(eventId);
            String pad = "x".repeat(random.nextInt(400));
            byte[] data = ("{\"writer\":" + id + ",\"n\":" + i + ",\"pad\":\"" + pad + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            events.add(EventData.builderAsJson(eventId, "TortureEvent", data).build());
        }
        return events;
    }

    private boolean append(KurrentDBClient client, int round, String stream, int n, boolean wrongExpected) {
        List<UUID> ids = new ArrayList<>();
        List<EventData> events = events(n, ids);
        Long known = revisions.get(stream);
        if (wrongExpected && known == null) {
            wrongExpected = false; // nothing known to be wrong about
        }
        StreamState expected = wrongExpected ? StreamState.streamRevision(known + 1 + random.nextInt(5))
                : expected(stream);
        Attempt attempt = ledger.record(round, Kind.APPEND, List.of(new Part(stream, ids)));
        try {
            WriteResult result = client.appendToStream(stream, AppendToStreamOptions.get().streamState(expected)
                    .deadline(DEADLINE_MILLIS), events.iterator()).get(DEADLINE_MILLIS * 2, TimeUnit.MILLISECONDS);
            long last = result.getNextExpectedRevision().toRawLong();
            attempt.parts.get(0).lastRevision()[0] = last;
            attempt.position = result.getLogPosition().getCommitUnsigned();
            attempt.outcome = Outcome.ACKNOWLEDGED;
            revisions.put(stream, last);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WrongExpectedVersionException) {
                attempt.outcome = Outcome.REFUSED;
                if (!wrongExpected) {
                    revisions.remove(stream); // someone's view was stale: learn it from the next append
                }
                return true;
            }
            revisions.remove(stream);
            return false;
        } catch (Exception e) {
            revisions.remove(stream);
            return false;
        }
    }

    private boolean multiStreamAppend(KurrentDBClient client, int round) {
        List<String> chosen = new ArrayList<>(streams);
        java.util.Collections.shuffle(chosen, random);
        chosen = chosen.subList(0, Math.min(chosen.size(), 2 + random.nextInt(2)));
        List<Part> parts = new ArrayList<>();
        List<AppendStreamRequest> requests = new ArrayList<>();
        for (String stream : chosen) {
            List<UUID> ids = new ArrayList<>();
            List<EventData> events = events(1 + random.nextInt(4), ids);
            parts.add(new Part(stream, ids));
            requests.add(new AppendStreamRequest(stream, events.iterator(), expected(stream)));
        }
        Attempt attempt = ledger.record(round, Kind.MULTI_STREAM_APPEND, parts);
        try {
            MultiStreamAppendResponse response = client.multiStreamAppend(requests.iterator())
                    .get(DEADLINE_MILLIS * 2, TimeUnit.MILLISECONDS);
            List<AppendResponse> results = response.getResults();
            for (int i = 0; i < parts.size(); i++) {
                AppendResponse r = results.get(i);
                Part part = parts.get(i);
                if (!r.getStream().equals(part.stream())) {
                    throw new IllegalStateException("multi-stream append answered " + r.getStream() + " for "
                            + part.stream());
                }
                part.lastRevision()[0] = r.getStreamRevision();
                revisions.put(part.stream(), r.getStreamRevision());
            }
            attempt.position = response.getPosition();
            attempt.outcome = Outcome.ACKNOWLEDGED;
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WrongExpectedVersionException) {
                attempt.outcome = Outcome.REFUSED;
                chosen.forEach(revisions::remove);
                return true;
            }
            chosen.forEach(revisions::remove);
            return false;
        } catch (Exception e) {
            chosen.forEach(revisions::remove);
            return false;
        }
    }

    private boolean delete(KurrentDBClient client, int round, int k, boolean tombstone) {
        String stream = streams.get(k);
        StreamState expected = expected(stream);
        Attempt attempt = ledger.record(round, tombstone ? Kind.TOMBSTONE : Kind.DELETE,
                List.of(new Part(stream, List.of())));
        DeleteStreamOptions options = DeleteStreamOptions.get().streamState(expected).deadline(DEADLINE_MILLIS);
        try {
            DeleteResult result = (tombstone ? client.tombstoneStream(stream, options)
                    : client.deleteStream(stream, options)).get(DEADLINE_MILLIS * 2, TimeUnit.MILLISECONDS);
            attempt.position = result.getPosition().getCommitUnsigned();
            attempt.outcome = Outcome.ACKNOWLEDGED;
            if (tombstone) {
                streams.set(k, name(k));
                revisions.put(streams.get(k), -1L);
            } else {
                revisions.remove(stream); // writes continue after a soft delete; learn the revision then
            }
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WrongExpectedVersionException
                    || e.getCause() instanceof io.kurrent.dbclient.StreamNotFoundException) {
                attempt.outcome = Outcome.REFUSED;
                revisions.remove(stream);
                return true;
            }
            revisions.remove(stream);
            if (tombstone) {
                // it may have landed: never write to it again
                streams.set(k, name(k));
                revisions.put(streams.get(k), -1L);
            }
            return false;
        } catch (Exception e) {
            revisions.remove(stream);
            if (tombstone) {
                streams.set(k, name(k));
                revisions.put(streams.get(k), -1L);
            }
            return false;
        }
    }
}
