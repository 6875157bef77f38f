package dev.cairn.engine.model;

import dev.cairn.api.CairnException;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An in-memory reference of KurrentDB's stream semantics as /work/notes/semantics.md states them
 * (and as {@code IndexWriter.CheckCommit} / {@code StorageWriterService} implement them), written
 * independently of the engine so that a random test can compare the two.
 *
 * <p>What it keeps: every stream's events (hidden ones too: idempotency sees them), its metadata
 * ({@code $maxCount}, {@code $tb}; a soft delete is {@code $tb = 2^63-1}), the revision of its
 * metadata stream, whether it was tombstoned, the global order of user-stream records (tombstones
 * included), and for every event id the place it was last written. Unlike KurrentDB's bounded
 * in-memory cache of committed ids, the id map never forgets (Cairn's idempotency is durable), so
 * a retry after a restart is still recognised.
 *
 * <p>Positions are not modelled; the test fills them in from the engine's answers and checks they
 * are consistent. Not thread-safe.
 */
final class StoreModel {

    static final long TOMBSTONE_REVISION = Long.MAX_VALUE;

    /** One record of a user stream; {@code id} is null for a tombstone (the server picks it). */
    static final class Event {
        final String stream;
        final long revision;
        final UUID id;
        final String type;
        /** Learned from the engine; null until known. */
        Position position;

        Event(String stream, long revision, UUID id, String type) {
            this.stream = stream;
            this.revision = revision;
            this.id = id;
            this.type = type;
        }

        @Override
        public String toString() {
            return revision + "@" + stream + " " + type + " " + id;
        }
    }

    /** Effective stream metadata; a null field is unset. */
    record Meta(Long maxCount, Long truncateBefore) {
        static final Meta SOFT_DELETED = new Meta(null, Long.MAX_VALUE);

        boolean softDeleted() {
            return truncateBefore != null && truncateBefore == Long.MAX_VALUE;
        }

        Meta withTruncateBefore(long tb) {
            return new Meta(maxCount, tb);
        }
    }

    private static final class Stream {
        final List<Event> events = new ArrayList<>();
        boolean tombstoned;
        Meta meta;
        long metaRevision = -1;

        long last() {
            return events.size() - 1;
        }

        boolean softDeleted() {
            return meta != null && meta.softDeleted();
        }
    }

    private record Ref(String stream, long revision) {
    }

    /** One stream's part of an append. */
    record Part(String stream, StreamState expected, List<UUID> ids, List<String> types) {
    }

    /** What an operation should do. */
    sealed interface Outcome {
    }

    /**
     * New records were written; for each part the last revision and its last event (whose
     * position the engine reports). For a delete the revision is meaningless (-1).
     */
    record Written(List<Long> revisions, List<Event> lastEvents) implements Outcome {
    }

    /** A retry recognised by id: the original result, per part the last revision and its event. */
    record Duplicate(List<Long> revisions, List<Event> lastEvents) implements Outcome {
    }

    /**
     * Nothing written. {@code stream} and {@code actual} are null where the semantics do not say
     * which stream is reported (multi-stream failures that KurrentDB reports without streams).
     */
    record Failed(Class<? extends CairnException> type, String stream, StreamState actual) implements Outcome {
    }

    /** A stream read: the events, or the exception type. */
    record Read(List<Event> events, Class<? extends CairnException> failure) {
    }

    private final Map<String, Stream> streams = new HashMap<>();
    private final Map<UUID, Ref> ids = new HashMap<>();
    private final List<Event> all = new ArrayList<>();
    /** Notable rules the last operation went through, for the test's coverage statistics. */
    final List<String> paths = new ArrayList<>();

    private Stream stream(String name) {
        return streams.computeIfAbsent(name, n -> new Stream());
    }

    /** The last revision of a stream (-1 when it has no events), to build expected states. */
    long lastRevision(String name) {
        return stream(name).last();
    }

    /** Metadata stream revision (-1: never written). */
    long metaRevision(String name) {
        return stream(name).metaRevision;
    }

    /** User-stream records (events and tombstones) in global order. */
    List<Event> all() {
        return all;
    }

    // ---- expected-state checks (IndexWriter.CheckCommit) ----

    private enum Decision { OK, IDEMPOTENT, WRONG_VERSION, CORRUPTED, DELETED }

    private record Check(Decision decision, long current, boolean softDeleted, long endRevision) {
        static Check of(Decision d, Stream s) {
            return new Check(d, s.last(), s.softDeleted(), -1);
        }
    }

    /**
     * The commit check of one stream. {@code ids} empty means a fresh id (deletes): it is never
     * found, so no retry can be recognised.
     */
    private Check check(String name, StreamState expected, List<UUID> eventIds) {
        Stream s = stream(name);
        long current = s.last();
        if (s.tombstoned) {
            return Check.of(Decision.DELETED, s);
        }
        if (expected instanceof StreamState.StreamExists) {
            // semantics.md §1: stream_exists on a soft-deleted stream is StreamDeleted.
            if (s.softDeleted()) {
                paths.add("stream_exists on soft-deleted");
                return Check.of(Decision.DELETED, s);
            }
            // KurrentDB's CheckCommit: a stream "exists" when it has events or metadata.
            if (current < 0 && s.metaRevision < 0) {
                return Check.of(Decision.WRONG_VERSION, s);
            }
        }
        List<UUID> idsToCheck = eventIds.isEmpty() ? List.of(UUID.randomUUID()) : eventIds;
        if (expected instanceof StreamState.Any || expected instanceof StreamState.StreamExists) {
            // Weak check (§3): every id must last have been written to this stream, at any revision.
            long end = -1;
            for (int i = 0; i < idsToCheck.size(); i++) {
                Ref ref = ids.get(idsToCheck.get(i));
                if (ref == null || !ref.stream.equals(name) || ref.revision == TOMBSTONE_REVISION) {
                    return Check.of(i == 0 ? Decision.OK : Decision.CORRUPTED, s);
                }
                if (end >= 0 && ref.revision != end + 1) {
                    paths.add("weak check, ids not consecutive");
                }
                end = ref.revision;
            }
            paths.add("weak check idempotent");
            return new Check(Decision.IDEMPOTENT, current, s.softDeleted(), end);
        }
        long e = expected instanceof StreamState.AtRevision at ? at.revision() : -1;
        if (e < current) {
            // Strong check (§3): the ids must be the events at e+1, e+2, ...
            for (int i = 0; i < idsToCheck.size(); i++) {
                long revision = e + 1 + i;
                boolean matches = revision <= current && s.events.get((int) revision).id.equals(idsToCheck.get(i));
                if (!matches) {
                    if (i > 0) {
                        paths.add("strong check corrupted");
                        return Check.of(Decision.CORRUPTED, s);
                    }
                    if (expected instanceof StreamState.NoStream && s.softDeleted()) {
                        paths.add("no_stream on soft-deleted writes");
                        return Check.of(Decision.OK, s);
                    }
                    return Check.of(Decision.WRONG_VERSION, s);
                }
            }
            paths.add(s.softDeleted() ? "strong check idempotent on soft-deleted" : "strong check idempotent");
            return new Check(Decision.IDEMPOTENT, current, s.softDeleted(), e + idsToCheck.size());
        }
        if (e > current) {
            return Check.of(Decision.WRONG_VERSION, s);
        }
        return Check.of(Decision.OK, s);
    }

    // ---- writes ----

    /** An append to one stream. */
    Outcome append(Part part) {
        return appendParts(List.of(part), false);
    }

    /** A multi-stream append: all or nothing (StorageWriterService.VerifyCommitChecks). */
    Outcome appendMulti(List<Part> parts) {
        Set<String> seen = new HashSet<>();
        for (Part p : parts) {
            if (!seen.add(p.stream.toLowerCase(Locale.ROOT))) {
                // Cairn rejects a stream named twice (v2 AppendSession: STREAM_ALREADY_IN_APPEND_SESSION).
                return new Failed(InvalidArgumentException.class, null, null);
            }
        }
        return appendParts(parts, true);
    }

    private Outcome appendParts(List<Part> parts, boolean multi) {
        List<Check> checks = new ArrayList<>();
        for (Part p : parts) {
            Check c = check(p.stream, p.expected, p.ids);
            checks.add(c);
            // The loop of VerifyCommitChecks stops at the first Deleted or CorruptedIdempotency.
            if (c.decision == Decision.DELETED) {
                return new Failed(StreamDeletedException.class, p.stream, null);
            }
            if (c.decision == Decision.CORRUPTED) {
                paths.add(multi ? "multi corrupted" : "corrupted");
                return multi ? new Failed(WrongExpectedVersionException.class, null, null)
                        : new Failed(WrongExpectedVersionException.class, p.stream, StreamState.actual(c.current));
            }
        }
        long ok = checks.stream().filter(c -> c.decision == Decision.OK).count();
        long idempotent = checks.stream().filter(c -> c.decision == Decision.IDEMPOTENT).count();
        if (idempotent == parts.size()) {
            List<Long> revisions = new ArrayList<>();
            List<Event> ends = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                long end = checks.get(i).endRevision;
                revisions.add(end);
                ends.add(stream(parts.get(i).stream).events.get((int) end));
            }
            return new Duplicate(revisions, ends);
        }
        if (ok != parts.size()) {
            if (idempotent == 0) {
                for (int i = 0; i < parts.size(); i++) {
                    if (checks.get(i).decision == Decision.WRONG_VERSION) {
                        return new Failed(WrongExpectedVersionException.class, parts.get(i).stream,
                                StreamState.actual(checks.get(i).current));
                    }
                }
            }
            paths.add("multi mix with idempotent");
            // A mix of idempotent and other streams fails without naming streams.
            return new Failed(WrongExpectedVersionException.class, null, null);
        }
        List<Long> revisions = new ArrayList<>();
        List<Event> lasts = new ArrayList<>();
        for (Part p : parts) {
            Stream s = stream(p.stream);
            if (s.softDeleted()) {
                paths.add("undelete by append");
                undelete(s);
            }
            for (int i = 0; i < p.ids.size(); i++) {
                Event e = new Event(p.stream, s.events.size(), p.ids.get(i), p.types.get(i));
                s.events.add(e);
                all.add(e);
                ids.putIfAbsent(e.id, new Ref(p.stream, e.revision));
            }
            revisions.add(s.last());
            lasts.add(s.events.get((int) s.last()));
        }
        return new Written(revisions, lasts);
    }

    /** Writing to a soft-deleted stream keeps its metadata but sets {@code $tb} to the next revision. */
    private static void undelete(Stream s) {
        s.meta = s.meta.withTruncateBefore(s.last() + 1);
        s.metaRevision++;
    }

    /** A soft delete (§1): the commit check with a fresh id, then {@code {"$tb": max}} to {@code $$x}. */
    Outcome delete(String name, StreamState expected) {
        Check c = check(name, expected, List.of());
        Outcome failed = deleteFailure(name, c);
        if (failed != null) {
            return failed;
        }
        Stream s = stream(name);
        if (s.last() < 0 && s.metaRevision < 0) {
            paths.add("soft delete of nothing");
            return new Failed(WrongExpectedVersionException.class, name, StreamState.noStream());
        }
        if (s.last() < 0) {
            paths.add("soft delete of metadata only");
        }
        s.meta = Meta.SOFT_DELETED;
        s.metaRevision++;
        return new Written(List.of(-1L), List.of());
    }

    /** A tombstone (§2): the commit check with a fresh id, then a {@code $streamDeleted} record. */
    Outcome tombstone(String name, StreamState expected) {
        Check c = check(name, expected, List.of());
        Outcome failed = deleteFailure(name, c);
        if (failed != null) {
            return failed;
        }
        Stream s = stream(name);
        s.tombstoned = true;
        Event e = new Event(name, TOMBSTONE_REVISION, null, "$streamDeleted");
        all.add(e);
        return new Written(List.of(-1L), List.of(e));
    }

    private static Outcome deleteFailure(String name, Check c) {
        return switch (c.decision) {
            case OK, IDEMPOTENT -> null;
            case DELETED -> new Failed(StreamDeletedException.class, name, null);
            case WRONG_VERSION, CORRUPTED -> new Failed(WrongExpectedVersionException.class, name,
                    StreamState.actual(c.current));
        };
    }

    /**
     * Sets metadata: an append of one event (with a fresh id) to the metadata stream, checked
     * against its expected state. The result's revision is the metadata stream's. On a
     * soft-deleted stream a second event undeletes it (§1): the user's metadata with {@code $tb} =
     * last + 1.
     */
    Outcome setMetadata(String name, StreamState expected, Meta meta) {
        Stream s = stream(name);
        if (s.tombstoned) {
            return new Failed(StreamDeletedException.class, null, null);
        }
        long current = s.metaRevision;
        boolean holds = switch (expected) {
            case StreamState.Any any -> true;
            case StreamState.NoStream none -> current < 0;
            case StreamState.StreamExists exists -> current >= 0;
            case StreamState.AtRevision at -> at.revision() == current;
            case StreamState.Deleted deleted -> throw new AssertionError("a check's state, not modelled");
            case StreamState.Tombstoned tombstoned -> throw new AssertionError("a check's state, not modelled");
        };
        if (!holds) {
            return new Failed(WrongExpectedVersionException.class, "$$" + name, StreamState.actual(current));
        }
        boolean wasSoftDeleted = s.softDeleted();
        s.meta = meta;
        s.metaRevision++;
        if (wasSoftDeleted && !meta.softDeleted()) {
            paths.add("undelete by metadata");
            s.meta = meta.withTruncateBefore(s.last() + 1);
            s.metaRevision++;
        }
        return new Written(List.of(s.metaRevision), List.of());
    }

    /** Metadata as the client reads it (§5): empty with revision -1 when none; Deleted after a tombstone. */
    record MetaRead(Meta meta, long revision, Class<? extends CairnException> failure) {
    }

    MetaRead metadata(String name) {
        Stream s = stream(name);
        if (s.tombstoned) {
            return new MetaRead(null, -1, StreamDeletedException.class);
        }
        return new MetaRead(s.meta == null ? new Meta(null, null) : s.meta, s.metaRevision, null);
    }

    // ---- reads ----

    /** Reads a whole stream. */
    Read read(String name, boolean forwards) {
        return read(name, forwards, forwards ? 0 : Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Reads a stream (§5): NotFound, Deleted, or at most {@code maxCount} of the events at or
     * above min, forwards from {@code from}, or backwards from {@code from} (or the last event).
     */
    Read read(String name, boolean forwards, long from, long maxCount) {
        Stream s = stream(name);
        if (s.tombstoned) {
            return new Read(List.of(), StreamDeletedException.class);
        }
        if (s.last() < 0 || s.softDeleted()) {
            return new Read(List.of(), StreamNotFoundException.class);
        }
        long min = 0;
        if (s.meta != null && s.meta.maxCount != null) {
            min = Math.max(min, s.last() - s.meta.maxCount + 1);
        }
        if (s.meta != null && s.meta.truncateBefore != null) {
            min = Math.max(min, s.meta.truncateBefore);
        }
        List<Event> visible = new ArrayList<>(s.events.subList((int) Math.min(min, s.events.size()), s.events.size()));
        if (!forwards) {
            Collections.reverse(visible);
        }
        List<Event> read = visible.stream()
                .filter(e -> forwards ? e.revision >= from : e.revision <= from)
                .limit(maxCount)
                .toList();
        return new Read(read, null);
    }

    /** Summary for failure messages. */
    @Override
    public String toString() {
        Map<String, String> out = new LinkedHashMap<>();
        streams.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.put(e.getKey(),
                "last=" + e.getValue().last() + " meta=" + e.getValue().meta + "@" + e.getValue().metaRevision
                        + (e.getValue().tombstoned ? " TOMBSTONED" : "")));
        return out.toString();
    }
}
