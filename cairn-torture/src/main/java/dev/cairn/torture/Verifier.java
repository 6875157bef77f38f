package dev.cairn.torture;

import dev.cairn.torture.Ledger.Attempt;
import dev.cairn.torture.Ledger.Kind;
import dev.cairn.torture.Ledger.Outcome;
import dev.cairn.torture.Ledger.Part;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Checks a restarted node against the {@link Ledger}, through the official client: every
 * acknowledged append is in {@code $all} exactly once at the stream, revisions and position it was
 * acknowledged with; an append that was not answered is there whole or not at all (single- and
 * multi-stream alike); a refused append and anything nobody wrote are never there; {@code $all} is
 * ordered and each stream's revisions in it run 0, 1, 2, ... in {@code $all} order; each stream
 * read agrees with {@code $all} (its events are a suffix of the stream's events there, all of them
 * unless it was deleted); acknowledged tombstones and deletes hold.
 *
 * <p>Not thread-safe; the load must be stopped while it runs.
 */
final class Verifier {

    /** One event of {@code $all} as the restarted node reports it. */
    record Entry(UUID id, String stream, long revision, long position, String type) {
    }

    /** What one verification found. {@code violations} lists each broken promise in words. */
    record Result(List<Entry> all, long acknowledged, long verified, long lost, long partial, List<String> violations) {
    }

    private static final String PREFIX = "torture-";
    private static final int MAX_REPORTED = 20;

    private Verifier() {
    }

    /** Events per page when reading {@code $all}: each page is one call with its own deadline. */
    private static final int PAGE = 5_000;

    /** All of {@code $all}, forwards, in pages (a read starts at or after its position). */
    static List<Entry> readAll(KurrentDBClient client) throws Exception {
        List<Entry> all = new ArrayList<>();
        while (true) {
            ReadAllOptions options = ReadAllOptions.get().forwards().maxCount(PAGE).deadline(60_000);
            options = all.isEmpty() ? options.fromStart()
                    : options.fromPosition(new io.kurrent.dbclient.Position(all.getLast().position(),
                            all.getLast().position()));
            List<ResolvedEvent> page = client.readAll(options).get(90, TimeUnit.SECONDS).getEvents();
            int added = 0;
            for (int i = 0; i < page.size(); i++) {
                RecordedEvent r = page.get(i).getOriginalEvent();
                long position = r.getPosition().getCommitUnsigned();
                if (i == 0 && !all.isEmpty() && position == all.getLast().position()) {
                    continue; // a page starts at the last event of the previous one
                }
                all.add(new Entry(r.getEventId(), r.getStreamId(), r.getRevision(), position, r.getEventType()));
                added++;
            }
            if (page.size() < PAGE || added == 0) {
                return all;
            }
        }
    }

    static Result verify(KurrentDBClient client, Ledger ledger) throws Exception {
        List<String> violations = new ArrayList<>();
        List<Entry> all = readAll(client);
        Map<UUID, Entry> byId = new HashMap<>();
        Map<String, List<Entry>> byStream = new LinkedHashMap<>();
        long previous = -1;
        for (Entry e : all) {
            if (previous >= 0 && Long.compareUnsigned(e.position(), previous) <= 0) {
                report(violations, "$all is out of order: position " + e.position() + " after " + previous);
            }
            previous = e.position();
            // the node's own records ($streamDeleted, $metadata) carry ids the node chose
            if (!e.stream().startsWith(PREFIX) || e.type().startsWith("$")) {
                continue;
            }
            if (byId.put(e.id(), e) != null) {
                report(violations, "event " + e.id() + " is in $all twice (a duplicate write)");
            }
            byStream.computeIfAbsent(e.stream(), s -> new ArrayList<>()).add(e);
        }

        long acknowledged = 0;
        long verified = 0;
        long lost = 0;
        long partial = 0;
        Set<UUID> attempted = new HashSet<>();
        Map<String, Attempt> lastAttempt = new HashMap<>();
        Map<String, List<Attempt>> deletes = new HashMap<>();
        for (Attempt a : ledger.attempts()) {
            for (Part p : a.parts) {
                attempted.addAll(p.ids());
                lastAttempt.put(p.stream(), a);
                if (a.kind == Kind.DELETE || a.kind == Kind.TOMBSTONE) {
                    deletes.computeIfAbsent(p.stream(), s -> new ArrayList<>()).add(a);
                }
            }
            if (a.kind == Kind.DELETE || a.kind == Kind.TOMBSTONE) {
                continue;
            }
            int present = 0;
            for (Part p : a.parts) {
                for (UUID id : p.ids()) {
                    if (byId.containsKey(id)) {
                        present++;
                    }
                }
            }
            switch (a.outcome) {
                case ACKNOWLEDGED -> {
                    acknowledged += a.events();
                    lost += a.events() - present;
                    if (present < a.events()) {
                        report(violations, describe(a) + " was acknowledged but " + (a.events() - present) + " of its "
                                + a.events() + " events are missing");
                    }
                    verified += placed(a, byId, violations);
                }
                case UNKNOWN -> {
                    if (present > 0 && present < a.events()) {
                        partial++;
                        report(violations, describe(a) + " was not answered and is partly there: " + present + " of "
                                + a.events() + " events");
                    }
                }
                case REFUSED -> {
                    if (present > 0) {
                        report(violations, describe(a) + " was refused but " + present + " of its events are there");
                    }
                }
            }
        }
        for (Entry e : byId.values()) {
            if (!attempted.contains(e.id())) {
                report(violations, "event " + e.id() + " in " + e.stream() + " was never written by anyone");
            }
        }
        for (Map.Entry<String, List<Entry>> s : byStream.entrySet()) {
            long expected = 0;
            for (Entry e : s.getValue()) {
                if (e.revision() != expected) {
                    report(violations, s.getKey() + ": revision " + e.revision() + " follows " + (expected - 1)
                            + " in $all order");
                    break;
                }
                expected++;
            }
        }
        checkStreamReads(client, byStream, lastAttempt, deletes, violations);
        return new Result(all, acknowledged, verified, lost, partial, violations);
    }

