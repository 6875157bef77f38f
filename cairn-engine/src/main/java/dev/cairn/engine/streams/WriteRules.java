package dev.cairn.engine.streams;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsistencyCheckException;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.index.IndexEntry;
import dev.cairn.engine.index.IndexUpdate;
import dev.cairn.engine.index.StreamInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * KurrentDB's write semantics, decided in the writer thread: expected-state checks, idempotent
 * retries by event id, soft delete and undelete, tombstones, metadata. Accepted requests are
 * encoded as one batch each (events, then a commit record).
 *
 * <p>Idempotency follows KurrentDB's rules:
 * <ul>
 *   <li>{@code any} / {@code stream exists}: if the first id's oldest write among the recent events
 *       ({@link dev.cairn.engine.index.RecentIds}, the last events of the log, a window that a
 *       restart reloads) went to this stream, every id must have been written to it too (the
 *       original result is returned) or the append fails with wrong expected version; if not, the
 *       events are written. KurrentDB keeps such a window too (its committed-events cache).
 *   <li>exact revision E below the current one ({@code no stream} is E = -1): the ids must equal
 *       those at E+1.. (original result) or it fails; E equal to current writes; E above fails.
 *       This is checked against the stream's own index entries, so it holds however old the
 *       events are.
 * </ul>
 *
 * <p>Not thread-safe: the writer thread only.
 */
final class WriteRules {

    private static final byte[] SOFT_DELETED = ("{\"$tb\":" + Long.MAX_VALUE + "}").getBytes(StandardCharsets.UTF_8);

    private final GroupEncoder encoder;
    /** Whether the last wrong expected version was a retry matching only in part (CorruptedIdempotency). */
    private boolean corrupted;

    WriteRules(GroupEncoder encoder) {
        this.encoder = encoder;
    }

    Object apply(WriteRequest request) throws IOException {
        return switch (request) {
            case WriteRequest.Append a -> a.multi() ? appendMulti(a) : appendOne(a);
            case WriteRequest.Records r -> appendRecords(r);
            case WriteRequest.Delete d -> delete(d);
            case WriteRequest.SetMetadata m -> setMetadata(m);
        };
    }

    // ---- appends ----

    /** A stream part that passed its checks: either already written (duplicate) or to write. */
    private record Decision(AppendRequest part, StreamInfo info, AppendResult duplicate) {
    }

    private AppendResult appendOne(WriteRequest.Append a) throws IOException {
        AppendRequest part = a.parts().get(0);
        Decision d = check(part);
        if (d.duplicate != null) {
            return d.duplicate;
        }
        if (part.events().isEmpty()) {
            return currentResult(part.stream(), d.info);
        }
        AppendResult result = write(d, a.createdMicros());
        endBatch();
        return result;
    }

    private MultiAppendResult appendMulti(WriteRequest.Append a) throws IOException {
        List<Decision> decisions = new ArrayList<>();
        int duplicates = 0;
        WrongExpectedVersionException firstWrong = null;
        for (AppendRequest part : a.parts()) {
            // As KurrentDB's VerifyCommitChecks: a deleted stream or a half-matching retry anywhere
            // decides at once; a plain wrong expected version waits for the other streams' checks.
            corrupted = false;
            try {
                Decision d = check(part);
                decisions.add(d);
                duplicates += d.duplicate != null ? 1 : 0;
            } catch (WrongExpectedVersionException e) {
                if (corrupted) {
                    throw e;
                }
                firstWrong = firstWrong == null ? e : firstWrong;
            }
        }
        if (firstWrong != null) {
            throw firstWrong;
        }
        List<AppendResult> results = new ArrayList<>();
        if (duplicates == decisions.size()) {
            decisions.forEach(d -> results.add(d.duplicate));
            return new MultiAppendResult(results, last(results));
        }
        if (duplicates > 0) {
            Decision d = decisions.stream().filter(x -> x.duplicate != null).findFirst().orElseThrow();
            throw new WrongExpectedVersionException(d.part.stream(), d.part.expected(), actual(d.info));
        }
        for (Decision d : decisions) {
            results.add(d.part.events().isEmpty() ? currentResult(d.part.stream(), d.info) : write(d, a.createdMicros()));
        }
        endBatch();
        return new MultiAppendResult(results, last(results));
    }

