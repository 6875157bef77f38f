package dev.cairn.engine.projections;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.CairnException;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.projections.ProjectionManagementException.Reason;
import dev.cairn.engine.streams.SystemAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projections of one store: KurrentDB's standard projections ({@link StandardWork}), which
 * share one runner and so one reader of {@code $all}, and user projections in JavaScript
 * ({@link JsProjectionWork}), each with a runner of its own. User projections run only when
 * allowed ({@code userProjections}, KurrentDB's {@code --run-projections=all}); otherwise they are
 * listed and managed, stopped, as KurrentDB's {@code system} mode keeps them.
 * Started by the store when {@code CairnOptions.systemProjections}, {@code standardProjections} or
 * {@code userProjections} is set, stopped before it closes.
 *
 * <p>KurrentDB's streams hold what is known of them: a projection's definition (its query, whether
 * it is enabled, may emit, its version and epoch) is the last {@code $ProjectionUpdated} event of
 * {@code $projections-<name>}, and user projections are registered by {@code $ProjectionCreated}
 * and {@code $ProjectionDeleted} events in {@code $projections-$all}. So everything done here
 * outlives a restart: a disabled projection stays disabled, a reset one does not start over again.
 * Disabling stops a projection after its last atomic write, so enabling it resumes from its
 * checkpoint with nothing missed and nothing twice. Thread-safe.
 */
public final class Projections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);
    static final EventType UPDATED = EventType.of("$ProjectionUpdated");
    static final EventType CREATED = EventType.of("$ProjectionCreated");
    static final EventType DELETED = EventType.of("$ProjectionDeleted");
    static final StreamName REGISTRATION = StreamName.of("$projections-$all");
    /** How far behind the most advanced standard projection (log bytes) one may be and share its reader. */
    static final long SHARED_READER_SPAN = 64L << 20;
    private final long sharedReaderSpan;
    /** User projections' ids follow the standard projections' (1 to 5). */
    private static final long FIRST_USER_ID = StandardProjection.values().length + 1;

    private final EventStore store;
    private final SystemAccess system;
    private final boolean userProjections;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /**
     * Runs the enabled standard projections: together, but for one far behind the others (just
     * reset or enabled on a long log), which runs alone until the next restart so that it holds
     * up no other while it catches up. Null only before the first launch.
     */
    private List<ProjectionRunner> standardRunners;
    private boolean closed;

    /** A projection: what is stored of it and what runs it (for a standard one, the runner of them all). */
    private static final class Entry {
        final String name;
        final StandardProjection standard;
        ProjectionDefinition definition;
        ProjectionRunner runner;

        Entry(String name, StandardProjection standard, ProjectionDefinition definition) {
            this.name = name;
            this.standard = standard;
            this.definition = definition;
        }
    }

    private Projections(EventStore store, SystemAccess system, boolean userProjections, long sharedReaderSpan) {
        this.store = store;
        this.system = system;
        this.userProjections = userProjections;
        this.sharedReaderSpan = sharedReaderSpan;
    }

    /**
     * Starts the projections, as KurrentDB's projection subsystem starts: the five standard ones
     * are always there, each enabled or not as its stored definition says (not, until enabled for
     * the first time), and all of them are enabled first when {@code startStandard} (KurrentDB's
     * {@code --start-standard-projections}, which acts at each start, over an earlier Disable).
     * The user projections stored in the store are always there; when {@code user} (they may run)
     * each enabled one resumes after its own checkpoint.
     */
    public static Projections start(EventStore store, SystemAccess system, boolean startStandard, boolean user) {
        return start(store, system, startStandard, user, SHARED_READER_SPAN);
    }

    /** As {@link #start(EventStore, SystemAccess, boolean, boolean)}, with the span tests choose. */
    static Projections start(EventStore store, SystemAccess system, boolean startStandard, boolean user,
            long sharedReaderSpan) {
        Projections projections = new Projections(store, system, user, sharedReaderSpan);
        synchronized (projections) {
            for (StandardProjection p : StandardProjection.values()) {
                Entry entry = new Entry(p.projectionName(), p,
                        projections.storedDefinition(p.projectionName(), ProjectionDefinition.standard(p)));
                projections.entries.put(p.projectionName(), entry);
                if (startStandard && !entry.definition.enabled()) {
                    projections.storeDefinition(entry, entry.definition.withEnabled(true));
                }
            }
            projections.loadUserProjections();
            projections.launchStandard();
            for (Entry entry : projections.entries.values()) {
                if (entry.standard == null) {
                    projections.launch(entry);
                }
            }
        }
        return projections;
    }

    /** Each projection's figures: the standard ones in KurrentDB's order, then the user projections in creation order. */
    public synchronized List<Statistics> statistics() {
        return entries.values().stream().map(e -> e.runner.runs(e.name) ? e.runner.statistics(e.name)
                : new Statistics(e.name, "Continuous", "Stopped", null, null, null, 0, 0, e.definition.version(),
                        e.definition.epoch(), false)).toList();
    }

    /**
     * Enables or disables the projection named {@code name}, stores the choice and starts or stops
     * it. Waits for a running projection to stop. Enabling a faulted projection starts it again.
     *
     * @return false when no projection has that name
     * @throws CairnException when the choice could not be stored (nothing changed then)
     */
    public synchronized boolean setEnabled(String name, boolean enabled) {
        Entry entry = entries.get(name);
        if (entry == null) {
            return false;
        }
        checkOpen();
        boolean changed = entry.definition.enabled() != enabled;
        if (changed) {
            storeDefinition(entry, entry.definition.withEnabled(enabled));
        }
        if (entry.standard != null) {
            if (changed || enabled && !entry.runner.isRunning()) {
                launchStandard();
            }
        } else if (!enabled) {
            entry.runner.stop();
        } else if (!entry.runner.isRunning()) {
            entry.runner.stop();
            launch(entry);
        }
        return true;
    }

    /**
     * Creates a continuous user projection and starts it, when user projections may run; else it
     * is stored and listed, stopped, as KurrentDB's {@code system} mode does. A query that does not
     * compile is accepted, as KurrentDB accepts it: the projection faults with the reason, which
     * its statistics show.
     *
     * @throws ProjectionManagementException CONFLICT when the name is taken, INVALID_ARGUMENT when
     *     it cannot name streams
     */
    public synchronized void create(String name, String query, boolean emitEnabled, boolean trackEmittedStreams) {
        checkOpen();
        if (trackEmittedStreams && !emitEnabled) {
            throw new ProjectionManagementException(Reason.INVALID_ARGUMENT,
                    "EmitEnabled must be set to true to track emitted streams.");
        }
        checkName(name);
        if (entries.containsKey(name)) {
            throw new ProjectionManagementException(Reason.CONFLICT, "Duplicate projection names : " + name);
        }
        // the registration's revision makes the id: unique, even across deletions
        long registered = registrationRevision();
        ProjectionDefinition definition = ProjectionDefinition.user(query == null ? "" : query, emitEnabled,
                trackEmittedStreams, FIRST_USER_ID + registered + 1);
        Entry entry = new Entry(name, null, definition);
        append(List.of(
                new AppendRequest(REGISTRATION, registered < 0 ? StreamState.noStream() : StreamState.at(registered),
                        List.of(event(CREATED, name, false))),
                new AppendRequest(definitionStream(name), StreamState.any(),
                        List.of(event(UPDATED, definition.toJson())))));
        entries.put(name, entry);
        launch(entry);
    }

    /**
     * Replaces a user projection's query (and, when {@code emitEnabled} is not null, whether it may
     * emit), or a standard projection's configuration ({@link StandardConfig}: the category
     * separator of {@code $by_category} and {@code $stream_by_category}, the correlation id
     * property of {@code $by_correlation_id}). It goes on from its checkpoint, with its state,
     * under the new query; what it wrote before stays as it was.
     *
     * @throws ProjectionManagementException INVALID_ARGUMENT for a standard projection's
     *     configuration that does not parse, NOT_FOUND for an unknown name
     */
    public synchronized void update(String name, String query, Boolean emitEnabled) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw ProjectionManagementException.notFound(name);
        }
        checkOpen();
        if (entry.standard != null) {
            try {
                StandardConfig.parse(entry.standard, query);
            } catch (IllegalArgumentException e) {
                throw new ProjectionManagementException(Reason.INVALID_ARGUMENT, e.getMessage());
            }
            storeDefinition(entry, entry.definition.withQuery(query == null || query.isBlank()
                    ? StandardConfig.defaultQuery(entry.standard) : query, null));
            launchStandard();
            return;
        }
        entry.runner.stop();
        storeDefinition(entry, entry.definition.withQuery(query == null ? "" : query, emitEnabled));
        launch(entry);
    }

    /**
     * Deletes a stopped (or faulted) user projection, and, as asked, its checkpoint stream, its
     * state (result) stream and the streams it emitted to (those it tracked).
     */
    public synchronized void delete(String name, boolean deleteCheckpointStream, boolean deleteStateStream,
            boolean deleteEmittedStreams) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw ProjectionManagementException.notFound(name);
        }
        if (entry.standard != null) {
            throw new ProjectionManagementException(Reason.FAILED_PRECONDITION,
                    "We currently don't allow for the deletion of System Projections.");
        }
        checkOpen();
        if (entry.runner.isRunning()) {
            throw new ProjectionManagementException(Reason.FAILED_PRECONDITION,
                    "Cannot delete a projection that hasn't been stopped or faulted.");
        }
        JsProjectionWork work = (JsProjectionWork) entry.runner.work();
        List<StreamName> emitted = deleteEmittedStreams && entry.definition.trackEmittedStreams()
                ? readAll(work.emittedStreamsStream()).stream().map(e -> StreamName.of(e.dataAsString())).toList()
                : List.of();
        append(List.of(new AppendRequest(REGISTRATION, StreamState.any(), List.of(event(DELETED, name, false)))));
        entries.remove(name);
        entry.runner.stop();
        List<StreamName> doomed = new ArrayList<>();
        doomed.add(definitionStream(name));
        if (deleteCheckpointStream) {
            doomed.add(work.checkpointStream());
        }
        if (deleteStateStream) {
            doomed.add(work.resultStream(""));
        }
        if (!emitted.isEmpty()) {
            doomed.addAll(emitted);
            doomed.add(work.emittedStreamsStream());
        }
        for (StreamName stream : doomed) {
            try {
                await(store.deleteAsync(stream, StreamState.any()));
            } catch (StreamDeletedException | StreamNotFoundException | WrongExpectedVersionException gone) {
                // nothing to delete: never written (deleting no stream is a wrong expected version), or gone
            }
        }
    }

    /**
     * Resets a projection: it starts again from the start of {@code $all} with its initial state,
     * in a new epoch. What it wrote before is hidden as it writes to each stream again.
     */
    public synchronized void reset(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw ProjectionManagementException.notFound(name);
        }
        checkOpen();
        if (entry.standard != null) {
            storeDefinition(entry, entry.definition.reset());
            launchStandard();
            return;
        }
        entry.runner.stop();
        storeDefinition(entry, entry.definition.reset());
        launch(entry);
    }

    /** Stops every projection and starts the enabled ones again, each from its checkpoint. */
    public synchronized void restart() {
        checkOpen();
        stopAll();
        if (standardRunners != null) {
            launchStandard();
        }
        for (Entry entry : entries.values()) {
            if (entry.standard == null) {
                launch(entry);
            }
        }
    }

    /** Stops every runner. */
    private void stopAll() {
        if (standardRunners != null) {
            standardRunners.forEach(ProjectionRunner::stop);
        }
        for (Entry entry : entries.values()) {
            if (entry.standard == null) {
                entry.runner.stop();
            }
        }
    }

    /**
     * The state of a projection's partition ("" its own) as of its last checkpoint, as JSON; null
     * when it has none (a standard projection, a partition never seen, a projection not yet run).
     */
    public String state(String name, String partition) {
        JsProjectionWork work = userWork(name);
        return work == null ? null : lastData(work.stateStream(partition == null ? "" : partition), work.epoch());
    }

    /**
     * The result of a projection's partition: its state after {@code transformBy} and {@code
     * filterBy}, as last written to its result stream (null once removed); the state when it
     * writes no results.
     */
    public String result(String name, String partition) {
        JsProjectionWork work = userWork(name);
        if (work == null) {
            return null;
        }
        String p = partition == null ? "" : partition;
        if (!work.outputsState()) {
            return state(name, p);
        }
        return p.isEmpty() && !work.hasRootResult() ? null : lastResult(work.resultStream(p), work.epoch());
    }

    /** The last result in {@code stream}, past the links to partitions' results that may follow it. */
    private String lastResult(StreamName stream, long epoch) {
        try (EventIterator it = store.readStream(stream, ReadStreamOptions.backwards())) {
            while (it.hasNext()) {
                RecordedEvent e = it.next().originalEvent();
                if (!e.type().equals(EventType.LINK)) {
                    return e.type().equals(JsProjectionWork.RESULT) && ProjectionTag.epochOf(e.metadata()) >= epoch
                            ? e.dataAsString() : null;
                }
            }
        } catch (StreamNotFoundException | StreamDeletedException none) {
            // no result yet
        }
        return null;
    }

    /** The query of a user projection, or null for a standard one. */
    public synchronized String query(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw ProjectionManagementException.notFound(name);
        }
        return entry.definition.query();
    }

    private synchronized JsProjectionWork userWork(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw ProjectionManagementException.notFound(name);
        }
        return entry.standard == null ? (JsProjectionWork) entry.runner.work() : null;
    }

    private String lastData(StreamName stream, long epoch) {
        RecordedEvent last = ProjectionTag.lastEvent(store, stream);
        return last != null && last.data().length > 0 && ProjectionTag.epochOf(last.metadata()) >= epoch
                ? last.dataAsString() : null;
    }

    /**
     * Makes a fresh runner for a user projection's current definition, and starts it when it is
     * enabled and user projections may run.
     */
    private void launch(Entry entry) {
        Entry byCategory = entries.get(StandardProjection.BY_CATEGORY.projectionName());
        entry.runner = new ProjectionRunner(new JsProjectionWork(entry.name, entry.definition, store,
                config(byCategory)), store, system);
        if (entry.definition.enabled() && userProjections) {
            entry.runner.start();
        }
    }

    /**
     * Stops the standard projections' runners and starts fresh ones for those enabled now, each
     * projection resuming from its own checkpoint: one reader of {@code $all} for all of them,
     * but one of its own for a projection whose checkpoint is more than {@value #SHARED_READER_SPAN}
     * bytes of log behind the most advanced.
     */
    private void launchStandard() {
        if (standardRunners != null) {
            standardRunners.forEach(ProjectionRunner::stop);
        }
        List<StandardWork> enabled = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (entry.standard != null && entry.definition.enabled()) {
                enabled.add(new StandardWork(entry.standard, entry.definition.epoch(), config(entry)));
            }
        }
        long lead = enabled.stream().mapToLong(this::checkpointCommit).max().orElse(-1);
        List<ProjectionWork> together = new ArrayList<>();
        List<ProjectionRunner> runners = new ArrayList<>();
        for (StandardWork work : enabled) {
            if (lead - checkpointCommit(work) > sharedReaderSpan) {
                runners.add(new ProjectionRunner(work, store, system));
            } else {
                together.add(work);
            }
        }
        runners.add(0, new ProjectionRunner(together, "standard", store, system));
        standardRunners = runners;
        for (Entry entry : entries.values()) {
            if (entry.standard != null) {
                entry.runner = runners.stream().filter(r -> r.runs(entry.name)).findFirst().orElse(runners.get(0));
            }
        }
        for (ProjectionRunner runner : runners) {
            if (runner.hasProjections()) {
                runner.start();
            }
        }
    }

    /** A standard projection's stored configuration; the default, with a warning, if it does not parse. */
    private static StandardConfig config(Entry entry) {
        try {
            return StandardConfig.parse(entry.standard, entry.definition.query());
        } catch (IllegalArgumentException e) {
            LOG.warn("projection {}: its stored configuration does not parse ({}); it runs with the default",
                    entry.name, e.getMessage());
            return StandardConfig.DEFAULT;
        }
    }

    /** How many readers of {@code $all} the enabled standard projections have. */
    synchronized int standardReaders() {
        return standardRunners == null ? 0 : (int) standardRunners.stream().filter(ProjectionRunner::isRunning).count();
    }

    /** The commit position of the projection's last checkpoint of its epoch; -1 when it has none. */
    private long checkpointCommit(ProjectionWork work) {
        RecordedEvent last = ProjectionTag.lastEvent(store, work.checkpointStream());
        Position position = last == null || ProjectionTag.epochOf(last.metadata()) < work.epoch() ? null
                : ProjectionTag.positionOf(last.metadata());
        return position == null ? -1 : position.commit();
    }

    private void loadUserProjections() {
        List<String> names = new ArrayList<>();
        for (RecordedEvent e : readAll(REGISTRATION)) {
            String name = e.dataAsString();
            if (e.type().equals(CREATED)) {
                names.add(name);
            } else if (e.type().equals(DELETED)) {
                names.remove(name);
            }
        }
        for (String name : names) {
            ProjectionDefinition stored = storedDefinition(name, null);
            if (stored == null || !stored.isUser()) {
                LOG.warn("projection {} is registered but has no definition in {}; it is left out", name,
                        definitionStream(name));
                continue;
            }
            entries.put(name, new Entry(name, null, stored));
        }
    }

    /** The revision of the last event of {@link #REGISTRATION}, -1 when it has none. */
    private long registrationRevision() {
        RecordedEvent last = ProjectionTag.lastEvent(store, REGISTRATION);
        return last == null ? -1 : last.revision();
    }

    private List<RecordedEvent> readAll(StreamName stream) {
        List<RecordedEvent> events = new ArrayList<>();
        try (EventIterator it = store.readStream(stream, ReadStreamOptions.forwards())) {
            it.forEachRemaining(e -> events.add(e.originalEvent()));
        } catch (StreamNotFoundException | StreamDeletedException none) {
            // none
        }
        return events;
    }

    /** The last stored definition, or {@code otherwise} when there is none or it is unreadable. */
    private ProjectionDefinition storedDefinition(String name, ProjectionDefinition otherwise) {
        RecordedEvent last = ProjectionTag.lastEvent(store, definitionStream(name));
        if (last == null) {
            return otherwise;
        }
        ProjectionDefinition defaults = otherwise != null ? otherwise
                : ProjectionDefinition.user("", false, false, FIRST_USER_ID);
        try {
            return ProjectionDefinition.fromJson(last.data(), defaults);
        } catch (IOException unreadable) {
            return otherwise;
        }
    }

    private void storeDefinition(Entry entry, ProjectionDefinition definition) {
        append(List.of(new AppendRequest(definitionStream(entry.name), StreamState.any(),
                List.of(event(UPDATED, definition.toJson())))));
        entry.definition = definition;
    }

    private void append(List<AppendRequest> requests) {
        await(system.appendAsync(requests));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while storing a projection's state", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CairnException ce) {
                throw ce;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static EventData event(EventType type, byte[] json) {
        return new EventData(UUID.randomUUID(), type, ContentType.JSON, json, new byte[0]);
    }

    private static EventData event(EventType type, String text, boolean json) {
        return new EventData(UUID.randomUUID(), type, json ? ContentType.JSON : ContentType.BINARY,
                text.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new ProjectionManagementException(Reason.INVALID_ARGUMENT, "a projection needs a name");
        }
        try {
            // its longest stream: a partition's checkpoint stream adds the partition to this
            StreamName.of("$projections-" + name + "-emittedstreams");
        } catch (InvalidArgumentException e) {
            throw new ProjectionManagementException(Reason.INVALID_ARGUMENT,
                    "the projection name '" + name + "' cannot name its streams: " + e.getMessage());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreUnavailableException("the store is closed");
        }
    }

    /** KurrentDB's stream of a projection's definition, {@code $projections-<name>}. */
    static StreamName definitionStream(String name) {
        return StreamName.of("$projections-" + name);
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopAll();
    }

    /**
     * One projection's figures, as {@code Projections.Statistics} reports them.
     *
     * @param name KurrentDB's name, such as {@code $by_category}
     * @param mode {@code Continuous}
     * @param status {@code Running}, {@code Stopped} (disabled) or {@code Faulted} (a user
     *     projection whose query failed, stopped until enabled again; or any projection waiting to
     *     start again from its checkpoint after {@code faultReason})
     * @param faultReason why it faulted, while faulted; null otherwise
     * @param position the last event of {@code $all} it has handled since the store opened; null
     *     before any
     * @param lastCheckpoint the position of its last stored checkpoint; null before any
     * @param eventsProcessed events of {@code $all} handled since it started
     * @param bufferedEvents events read ahead, waiting to be handled
     * @param version raised by each change of its definition
     * @param epoch raised by each reset
     * @param caughtUp running, and has handled every event its subscription has delivered, having
     *     read the whole log
     */
    public record Statistics(String name, String mode, String status, String faultReason, Position position,
            Position lastCheckpoint, long eventsProcessed, int bufferedEvents, long version, long epoch,
            boolean caughtUp) {

        /**
         * How far through the log it is, in percent of {@code head}: 100 once caught up (its
         * position is the start of the last event, which is short of the end of the log).
         */
        public float progress(Position head) {
            long end = head.commit();
            long at = position == null ? 0 : position.commit();
            return caughtUp || end <= 0 ? 100f : Math.min(100f, 100f * at / end);
        }
    }
}