    /** How many of an acknowledged attempt's events are exactly where the node said. */
    private static long placed(Attempt a, Map<UUID, Entry> byId, List<String> violations) {
        long ok = 0;
        Entry last = null;
        for (Part p : a.parts) {
            long first = p.lastRevision()[0] - p.ids().size() + 1;
            for (int i = 0; i < p.ids().size(); i++) {
                Entry e = byId.get(p.ids().get(i));
                if (e == null) {
                    continue;
                }
                last = e;
                if (!e.stream().equals(p.stream()) || e.revision() != first + i) {
                    report(violations, describe(a) + ": event " + e.id() + " is at " + e.stream() + "@" + e.revision()
                            + ", acknowledged at " + p.stream() + "@" + (first + i));
                } else {
                    ok++;
                }
            }
        }
        if (last != null && last.position() != a.position) {
            report(violations, describe(a) + ": acknowledged at position " + a.position + " but its last event is at "
                    + last.position());
        }
        return ok;
    }

    private static void checkStreamReads(KurrentDBClient client, Map<String, List<Entry>> byStream,
            Map<String, Attempt> lastAttempt, Map<String, List<Attempt>> deletes, List<String> violations)
            throws Exception {
        Set<String> streams = new HashSet<>(byStream.keySet());
        streams.addAll(deletes.keySet());
        for (String stream : streams) {
            List<Attempt> dels = deletes.getOrDefault(stream, List.of());
            boolean tombstoned = dels.stream()
                    .anyMatch(d -> d.kind == Kind.TOMBSTONE && d.outcome == Outcome.ACKNOWLEDGED);
            boolean mayBeTombstoned = dels.stream()
                    .anyMatch(d -> d.kind == Kind.TOMBSTONE && d.outcome != Outcome.REFUSED);
            Attempt last = lastAttempt.get(stream);
            boolean deletedLast = last != null && last.kind == Kind.DELETE && last.outcome == Outcome.ACKNOWLEDGED;
            List<UUID> inAll = byStream.getOrDefault(stream, List.of()).stream().map(Entry::id).toList();
            List<UUID> read;
            try {
                read = client.readStream(stream, ReadStreamOptions.get().forwards().fromStart().maxCount(Long.MAX_VALUE)
                        .deadline(60_000)).get(60, TimeUnit.SECONDS).getEvents().stream()
                        .map(e -> e.getOriginalEvent().getEventId()).toList();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StreamDeletedException || isStreamDeleted(e.getCause())) {
                    if (!mayBeTombstoned) {
                        report(violations, stream + " reads as deleted but nobody tombstoned it");
                    }
                    continue;
                }
                if (e.getCause() instanceof StreamNotFoundException) {
                    read = List.of();
                } else {
                    throw e;
                }
            }
            if (tombstoned) {
                report(violations, stream + " was tombstoned (acknowledged) but it can still be read");
            }
            if (deletedLast && !read.isEmpty()) {
                report(violations, stream + " was deleted (acknowledged, nothing written since) but reads "
                        + read.size() + " events");
            }
            boolean suffix = read.size() <= inAll.size()
                    && inAll.subList(inAll.size() - read.size(), inAll.size()).equals(read);
            if (!suffix || (dels.isEmpty() && read.size() != inAll.size())) {
                report(violations, stream + ": reading the stream gives " + read.size()
                        + " events that do not match its "
                        + inAll.size() + " events in $all");
            }
        }
    }

    /** Client 1.1.0 turns stream-deleted into an exception only on writes; reads pass KurrentDB's status through. */
    private static boolean isStreamDeleted(Throwable t) {
        io.grpc.Metadata trailers = io.grpc.Status.trailersFromThrowable(t);
        return trailers != null && "stream-deleted".equals(
                trailers.get(io.grpc.Metadata.Key.of("exception", io.grpc.Metadata.ASCII_STRING_MARSHALLER)));
    }

    private static String describe(Attempt a) {
        StringBuilder b = new StringBuilder(a.kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .append(" #").append(a.sequence).append(" (round ").append(a.round).append(") to");
        for (Part p : a.parts) {
            b.append(' ').append(p.stream()).append(" x").append(p.ids().size());
        }
        return b.toString();
    }

    private static void report(List<String> violations, String violation) {
        if (violations.size() < MAX_REPORTED) {
            violations.add(violation);
        } else if (violations.size() == MAX_REPORTED) {
            violations.add("(more violations not listed)");
        }
    }
}
