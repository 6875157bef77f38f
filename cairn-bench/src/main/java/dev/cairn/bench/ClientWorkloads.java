package dev.cairn.bench;

import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadMessage;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The benchmark's workloads through the official KurrentDB Java client: the same events, streams
 * and reads as {@link WriteWorkload} and {@link ReadWorkload} make on an embedded store, so the two
 * can be put side by side.
 */
final class ClientWorkloads {

    /** Deadline of one whole-log read: long enough for any log this benchmark writes. */
    private static final long READ_DEADLINE_MILLIS = 30 * 60 * 1000L;

    private ClientWorkloads() {
    }

    /**
     * Appends through {@code clients}, one per writer: writer {@code w} uses client {@code w}, so
     * N distinct clients are N connections with one append in flight each (the list may also hold
     * one shared client N times). All events of one append go in
     * one {@code appendToStream} call (KurrentDB's v1 Append), with {@code StreamState.any()}.
     */
    static WriteWorkload.Target appends(List<KurrentDBClient> clients, BenchEvents events) {
        AppendToStreamOptions any = AppendToStreamOptions.get().streamState(StreamState.any());
        return (writer, count) -> {
            KurrentDBClient client = clients.get(writer);
            String stream = events.nextStream().value();
            List<EventData> batch = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batch.add(EventDataBuilder.json(BenchEvents.randomId(), BenchEvents.TYPE, events.randomPayload()).build());
            }
            return () -> client.appendToStream(stream, any, batch.iterator()).get();
        };
    }

    /**
     * Reads each of the benchmark's streams fully, forwards, one blocking {@code readStream} call
     * after the other (each answer holds one stream, about a hundred events here).
     */
    static ReadWorkload.Result streams(KurrentDBClient client, BenchEvents events) throws InterruptedException {
        ReadStreamOptions forwards = ReadStreamOptions.get().forwards().fromStart();
        long count = 0;
        long bytes = 0;
        int streams = 0;
        Histogram latency = ReadWorkload.histogram();
        long start = System.nanoTime();
        for (int i = 0; i < events.streamCount(); i++) {
            long t0 = System.nanoTime();
            ReadResult result;
            try {
                result = client.readStream(events.stream(i).value(), forwards).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StreamNotFoundException) {
                    latency.recordValue(System.nanoTime() - t0);
                    continue; // never written in this run
                }
                throw new IllegalStateException("reading " + events.stream(i) + " failed: " + e.getCause(), e);
            }
            for (ResolvedEvent event : result.getEvents()) {
                bytes += event.getOriginalEvent().getEventData().length;
                count++;
            }
            latency.recordValue(System.nanoTime() - t0);
            streams++;
        }
        long nanos = System.nanoTime() - start;
        return new ReadWorkload.Result(Fmt.f("stream reads (%,d calls, %,d streams found and read fully)", events.streamCount(), streams),
                ReadWorkload.blackhole(count, bytes), nanos, latency);
    }

    /**
     * Reads {@code $all} forwards from the start to the end with {@code readAllReactive}: events
     * are counted as they arrive, under the client's flow control, none are held.
     */
    static ReadWorkload.Result all(KurrentDBClient client) throws InterruptedException {
        return all(client, Long.MAX_VALUE);
    }

    /** {@link #all(KurrentDBClient)} up to {@code limit} events. */
    static ReadWorkload.Result all(KurrentDBClient client, long limit) throws InterruptedException {
        CountingSubscriber subscriber = new CountingSubscriber();
        long start = System.nanoTime();
        // The client's default deadline (10 s) bounds the whole call, not each event.
        ReadAllOptions options = ReadAllOptions.get().forwards().fromStart().deadline(READ_DEADLINE_MILLIS);
        if (limit != Long.MAX_VALUE) {
            options.maxCount(limit);
        }
        client.readAllReactive(options).subscribe(subscriber);
        try {
            subscriber.done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading $all failed: " + e.getCause(), e);
        }
        long nanos = System.nanoTime() - start;
        return new ReadWorkload.Result(ReadWorkload.allWhat(limit),
                ReadWorkload.blackhole(subscriber.count.get(), subscriber.bytes.get()), nanos, subscriber.clock.latency());
    }

    /** Counts the events of a read and the bytes of their data; completes {@link #done} at the end. */
    private static final class CountingSubscriber implements Subscriber<ReadMessage> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        // Written by the client's one delivering thread at a time; atomics only publish the totals.
        final AtomicLong count = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        // onNext calls come one at a time, each after the one before (Reactive Streams rule 1.3)
        final ReadWorkload.StepClock clock = new ReadWorkload.StepClock();

        @Override
        public void onSubscribe(Subscription subscription) {
            // The client's flow control is its own whatever the demand: it keeps up to batchSize
            // (512) events requested from the server and hands each one over as it arrives.
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ReadMessage message) {
            if (message.hasEvent()) {
                bytes.addAndGet(message.getEvent().getOriginalEvent().getEventData().length);
                count.incrementAndGet();
                clock.event();
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