    private static Position last(List<AppendResult> results) {
        return results.stream().map(AppendResult::position).max(Position::compareTo).orElse(Position.START);
    }

    private AppendResult currentResult(StreamName stream, StreamInfo info) {
        long revision = info == null ? -1 : info.lastRevision();
        IndexEntry entry = info == null || revision < 0 ? null : update().entry(info.id(), revision);
        Position position = entry == null ? Position.START : Position.of(entry.position(), entry.position());
        return new AppendResult(stream, revision, position);
    }

    private Decision check(AppendRequest part) {
        String name = part.stream().value();
        StreamInfo info = update().stream(name);
        if (info != null && info.tombstoned()) {
            throw new StreamDeletedException(part.stream());
        }
        if (part.stream().isMetadata()) {
            StreamInfo base = update().stream(part.stream().metadataOf().value());
            if (base != null && base.tombstoned()) {
                throw new StreamDeletedException(part.stream());
            }
        }
        StreamCatalog.Metadata meta = metadata(name);
        boolean softDeleted = meta != null && meta.softDeleted();
        long current = info == null ? -1 : info.lastRevision();
        List<EventData> events = part.events();
        AppendResult duplicate = null;
        switch (part.expected()) {
            case StreamState.Any any -> duplicate = duplicateByIds(part, info);
            case StreamState.StreamExists exists -> {
                if (softDeleted) {
                    throw new StreamDeletedException(part.stream());
                }
                if (current < 0 && !hasMetastream(name)) {
                    throw wrongVersion(part, info);
                }
                duplicate = duplicateByIds(part, info);
            }
            case StreamState.NoStream none -> {
                if (current >= 0) {
                    duplicate = softDeleted ? duplicateUnlessFirstIsNew(part, info) : duplicateFrom(part, info, 0);
                }
            }
            case StreamState.AtRevision at -> {
                if (at.revision() > current) {
                    throw wrongVersion(part, info);
                }
                if (at.revision() < current) {
                    duplicate = duplicateFrom(part, info, at.revision() + 1);
                }
            }
            // the two states only a consistency check expects, asked here whether the records of
            // AppendRecords are a retry: deleted as KurrentDB's weak check, tombstoned never one
            case StreamState.Deleted deleted -> duplicate = duplicateByIds(part, info);
            case StreamState.Tombstoned tombstoned -> throw wrongVersion(part, info);
        }
        if (duplicate != null && events.isEmpty()) {
            duplicate = null;
        }
        return new Decision(part, info, duplicate);
    }

    /**
     * For any / stream exists (KurrentDB's weak check): if the oldest recent write of the first id
     * went to this stream, every id must have been written to it (at any revisions, in any order)
     * and the result is the original one, ending at the last id's revision; if only some were, the
     * append fails. If it went to another stream, or the window holds no write of the first id,
     * the events are written.
     */
    private AppendResult duplicateByIds(AppendRequest part, StreamInfo info) {
        if (info == null || part.events().isEmpty()) {
            return null;
        }
        long end = -1;
        for (int i = 0; i < part.events().size(); i++) {
            long revision = update().revisionOf(part.events().get(i).id(), part.stream().value(), info.id());
            if (revision < 0 || revision == Long.MAX_VALUE) {
                if (i == 0) {
                    return null;
                }
                corrupted = true;
                throw wrongVersion(part, info);
            }
            end = revision;
        }
        IndexEntry entry = update().entry(info.id(), end);
        return new AppendResult(part.stream(), end, Position.of(entry.position(), entry.position()));
    }

    /** For an exact expected revision below the current one: the original result, or a failure. */
    private AppendResult duplicateFrom(AppendRequest part, StreamInfo info, long start) {
        if (part.events().isEmpty()) {
            throw wrongVersion(part, info);
        }
        return matchFrom(part, info, start);
    }

