package dev.cairn.engine.projections;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.engine.projections.StandardProjection.Emitted;
import dev.cairn.engine.projections.StandardProjection.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user projection: a JavaScript query in KurrentDB's projection language, run by GraalJS in a
 * context of its own. It reads {@code $all}, keeps only what its source takes ({@code fromAll()},
 * {@code fromStream(s)}, {@code fromStreams(...)}, {@code fromCategory(...)}) and the event types
 * it handles, and folds each event into the state of its partition (one state, one per stream with
 * {@code foreachStream()}, or one per {@code partitionBy} key).
 *
 * <p>With {@code $initShared} (bi-state) and partitions, handlers see {@code [partition state,
 * shared state]} and may return a new pair; the shared state is the checkpoint's data.
 *
 * <p>KurrentDB's streams hold what it writes: the checkpoint, with the state as its data, in
 * {@code $projections-<name>-checkpoint}; a partition's state as {@code $Checkpoint} events in
 * {@code $projections-<name>-<partition>-checkpoint}; with {@code outputState()} (or a {@code
 * transformBy}/{@code filterBy}) the result as {@code Result} events in {@code
 * $projections-<name>-result} (per partition {@code $projections-<name>-<partition>-result}),
 * unless {@code outputTo}/{@code resultStreamName} names others; and what it emits ({@code emit},
 * {@code linkTo}, {@code linkStreamTo}), which needs emit enabled. All of a batch's writes and its
 * checkpoint are one atomic append ({@link ProjectionRunner}), so states, results and emitted
 * events are exactly once across crashes.
 *
 * <p>A query that does not compile, a handler that throws or runs too long, an emit without emit
 * enabled: each faults the projection with the reason, and it stays stopped until it is enabled,
 * updated or reset.
 */
final class JsProjectionWork implements ProjectionWork {

    private static final Logger LOG = LoggerFactory.getLogger(JsProjectionWork.class);
    private static final String PRELUDE = prelude();
    /** Partition states kept in memory at most (more are read back from their streams when needed). */
    private static final int PARTITIONS_KEPT = 10_000;
    /** KurrentDB's {@code $maxCount} of a partition's state stream. */
    private static final long PARTITION_STATES_KEPT = 2;
    /** Statements one event's handling may run: ends an endless loop instead of hanging the projection. */
    private static final long STATEMENTS_PER_EVENT = 50_000_000;
    static final EventType PARTITION_CHECKPOINT = EventType.of("$Checkpoint");
    static final EventType RESULT = EventType.of("Result");
    static final EventType RESULT_REMOVED = EventType.of("ResultRemoved");
    static final EventType STREAM_TRACKED = EventType.of("$StreamTracked");
    private static volatile Engine engine;

