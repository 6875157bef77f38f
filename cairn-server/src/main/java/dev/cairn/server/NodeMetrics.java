package dev.cairn.server;

import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.engine.FlushObserver;
import dev.cairn.engine.persistent.PersistentSubscriptionService;
import dev.cairn.engine.projections.Projections;
import dev.cairn.engine.streams.EmbeddedEventStore;
import dev.cairn.server.grpc.CallMetrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.TimeWindowMax;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The node's metrics in Prometheus' text format on {@code GET /metrics}, under KurrentDB's names
 * where KurrentDB has the metric (so that its dashboards find them), the JVM's and the process's
 * under Micrometer's usual names, and a few of Cairn's own under {@code cairn_}. See
 * docs/reliability.md for the list.
 *
 * <p>The store tells it of each durable group ({@link FlushObserver}, on the sync thread: a few
 * counter and max updates); gRPC calls are counted by a decorator ({@link #grpcCalls()}) when they
 * end; the persistent subscription groups and the projections are looked at on each scrape.
 * Thread-safe.
 */
final class NodeMetrics implements AutoCloseable {

    /** KurrentDB reports its recent maxima over 16-20 s for a 15 s scrape interval; these cover 15-20 s. */
    private static final long MAX_ROTATE_MILLIS = 5_000;
    private static final int MAX_BUFFERS = 4;
    private static final String MAX_RANGE = "15-20 seconds";

    /** KurrentDB's buckets for gRPC method durations: decades from 1 µs to 10 s. */
    private static final Duration[] DECADES = {Duration.ofNanos(1_000), Duration.ofNanos(10_000),
            Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ofSeconds(10)};

    /**
     * The calls timed whole, by path: those that are one operation from request to answer. A
     * {@code Read} is timed too unless it subscribes (a subscription lasts as long as the client
     * keeps it), and {@code BatchAppend}, one call for many appends, is timed per batch, both as
     * KurrentDB times them ({@link CallMetrics}).
     */
    private static final Map<String, String> TIMED = Map.of(
            "/event_store.client.streams.Streams/Append", "append",
            "/kurrentdb.protocol.v2.streams.StreamsService/AppendSession", "append",
            "/kurrentdb.protocol.v2.streams.StreamsService/AppendRecords", "append",
            "/event_store.client.streams.Streams/Delete", "delete",
            "/event_store.client.streams.Streams/Tombstone", "tombstone");
    private static final String READ = "/event_store.client.streams.Streams/Read";
    private static final String BATCH_APPEND = "/event_store.client.streams.Streams/BatchAppend";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private final Counter eventsWritten;
    private final Counter bytesWritten;
    private final Timer flushes;
    private final TimeWindowMax flushSizeMax;
    private final TimeWindowMax flushDurationMax;
    private volatile long durableEnd;

    private final AtomicInteger currentCalls = new AtomicInteger();
    private final Counter callsTotal;
    private final Counter callsFailed;
    private final Counter callsUnimplemented;
    private final Counter callsDeadlineExceeded;
    private final Map<String, Timer> succeeded;
    private final Map<String, Timer> failed;

    /** The store's groups, looked at on each scrape; null when the store is not an embedded one. */
    private final PersistentSubscriptionService persistent;
    private final MultiGauge groupConnections;
    private final MultiGauge groupParked;
    private final MultiGauge groupInFlight;
    private final MultiGauge groupLastKnownNumber;
    private final MultiGauge groupLastKnownPosition;
    private final MultiGauge groupCheckpointedNumber;
    private final MultiGauge groupCheckpointedPosition;
    /** Events each group sent, by the group's tags: counters come and go with the groups. */
    private final Map<Tags, LiveCounter> itemsProcessed = new HashMap<>();

    /** The store's projections, looked at on each scrape; null when it runs none. */
    private final Projections projections;
    private final Supplier<Position> head;
    private final MultiGauge projectionProgress;
    private final MultiGauge projectionRunning;
    private final MultiGauge projectionStatus;
    /** Events each projection handled since it started, by projection: counters come and go with them. */
    private final Map<Tags, LiveCounter> projectionEvents = new HashMap<>();

    /** A counter that comes and goes with what it counts (a group, a projection), and its value. */
    private record LiveCounter(AtomicLong total, FunctionCounter counter) {
    }

    NodeMetrics(EventStore store) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);

        durableEnd = store.headPosition().commit();
        Gauge.builder("kurrentdb.checkpoints", this, m -> m.durableEnd)
                .description("The end of the durable log (KurrentDB's writer checkpoint), a log position")
                .tags("name", "writer", "read", "non-flushed").register(registry);
        eventsWritten = Counter.builder("kurrentdb.io.events").description("Events written")
                .tag("activity", "written").register(registry);
        bytesWritten = Counter.builder("kurrentdb.io.bytes").description("Bytes written to the log")
                .tag("activity", "written").register(registry);
        if (store instanceof EmbeddedEventStore embedded) {
            FunctionCounter.builder("kurrentdb.io.events", embedded, EmbeddedEventStore::eventsRead)
                    .description("Events read from the log").tag("activity", "read").register(registry);
            FunctionCounter.builder("kurrentdb.io.bytes", embedded, EmbeddedEventStore::eventBytesRead)
                    .description("Bytes of events read from the log").tag("activity", "read").register(registry);
        }
        flushes = Timer.builder("cairn.writer.flush.duration")
                .description("Write and fdatasync of one group of appends")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
                        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1))
                .register(registry);
        flushSizeMax = new TimeWindowMax(Clock.SYSTEM, MAX_ROTATE_MILLIS, MAX_BUFFERS);
        flushDurationMax = new TimeWindowMax(Clock.SYSTEM, MAX_ROTATE_MILLIS, MAX_BUFFERS);
        Gauge.builder("kurrentdb.writer.flush.size.max", flushSizeMax, TimeWindowMax::poll)
                .description("Recent maximum flush size in bytes").tag("range", MAX_RANGE).register(registry);
        Gauge.builder("kurrentdb.writer.flush.duration.max", flushDurationMax, TimeWindowMax::poll)
                .description("Recent maximum flush duration in seconds").baseUnit("seconds").tag("range", MAX_RANGE)
                .register(registry);

        Gauge.builder("kurrentdb.current.incoming.grpc.calls", currentCalls, AtomicInteger::get)
                .description("gRPC calls started and not yet ended").register(registry);
        callsTotal = calls("total");
        callsFailed = calls("failed");
        callsUnimplemented = calls("unimplemented");
        callsDeadlineExceeded = calls("deadline-exceeded");
        succeeded = timers("successful");
        failed = timers("failed");

        persistent = store instanceof EmbeddedEventStore embedded
                && embedded.persistentSubscriptions() instanceof PersistentSubscriptionService service ? service : null;
        groupConnections = groupGauge("connections", "Consumers connected");
        groupParked = groupGauge("parked.messages", "Events in the parked-message stream, not yet replayed");
        groupInFlight = groupGauge("in.flight.messages", "Events sent and not yet acknowledged");
        groupLastKnownNumber = groupGauge("last.known.event.number", "Last event read from the stream");
        groupLastKnownPosition = groupGauge("last.known.event.commit.position", "Last event read from $all");
        groupCheckpointedNumber = groupGauge("checkpointed.event.number", "Last checkpointed event of the stream");
        groupCheckpointedPosition = groupGauge("checkpointed.event.commit.position", "Last checkpointed event of $all");

        projections = store instanceof EmbeddedEventStore embedded ? embedded.projections() : null;
        head = store::headPosition;
        projectionProgress = MultiGauge.builder("kurrentdb.projection.progress")
                .description("How far through the log a projection is, 0 to 1").register(registry);
        projectionRunning = MultiGauge.builder("kurrentdb.projection.running")
                .description("1 while a projection runs, else 0").register(registry);
        projectionStatus = MultiGauge.builder("kurrentdb.projection.status")
                .description("1 for a projection's status (Running, Faulted or Stopped), 0 for the others")
                .register(registry);
    }

    /**
     * Sets the projection meters from the projections as they are now: KurrentDB's {@code
     * kurrentdb_projection_*}, one time series per projection (per status for the status).
     */
    private synchronized void refreshProjections() {
        List<Projections.Statistics> all;
        try {
            all = projections == null ? List.of() : projections.statistics();
        } catch (RuntimeException e) {
            all = List.of(); // the store is closing
        }
        Position end = head.get();
        List<MultiGauge.Row<?>> progress = new ArrayList<>();
        List<MultiGauge.Row<?>> running = new ArrayList<>();
        List<MultiGauge.Row<?>> status = new ArrayList<>();
        Set<Tags> present = new HashSet<>();
        for (Projections.Statistics p : all) {
            Tags tags = Tags.of("projection", p.name());
            present.add(tags);
            progress.add(MultiGauge.Row.of(tags, p.progress(end) / 100.0));
            running.add(MultiGauge.Row.of(tags, p.status().equals("Running") ? 1 : 0));
            for (String s : List.of("Running", "Faulted", "Stopped")) {
                status.add(MultiGauge.Row.of(tags.and("status", s), p.status().equals(s) ? 1 : 0));
            }
            projectionEvents.computeIfAbsent(tags, t -> {
                AtomicLong total = new AtomicLong();
                return new LiveCounter(total, FunctionCounter.builder(
                        "kurrentdb.projection.events.processed.after.restart", total, AtomicLong::get)
                        .description("Events of $all a projection handled since it started").tags(t)
                        .register(registry));
            }).total().set(p.eventsProcessed());
        }
        removeGone(projectionEvents, present);
        projectionProgress.register(progress, true);
        projectionRunning.register(running, true);
        projectionStatus.register(status, true);
    }

    private MultiGauge groupGauge(String name, String description) {
        return MultiGauge.builder("kurrentdb.persistent.sub." + name).description(description).register(registry);
    }

    /**
     * Sets the persistent-subscription meters from the groups as they are now: KurrentDB's
     * {@code kurrentdb_persistent_sub_*}, one time series per group. Looks without ending the
     * groups' measurement periods, which {@code GetInfo} reports.
     */
    private synchronized void refreshGroups() {
        List<PersistentSubscriptionInfo> groups;
        try {
            groups = persistent == null ? List.of() : persistent.snapshot();
        } catch (RuntimeException e) {
            groups = List.of(); // the store is closing
        }
        List<MultiGauge.Row<?>> connections = new ArrayList<>();
        List<MultiGauge.Row<?>> parked = new ArrayList<>();
        List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
        List<MultiGauge.Row<?>> lastKnownNumber = new ArrayList<>();
        List<MultiGauge.Row<?>> lastKnownPosition = new ArrayList<>();
        List<MultiGauge.Row<?>> checkpointedNumber = new ArrayList<>();
        List<MultiGauge.Row<?>> checkpointedPosition = new ArrayList<>();
        Set<Tags> present = new HashSet<>();
        for (PersistentSubscriptionInfo g : groups) {
            Tags tags = Tags.of("event_stream_id", g.source().value(), "group_name", g.group());
            present.add(tags);
            connections.add(MultiGauge.Row.of(tags, g.connections().size()));
            parked.add(MultiGauge.Row.of(tags, g.parkedMessageCount()));
            inFlight.add(MultiGauge.Row.of(tags, g.totalInFlightMessages()));
            boolean all = g.source().isAll();
            addPosition(all ? lastKnownPosition : lastKnownNumber, tags, g.lastKnownEventPosition());
            addPosition(all ? checkpointedPosition : checkpointedNumber, tags, g.lastCheckpointedEventPosition());
            itemsProcessed.computeIfAbsent(tags, t -> {
                AtomicLong total = new AtomicLong();
                return new LiveCounter(total, FunctionCounter.builder("kurrentdb.persistent.sub.items.processed",
                        total, AtomicLong::get).description("Events sent to consumers").tags(t).register(registry));
            }).total().set(g.totalItems());
        }
        removeGone(itemsProcessed, present);
        groupConnections.register(connections, true);
        groupParked.register(parked, true);
        groupInFlight.register(inFlight, true);
        groupLastKnownNumber.register(lastKnownNumber, true);
        groupLastKnownPosition.register(lastKnownPosition, true);
        groupCheckpointedNumber.register(checkpointedNumber, true);
        groupCheckpointedPosition.register(checkpointedPosition, true);
    }

    /** Removes the counters of what is no longer {@code present}. */
    private void removeGone(Map<Tags, LiveCounter> counters, Set<Tags> present) {
        for (var it = counters.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!present.contains(e.getKey())) {
                registry.remove(e.getValue().counter());
                it.remove();
            }
        }
    }

    /**
     * A group's position as a number: a stream revision ({@code 5}) or the commit position of
     * {@code $all} ({@code C:123/P:123}); nothing when the group has none yet.
     */
    private static void addPosition(List<MultiGauge.Row<?>> rows, Tags tags, String position) {
        if (position == null || position.isEmpty()) {
            return;
        }
        try {
            String number = position.startsWith("C:") ? position.substring(2, position.indexOf('/')) : position;
            rows.add(MultiGauge.Row.of(tags, Long.parseLong(number)));
        } catch (RuntimeException e) {
            // not a form the groups write: left out rather than reported wrong
        }
    }

    private Counter calls(String kind) {
        return Counter.builder("kurrentdb.incoming.grpc.calls").description("gRPC calls, by outcome")
                .tag("kind", kind).register(registry);
    }

    private Map<String, Timer> timers(String status) {
        return Map.of("append", timer("append", status), "read", timer("read", status),
                "delete", timer("delete", status), "tombstone", timer("tombstone", status));
    }

    private Timer timer(String activity, String status) {
        return Timer.builder("kurrentdb.grpc.method.duration").description("gRPC calls from request to answer")
                .tags("activity", activity, "status", status).serviceLevelObjectives(DECADES).register(registry);
    }

    /** Given to the store: called on its sync thread for each durable group. */
    FlushObserver flushObserver() {
        return (events, bytes, nanos, end) -> {
            eventsWritten.increment(events);
            bytesWritten.increment(bytes);
            flushes.record(nanos, TimeUnit.NANOSECONDS);
            flushSizeMax.record(bytes);
            flushDurationMax.record(nanos / 1e9);
            durableEnd = end;
        };
    }

    /** Decorates the gRPC services: counts every call and times the ones in {@link #TIMED}. */
    DecoratingHttpServiceFunction grpcCalls() {
        return this::serveCounted;
    }

    private HttpResponse serveCounted(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
            throws Exception {
        long started = System.nanoTime();
        currentCalls.incrementAndGet();
        callsTotal.increment();
        if (BATCH_APPEND.equals(ctx.path())) {
            ctx.setAttr(CallMetrics.BATCH_TIMER, (nanos, ok) ->
                    (ok ? succeeded : failed).get("append").record(nanos, TimeUnit.NANOSECONDS));
        }
        ctx.log().whenComplete().thenAccept(log -> ended(log, activity(ctx), started));
        return delegate.serve(ctx, req);
    }

    /** How the call is timed when it ends: its activity, or null when it is not timed whole. */
    private static String activity(ServiceRequestContext ctx) {
        if (READ.equals(ctx.path())) {
            return Boolean.TRUE.equals(ctx.attr(CallMetrics.SUBSCRIPTION)) ? null : "read";
        }
        return TIMED.get(ctx.path());
    }

    private void ended(RequestLog log, String activity, long started) {
        String status = grpcStatus(log);
        boolean ok = "0".equals(status);
        if (!ok) {
            callsFailed.increment();
            if ("12".equals(status)) {
                callsUnimplemented.increment();
            } else if ("4".equals(status)) {
                callsDeadlineExceeded.increment();
            }
        }
        if (activity != null) {
            (ok ? succeeded : failed).get(activity).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        currentCalls.decrementAndGet(); // last: once it reads 0, every ended call is counted
    }

    /** The call's gRPC status code, from its trailers or (trailers-only answers) its headers; null if none. */
    private static String grpcStatus(RequestLog log) {
        HttpHeaders trailers = log.responseTrailers();
        String status = trailers.get("grpc-status");
        return status != null ? status : log.responseHeaders().get("grpc-status");
    }

    /** {@code GET /metrics}. */
    HttpService endpoint() {
        // a scrape may read the parked-message streams' lengths: off the event loop
        return (ctx, req) -> HttpResponse.of(CompletableFuture.supplyAsync(() -> {
            refreshGroups();
            refreshProjections();
            return HttpResponse.of(HttpStatus.OK, MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                    registry.scrape());
        }, ctx.blockingTaskExecutor()));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