    /**
     * For no stream on a soft-deleted stream: like {@link #duplicateFrom} from revision 0, except that
     * a first event that differs means a new write (null), as KurrentDB's CheckCommit has it.
     */
    private AppendResult duplicateUnlessFirstIsNew(AppendRequest part, StreamInfo info) {
        if (part.events().isEmpty()) {
            throw wrongVersion(part, info);
        }
        IndexEntry first = update().entry(info.id(), 0);
        if (first == null || !first.id().equals(part.events().get(0).id())) {
            return null;
        }
        return matchFrom(part, info, 0);
    }

    /** True when the stream's metastream {@code $$stream} has events (KurrentDB: the stream "exists"). */
    private boolean hasMetastream(String stream) {
        StreamInfo metastream = update().stream("$$" + stream);
        return metastream != null && metastream.lastRevision() >= 0;
    }

    private AppendResult matchFrom(AppendRequest part, StreamInfo info, long start) {
        List<EventData> events = part.events();
        IndexEntry entry = null;
        for (int i = 0; i < events.size(); i++) {
            long revision = start + i;
            entry = revision > info.lastRevision() ? null : update().entry(info.id(), revision);
            if (entry == null || !entry.id().equals(events.get(i).id())) {
                corrupted = i > 0;
                throw wrongVersion(part, info);
            }
        }
        return new AppendResult(part.stream(), entry.revision(), Position.of(entry.position(), entry.position()));
    }

    private static WrongExpectedVersionException wrongVersion(AppendRequest part, StreamInfo info) {
        return new WrongExpectedVersionException(part.stream(), part.expected(), actual(info));
    }

    private static StreamState actual(StreamInfo info) {
        return StreamState.actual(info == null ? -1 : info.lastRevision());
    }

    /** Encodes the events of an accepted part (undeleting a soft-deleted stream first). */
    private AppendResult write(Decision d, long micros) throws IOException {
        String name = d.part.stream().value();
        long revision = d.info == null ? -1 : d.info.lastRevision();
        long firstNew = revision + 1;
        String undeleteBase = softDeletedBase(name);
        long position = -1;
        for (EventData e : d.part.events()) {
            revision++;
            position = event(name, revision, e.id(), e.type().value(), e.contentType() == dev.cairn.api.ContentType.JSON,
                    e.data(), e.metadata(), micros);
        }
        // as KurrentDB's SoftUndeleteStream: the undelete follows the events it makes visible. The
        // metadata is read again, not taken from the check: an earlier part of a multi-stream
        // append may have written this stream's metastream (and undeleted it) since
        StreamCatalog.Metadata meta = metadata(name);
        if (meta != null && meta.softDeleted()) {
            undelete(name, meta.value(), firstNew, d.part.events().get(0).id(), micros);
        }
        if (undeleteBase != null) {
            // the undelete is written to this same metastream: report the stream as it is after it,
            // as setStreamMetadata does, so the result is the next expected revision
            position = undeleteMetastream(undeleteBase, d.part.events().get(0).id(), micros);
            revision = update().stream(name).lastRevision();
        }
        return new AppendResult(d.part.stream(), revision, Position.of(position, position));
    }

    /**
     * Writes {@code current} back with {@code $tb = firstRevision}. Its id is derived from the id of
     * the event that caused it, so that the writer stays a deterministic function of its input.
     */
    private long undelete(String stream, StreamMetadata current, long firstRevision, UUID cause, long micros)
            throws IOException {
        UUID id = UUID.nameUUIDFromBytes((cause + "/undelete").getBytes(StandardCharsets.UTF_8));
        return writeMetadata(stream, MetadataCodec.write(current.withTruncateBefore(firstRevision)), id, micros);
    }

    /** True for a metastream {@code $$x} whose stream x is tombstoned: it is deleted with x. */
    private boolean baseTombstoned(String stream) {
        if (!stream.startsWith("$$")) {
            return false;
        }
        StreamInfo base = update().stream(stream.substring(2));
        return base != null && base.tombstoned();
    }