    private final String name;
    private final ProjectionDefinition definition;
    private final EventStore store;
    private Context context;
    private Value api;
    private Kind kind;
    private Set<String> sources;
    private Set<String> handledTypes;
    private boolean partitioned;
    private boolean byStream;
    /** A state shared by all partitions besides their own, kept as the checkpoint's data. */
    private boolean biState;
    private boolean handlesDeletions;
    private boolean includeLinks;
    // read by State and Result calls on other threads
    private volatile boolean outputState;
    private volatile String resultStream;
    private volatile String partitionResultPattern;
    private final Set<String> trackedStreams = new HashSet<>();
    /** Partitions whose state stream did not exist when loaded: their first write sets its $maxCount. */
    private final Set<String> newPartitions = new HashSet<>();
    /**
     * The result last written for each recent partition (null: removed), so that only a change is
     * written, as KurrentDB writes it; forgotten at each restore, as the write may have failed.
     */
    private final Map<String, String> lastResults = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > PARTITIONS_KEPT;
        }
    };
    private final StandardConfig categories;

    private enum Kind {
        ALL, STREAMS, CATEGORIES
    }

    /**
     * @param categories how {@code fromCategory} tells a stream's category: {@code $by_category}'s
     *     configuration, since KurrentDB's {@code fromCategory} reads the {@code $ce-} streams it fills
     */
    JsProjectionWork(String name, ProjectionDefinition definition, EventStore store, StandardConfig categories) {
        this.name = name;
        this.definition = definition;
        this.store = store;
        this.categories = categories;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long projectionId() {
        return definition.id();
    }

    @Override
    public long version() {
        return definition.version();
    }

    @Override
    public long epoch() {
        return definition.epoch();
    }

    /** Where the state of {@code partition} is kept ("" the projection's own: its checkpoint stream). */
    StreamName stateStream(String partition) {
        return partition.isEmpty() ? checkpointStream()
                : StreamName.of("$projections-" + name + "-" + partition + "-checkpoint");
    }

    /** Where the result of {@code partition} goes. */
    StreamName resultStream(String partition) {
        if (partition.isEmpty()) {
            return StreamName.of(resultStream != null ? resultStream : "$projections-" + name + "-result");
        }
        String pattern = partitionResultPattern != null ? partitionResultPattern
                : "$projections-" + name + "-{0}-result";
        return StreamName.of(pattern.replace("{0}", partition));
    }

    /** Whether it writes results; known once compiled. */
    boolean outputsState() {
        return outputState;
    }

    /**
     * Whether partition "" has a result of its own: unless partitioned without a shared state (then
     * its result stream holds only links to the partitions' results). Read after {@link #outputsState()},
     * whose volatile write follows the compile that sets this.
     */
    boolean hasRootResult() {
        return !partitioned || biState;
    }

    /** Compiles the query, once; a query that does not compile or describes no source faults the projection. */
    void compile() {
        if (context != null) {
            return;
        }
        Context c = Context.newBuilder("js").engine(sharedEngine())
                .resourceLimits(ResourceLimits.newBuilder().statementLimit(STATEMENTS_PER_EVENT, null).build())
                .build();
        try {
            Value global = c.eval("js", "globalThis");
            ProxyExecutable log = args -> {
                LOG.info("projection {}: {}", name, args.length == 0 ? "" : args[0].asString());
                return null;
            };
            api = c.eval(org.graalvm.polyglot.Source.newBuilder("js", PRELUDE, "prelude.js").buildLiteral())
                    .execute(global, log);
            c.eval(org.graalvm.polyglot.Source.newBuilder("js", definition.query(), name + ".js").buildLiteral());
        } catch (PolyglotException e) {
            c.close(true);
            throw new ProjectionFaultedException("the query failed: " + e.getMessage(), e);
        }
        context = c;
        Value def = api.getMember("definition");
        String source = def.getMember("source").isNull() ? null : def.getMember("source").asString();
        if (source == null) {
            fail("the query reads no source: start it with fromAll(), fromStream(...), fromStreams(...) or fromCategory(...)");
        }
        kind = switch (source) {
            case "all" -> Kind.ALL;
            case "streams" -> Kind.STREAMS;
            default -> Kind.CATEGORIES;
        };
        sources = new HashSet<>(def.getMember(kind == Kind.STREAMS ? "streams" : "categories").as(List.class));
        Value handlers = def.getMember("handlers");
        handledTypes = def.getMember("any").isNull() && !handlers.getMemberKeys().isEmpty()
                ? new HashSet<>(handlers.getMemberKeys()) : null;
        byStream = def.getMember("byStream").asBoolean();
        partitioned = byStream || !def.getMember("partitionFn").isNull();
        biState = def.getMember("biState").asBoolean();
        if (biState && !partitioned) {
            fail("a shared state ($initShared, biState) needs partitions: foreachStream() or partitionBy()");
        }
        if (biState && !def.getMember("deleted").isNull()) {
            fail("Cannot handle deletes in bi-state projections");
        }
        handlesDeletions = byStream && !def.getMember("deleted").isNull();
        outputState = def.getMember("outputState").asBoolean();
        includeLinks = def.getMember("includeLinks").asBoolean();
        resultStream = def.getMember("resultStream").isNull() ? null : def.getMember("resultStream").asString();
        partitionResultPattern = def.getMember("partitionResultPattern").isNull() ? null
                : def.getMember("partitionResultPattern").asString();
    }

    private void fail(String reason) {
        close();
        throw new ProjectionFaultedException(reason, null);
    }

    @Override
    public void restore(RecordedEvent checkpoint) {
        compile();
        api.invokeMember("clear");
        newPartitions.clear();
        lastResults.clear();
        if (biState) {
            if (checkpoint != null && checkpoint.data().length > 0) {
                String json = new String(checkpoint.data(), StandardCharsets.UTF_8);
                call(() -> api.invokeMember("loadShared", json));
            } else {
                call(() -> api.invokeMember("initShared"));
            }
        } else if (!partitioned) {
            if (checkpoint != null && checkpoint.data().length > 0) {
                String json = new String(checkpoint.data(), StandardCharsets.UTF_8);
                call(() -> api.invokeMember("load", "", json));
            } else {
                call(() -> api.invokeMember("init", "", null));
            }
        }
        trackedStreams.clear();
        if (definition.trackEmittedStreams()) {
            try (EventIterator it = store.readStream(emittedStreamsStream(), ReadStreamOptions.forwards())) {
                it.forEachRemaining(e -> trackedStreams.add(e.originalEvent().dataAsString()));
            } catch (StreamNotFoundException | StreamDeletedException none) {
                // nothing emitted yet
            }
        }
    }

    StreamName emittedStreamsStream() {
        return StreamName.of("$projections-" + name + "-emittedstreams");
    }

    @Override
    public boolean handle(RecordedEvent e, List<Emitted> out) {
        String stream = e.stream().value();
        if (handlesDeletions) {
            Source deletion = Source.of(e, StandardProjection.BY_CATEGORY, null, null);
            if (deletion.isDeletion() && takes(deletion.deletedStream())) {
                String partition = deletion.deletedStream();
                ensureLoaded(partition, null);
                call(() -> api.invokeMember("deleted", partition, !e.type().equals(EventType.STREAM_DELETED)));
                return true;
            }
        }
        boolean link = e.type().equals(EventType.LINK);
        RecordedEvent event = e;
        if (kind == Kind.ALL) {
            if (link && !includeLinks || !passesAll(stream)) {
                return false;
            }
        } else {
            if (kind == Kind.STREAMS ? !sources.contains(stream) : !sources.contains(categories.categoryOf(stream))) {
                return false;
            }
            if (link) {
                event = resolve(e);
                if (event == null) {
                    return false;
                }
            }
        }
        if (handledTypes != null && !handledTypes.contains(event.type().value())) {
            return false;
        }
        boolean json = event.contentType() == ContentType.JSON;
        if (json && event.data().length == 0) {
            return false;
        }
        RecordedEvent handled = event;
        Value envelope = call(() -> api.invokeMember("envelope", "", handled.stream().value(), handled.revision(),
                handled.type().value(), handled.id().toString(), json, handled.dataAsString(),
                handled.metadata().length == 0 ? null : new String(handled.metadata(), StandardCharsets.UTF_8),
                handled == e || e.metadata().length == 0 ? null : new String(e.metadata(), StandardCharsets.UTF_8),
                kind == Kind.CATEGORIES ? categories.categoryOf(stream) : null));
        if (envelope.isNull()) {
            return false; // JSON that does not parse: KurrentDB skips it too
        }
        String partition = "";
        if (byStream) {
            partition = handled.stream().value();
        } else if (partitioned) {
            Value p = call(() -> api.invokeMember("partitionOf", envelope));
            if (p.isNull()) {
                return false;
            }
            partition = p.asString();
        }
        if (!partition.isEmpty()) {
            envelope.putMember("partition", partition);
        }
        ensureLoaded(partition, envelope);
        String key = partition;
        call(() -> api.invokeMember("handle", key, envelope));
        takeEmitted(e, out);
        return true;
    }

    /** Whether a deletion of {@code stream} concerns this projection's source. */
    private boolean takes(String stream) {
        return switch (kind) {
            case ALL -> passesAll(stream);
            case STREAMS -> sources.contains(stream);
            case CATEGORIES -> sources.contains(categories.categoryOf(stream));
        };
    }

    /** KurrentDB's {@code fromAll()}: ordinary streams, and the metadata streams of ordinary streams. */
    private static boolean passesAll(String stream) {
        return !StandardProjection.isSystem(stream)
                || StandardProjection.isMetadataStream(stream) && !StandardProjection.isSystem(stream.substring(2));
    }

    /** The event a link points at, or null when it is gone. */
    private RecordedEvent resolve(RecordedEvent link) {
        String target = link.dataAsString();
        int at = target.indexOf('@');
        if (at <= 0) {
            return null;
        }
        try {
            long revision = Long.parseLong(target.substring(0, at));
            try (EventIterator it = store.readStream(StreamName.of(target.substring(at + 1)),
                    ReadStreamOptions.forwards().fromRevision(revision).maxCount(1))) {
                if (it.hasNext()) {
                    RecordedEvent found = it.next().originalEvent();
                    return found.revision() == revision ? found : null;
                }
            }
        } catch (NumberFormatException | StreamNotFoundException | StreamDeletedException
                 | dev.cairn.api.InvalidArgumentException gone) {
            return null;
        }
        return null;
    }

    /** Loads the state of {@code partition} from its stream, or initialises it when it has none. */
    private void ensureLoaded(String partition, Value envelope) {
        if (api.invokeMember("isLoaded", partition).asBoolean()) {
            return;
        }
        StreamName stream;
        try {
            stream = stateStream(partition);
        } catch (dev.cairn.api.InvalidArgumentException e) {
            throw new ProjectionFaultedException("the partition '" + partition + "' cannot name a stream: "
                    + e.getMessage(), e);
        }
        RecordedEvent last = ProjectionTag.lastEvent(store, stream);
        if (last == null && !partition.isEmpty()) {
            newPartitions.add(partition);
        }
        if (last != null && last.data().length > 0 && ProjectionTag.epochOf(last.metadata()) >= epoch()) {
            String json = last.dataAsString();
            call(() -> api.invokeMember("load", partition, json));
        } else {
            call(() -> api.invokeMember("init", partition, envelope));
        }
    }

    /** Turns what the handler emitted into events to write, tagged with the cause's position. */
    private void takeEmitted(RecordedEvent cause, List<Emitted> out) {
        Value emitted = api.invokeMember("takeEmitted");
        long count = emitted.getArraySize();
        if (count == 0) {
            return;
        }
        if (!definition.emitEnabled()) {
            throw new ProjectionFaultedException("'emit' is not allowed by the projection/configuration/mode: "
                    + "create it with emit enabled", null);
        }
        for (long i = 0; i < count; i++) {
            Value item = emitted.getArrayElement(i);
            String streamName = item.getMember("stream").asString();
            String type = item.getMember("type").asString();
            StreamName target;
            EventType eventType;
            try {
                target = StreamName.of(streamName);
                eventType = EventType.of(type);
            } catch (dev.cairn.api.InvalidArgumentException e) {
                throw new ProjectionFaultedException("cannot emit '" + type + "' to '" + streamName + "': "
                        + e.getMessage(), e);
            }
            StringBuilder metadata = openTag(cause.position());
            metadata.append(",\"$causedBy\":\"").append(cause.id()).append('"');
            Value extra = item.getMember("metadata");
            if (!extra.isNull()) {
                for (String key : extra.getMemberKeys()) {
                    metadata.append(',').append(StandardProjection.quote(key)).append(':')
                            .append(extra.getMember(key).asString());
                }
            }
            metadata.append('}');
            boolean json = item.getMember("json").asBoolean();
            out.add(new Emitted(target, new EventData(UUID.randomUUID(), eventType,
                    json ? ContentType.JSON : ContentType.BINARY,
                    item.getMember("data").asString().getBytes(StandardCharsets.UTF_8),
                    metadata.toString().getBytes(StandardCharsets.UTF_8))));
            if (definition.trackEmittedStreams() && trackedStreams.add(streamName)) {
                out.add(new Emitted(emittedStreamsStream(), new EventData(UUID.randomUUID(), STREAM_TRACKED,
                        ContentType.BINARY, streamName.getBytes(StandardCharsets.UTF_8), new byte[0])));
            }
        }
    }

    @Override
    public byte[] checkpoint(Position position, List<Emitted> out) {
        try {
            return writeStates(position, out);
        } catch (dev.cairn.api.InvalidArgumentException e) {
            throw new ProjectionFaultedException("cannot write its state or result: " + e.getMessage(), e);
        }
    }

    private byte[] writeStates(Position position, List<Emitted> out) {
        byte[] tag = openTag(position).append('}').toString().getBytes(StandardCharsets.UTF_8);
        String rootState = null;
        Value dirty = api.invokeMember("dirtyPartitions");
        for (long i = 0; i < dirty.getArraySize(); i++) {
            String partition = dirty.getArrayElement(i).asString();
            Value state = api.invokeMember("stateJson", partition);
            String stateJson = state.isNull() ? null : state.asString();
            if (partition.isEmpty()) {
                rootState = stateJson;
            } else {
                StreamName stream = stateStream(partition);
                if (newPartitions.remove(partition)
                        && stream.value().getBytes(StandardCharsets.UTF_8).length + 2 <= StreamName.MAX_BYTES) {
                    // as KurrentDB: a partition's state stream keeps its last two states
                    out.add(new Emitted(StreamName.of("$$" + stream.value()),
                            ProjectionRunner.maxCount(PARTITION_STATES_KEPT)));
                }
                out.add(new Emitted(stream, event(PARTITION_CHECKPOINT, stateJson, tag)));
            }
            if (outputState) {
                Value result = call(() -> api.invokeMember("resultJson", partition));
                writeResult(partition, result.isNull() ? null : result.asString(), tag, out);
            }
        }
        api.invokeMember("written");
        if (api.invokeMember("loadedCount").asLong() > PARTITIONS_KEPT) {
            api.invokeMember("evict");
        }
        if (rootState == null && (biState || !partitioned)) {
            Value state = api.invokeMember(biState ? "sharedJson" : "stateJson", "");
            rootState = state.isNull() ? null : state.asString();
        }
        return rootState == null ? new byte[0] : rootState.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * As KurrentDB's ResultEventEmitter: a {@code Result} when the partition's result changed, a
     * {@code ResultRemoved} when it changed to none; a partition's result event is also linked
     * into the projection's result stream. Whether a result forgotten since (or never seen in this
     * run) changed is not known: a result is written again, a removal only when the last result
     * event of this epoch is a result.
     */
    private void writeResult(String partition, String json, byte[] tag, List<Emitted> out) {
        boolean changed = lastResults.containsKey(partition) ? !Objects.equals(lastResults.get(partition), json)
                : json != null || hasResult(partition);
        lastResults.put(partition, json);
        if (!changed) {
            return;
        }
        Emitted result = new Emitted(resultStream(partition), event(json == null ? RESULT_REMOVED : RESULT, json, tag));
        out.add(result);
        if (!partition.isEmpty()) {
            out.add(Emitted.linkTo(resultStream(""), result, tag));
        }
    }

    /** Whether the last event of {@code partition}'s result stream is a result of this epoch. */
    private boolean hasResult(String partition) {
        RecordedEvent last = ProjectionTag.lastEvent(store, resultStream(partition));
        return last != null && last.type().equals(RESULT) && ProjectionTag.epochOf(last.metadata()) >= epoch();
    }

    private static EventData event(EventType type, String json, byte[] tag) {
        return new EventData(UUID.randomUUID(), type, ContentType.JSON,
                json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8), tag);
    }

    /** Runs JavaScript; an exception it throws, or too long a run, faults the projection. */
    private <T> T call(java.util.function.Supplier<T> js) {
        try {
            context.resetLimits();
            return js.get();
        } catch (PolyglotException e) {
            if (e.isCancelled() && !e.isResourceExhausted()) {
                throw new IllegalStateException("stopped while running the query", e);
            }
            throw new ProjectionFaultedException(e.isResourceExhausted()
                    ? "a handler ran longer than " + STATEMENTS_PER_EVENT + " statements for one event"
                    : "the query failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        Context c = context;
        context = null;
        if (c != null) {
            try {
                c.close(true);
            } catch (RuntimeException | Error ignored) {
                // closing a context another thread runs in cancels it; nothing more to do
            }
        }
    }

    private static Engine sharedEngine() {
        Engine e = engine;
        if (e == null) {
            synchronized (JsProjectionWork.class) {
                e = engine;
                if (e == null) {
                    e = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
                    engine = e;
                }
            }
        }
        return e;
    }

    private static String prelude() {
        try (InputStream in = JsProjectionWork.class.getResourceAsStream("prelude.js")) {
            if (in == null) {
                throw new IllegalStateException("prelude.js is missing from the engine's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