    /** For a metastream {@code $$x} whose stream x is soft deleted: x; else null. */
    private String softDeletedBase(String stream) {
        if (!stream.startsWith("$$")) {
            return null;
        }
        String base = stream.substring(2);
        StreamCatalog.Metadata meta = metadata(base);
        return meta != null && meta.softDeleted() ? base : null;
    }

    /**
     * KurrentDB's SoftUndeleteMetastream: a write to the metastream of a soft-deleted stream undeletes
     * it, by writing the metadata just written again with {@code $tb} = the stream's last revision + 1,
     * so that the events from before the delete stay hidden.
     */
    private long undeleteMetastream(String base, UUID cause, long micros) throws IOException {
        StreamCatalog.Metadata written = metadata(base);
        StreamInfo info = update().stream(base);
        long first = info == null ? 0 : info.lastRevision() + 1;
        return undelete(base, written == null ? StreamMetadata.EMPTY : written.value(), first, cause, micros);
    }

    // ---- append records (26.1) ----

    private MultiAppendResult appendRecords(WriteRequest.Records r) throws IOException {
        MultiAppendResult duplicate = duplicateRecords(r);
        if (duplicate != null) {
            return duplicate;
        }
        List<ConsistencyCheckException.Failure> failures = checkFailures(r, name -> true);
        if (!failures.isEmpty()) {
            throw new ConsistencyCheckException(failures);
        }
        return writeRecords(r);
    }

    /**
     * KurrentDB checks each written stream for an idempotent retry (CheckCommit, with the stream's
     * check as its expected revision, else any): the original result when every written stream is a
     * retry, wrong expected version when only some are, null when none is.
     */
    private MultiAppendResult duplicateRecords(WriteRequest.Records r) {
        Map<String, List<EventData>> byStream = new LinkedHashMap<>();
        for (AppendRecord record : r.records()) {
            byStream.computeIfAbsent(record.stream().value(), k -> new ArrayList<>()).add(record.event());
        }
        Map<String, StreamState> expected = new HashMap<>();
        for (ConsistencyCheck c : r.checks()) {
            expected.put(c.stream().value(), c.expected());
        }
        List<AppendResult> duplicates = new ArrayList<>();
        for (Map.Entry<String, List<EventData>> e : byStream.entrySet()) {
            StreamState state = expected.getOrDefault(e.getKey(), StreamState.any());
            try {
                Decision d = check(new AppendRequest(StreamName.of(e.getKey()), state, e.getValue()));
                if (d.duplicate != null) {
                    duplicates.add(d.duplicate);
                }
            } catch (dev.cairn.api.CairnException failed) {
                if (!expected.containsKey(e.getKey()) && !(failed instanceof StreamDeletedException)) {
                    throw failed;
                }
                // a checked stream's check reports the failure, a tombstoned stream's its violation
            }
        }
        if (duplicates.isEmpty()) {
            return null;
        }
        if (duplicates.size() < byStream.size()) {
            StreamName stream = duplicates.get(0).stream();
            throw new WrongExpectedVersionException(stream, expected.getOrDefault(stream.value(), StreamState.any()),
                    actual(update().stream(stream.value())));
        }
        List<ConsistencyCheckException.Failure> failures = checkFailures(r, name -> !byStream.containsKey(name));
        if (!failures.isEmpty()) {
            throw new ConsistencyCheckException(failures);
        }
        return new MultiAppendResult(duplicates, last(duplicates));
    }

    /**
     * The failing checks of {@code r} on the streams {@code include} accepts, and, as KurrentDB
     * reports them, a violation of "any" for each stream written without a check that is
     * tombstoned, numbered after the checks in the order the records first name them.
     */
    private List<ConsistencyCheckException.Failure> checkFailures(WriteRequest.Records r,
            java.util.function.Predicate<String> include) {
        Set<String> written = new LinkedHashSet<>();
        r.records().forEach(record -> written.add(record.stream().value()));
        Set<String> unchecked = new LinkedHashSet<>(written);
        List<ConsistencyCheckException.Failure> failures = new ArrayList<>();
        List<ConsistencyCheck> checks = r.checks();
        for (int i = 0; i < checks.size(); i++) {
            ConsistencyCheck c = checks.get(i);
            String name = c.stream().value();
            unchecked.remove(name);
            StreamState actual = include.test(name) ? violation(name, c.expected(), written.contains(name)) : null;
            if (actual != null) {
                failures.add(new ConsistencyCheckException.Failure(i, c.stream(), c.expected(), actual));
            }
        }
        int index = checks.size();
        for (String name : unchecked) {
            StreamState actual = include.test(name) ? violation(name, StreamState.any(), true) : null;
            if (actual != null) {
                failures.add(new ConsistencyCheckException.Failure(index, StreamName.of(name), StreamState.any(),
                        actual));
            }
            index++;
        }
        return failures;
    }

    /**
     * What a failing check of {@code expected} on {@code name} reports as the stream's actual
     * state, or null when the check holds ({@link ConsistencyCheck} has the table, KurrentDB's).
     *
     * @param written whether the append writes the stream: a tombstoned stream then always fails
     */
    private StreamState violation(String name, StreamState expected, boolean written) {
        StreamInfo info = update().stream(name);
        if (info != null && info.tombstoned() || baseTombstoned(name)) {
            boolean holds = !written && (expected instanceof StreamState.NoStream
                    || expected instanceof StreamState.Tombstoned);
            return holds ? null : StreamState.tombstoned();
        }
        long current = info == null ? -1 : info.lastRevision();
        StreamCatalog.Metadata meta = metadata(name);
        boolean softDeleted = meta != null && meta.softDeleted();
        StreamState actual = StreamState.actual(current);
        return switch (expected) {
            case StreamState.Any any -> null;
            case StreamState.NoStream none -> current < 0 || softDeleted ? null : actual;
            case StreamState.StreamExists exists ->
                    softDeleted ? StreamState.deleted() : current >= 0 || hasMetastream(name) ? null : actual;
            case StreamState.AtRevision at -> at.revision() == current ? null : actual;
            case StreamState.Deleted deleted -> softDeleted ? null : actual;
            case StreamState.Tombstoned tombstoned -> actual;
        };
    }

    private MultiAppendResult writeRecords(WriteRequest.Records r) throws IOException {
        Map<String, long[]> revisions = new LinkedHashMap<>();
        for (AppendRecord record : r.records()) {
            String name = record.stream().value();
            if (!revisions.containsKey(name)) {
                StreamInfo info = update().stream(name);
                if (info != null && info.tombstoned() || baseTombstoned(name)) {
                    throw new StreamDeletedException(record.stream());
                }
                revisions.put(name, new long[] {info == null ? -1 : info.lastRevision(), -1});
            }
        }
        List<String> undeleteBases = new ArrayList<>();
        Map<String, StreamCatalog.Metadata> softDeleted = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : revisions.entrySet()) {
            String base = softDeletedBase(e.getKey());
            if (base != null) {
                undeleteBases.add(base);
            }
            StreamCatalog.Metadata meta = metadata(e.getKey());
            if (meta != null && meta.softDeleted()) {
                softDeleted.put(e.getKey(), meta);
            }
        }
        Map<String, Long> firstNew = new HashMap<>();
        revisions.forEach((name, state) -> firstNew.put(name, state[0] + 1));
        Map<String, UUID> causes = new HashMap<>();
        r.records().forEach(record -> causes.putIfAbsent(record.stream().value(), record.event().id()));
        for (AppendRecord record : r.records()) {
            String name = record.stream().value();
            long[] state = revisions.get(name);
            EventData e = record.event();
            state[0]++;
            state[1] = event(name, state[0], e.id(), e.type().value(), e.contentType() == dev.cairn.api.ContentType.JSON,
                    e.data(), e.metadata(), r.createdMicros());
        }
        for (Map.Entry<String, StreamCatalog.Metadata> e : softDeleted.entrySet()) {
            undelete(e.getKey(), e.getValue().value(), firstNew.get(e.getKey()), causes.get(e.getKey()),
                    r.createdMicros());
        }
        for (String base : undeleteBases) {
            undeleteMetastream(base, causes.get("$$" + base), r.createdMicros());
        }
        endBatch();
        List<AppendResult> results = new ArrayList<>();
        revisions.forEach((name, state) -> results.add(
                new AppendResult(StreamName.of(name), state[0], Position.of(state[1], state[1]))));
        return new MultiAppendResult(results, last(results));
    }

    // ---- deletes ----

    private DeleteResult delete(WriteRequest.Delete d) throws IOException {
        String name = d.stream().value();
        StreamInfo info = update().stream(name);
        if (info != null && info.tombstoned()) {
            throw new StreamDeletedException(d.stream());
        }
        long current = info == null ? -1 : info.lastRevision();
        StreamCatalog.Metadata meta = metadata(name);
        boolean softDeleted = meta != null && meta.softDeleted();
        AppendRequest asPart = new AppendRequest(d.stream(), d.expected(), List.of());
        if (softDeleted && d.expected() instanceof StreamState.StreamExists) {
            throw new StreamDeletedException(d.stream());
        }
        boolean holds = switch (d.expected()) {
            case StreamState.Any any -> true;
            case StreamState.NoStream none -> current < 0 || softDeleted;
            case StreamState.StreamExists exists -> current >= 0 || hasMetastream(name);
            case StreamState.AtRevision at -> at.revision() == current;
            // states for consistency checks only: the store refuses them before they get here
            case StreamState.Deleted deleted -> false;
            case StreamState.Tombstoned tombstoned -> false;
        };
        if (!holds) {
            throw wrongVersion(asPart, info);
        }
        long position;
        if (d.tombstone()) {
            position = event(name, Long.MAX_VALUE, d.eventId(), EventType.STREAM_DELETED.value(), false,
                    new byte[0], new byte[0], d.createdMicros());
        } else {
            // KurrentDB fails a soft delete only when neither the stream nor its metastream exists
            if (current < 0 && !hasMetastream(name)) {
                throw wrongVersion(asPart, info);
            }
            position = writeMetadata(name, SOFT_DELETED, d.eventId(), d.createdMicros());
        }
        endBatch();
        return new DeleteResult(Position.of(position, position));
    }

    // ---- metadata ----

    private AppendResult setMetadata(WriteRequest.SetMetadata m) throws IOException {
        String name = m.stream().value();
        StreamInfo info = update().stream(name);
        StreamName metastream = m.stream().metadataStream();
        if (info != null && info.tombstoned()) {
            // the write goes to the metadata stream, so it is named, as KurrentDB names it (and as
            // a wrong expected version of this write names it)
            throw new StreamDeletedException(metastream);
        }
        Decision d = check(new AppendRequest(metastream, m.expected(), List.of(
                new EventData(m.eventId(), EventType.METADATA, dev.cairn.api.ContentType.JSON, new byte[0], null))));
        StreamCatalog.Metadata current = metadata(name);
        long position = writeMetadata(name, MetadataCodec.write(m.metadata()), m.eventId(), m.createdMicros());
        Long tb = m.metadata().truncateBefore();
        if (current != null && current.softDeleted() && (tb == null || tb != Long.MAX_VALUE)) {
            long first = info == null ? 0 : info.lastRevision() + 1;
            position = undelete(name, m.metadata(), first, m.eventId(), m.createdMicros());
        }
        endBatch();
        StreamInfo after = update().stream(metastream.value());
        return new AppendResult(d.part.stream(), after.lastRevision(), Position.of(position, position));
    }

    private long writeMetadata(String stream, byte[] json, UUID id, long micros) throws IOException {
        return encoder.writeMetadata(stream, json, id, micros);
    }

    private StreamCatalog.Metadata metadata(String stream) {
        return encoder.metadata(stream);
    }

    private long event(String stream, long revision, UUID id, String type, boolean json, byte[] data, byte[] metadata,
            long micros) throws IOException {
        return encoder.event(stream, revision, id, type, json, data, metadata, micros);
    }

    private void endBatch() throws IOException {
        encoder.endBatch();
    }

    private IndexUpdate update() {
        return encoder.update();
    }
}
