package dev.cairn.engine.model;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.CairnException;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.statistics.Statistics;

/**
 * One try of {@link StoreModelTest}: a fresh store in a temporary directory, the model, and the
 * comparison of every outcome. Positions are learned from the engine and checked for consistency:
 * a new write lands after everything before it; a recognised retry reports the original position.
 */
final class ModelRun implements AutoCloseable {

    private final Path dir;
    private final StoreModel model = new StoreModel();
    private final List<UUID> pool = new ArrayList<>();
    private final List<AppendRequest> appends = new ArrayList<>();
    private final List<List<AppendRequest>> multis = new ArrayList<>();
    private final List<String> done = new ArrayList<>();
    private final ReadCheck reads;
    private EventStore store;
    private int step;

    ModelRun() throws IOException {
        dir = Files.createTempDirectory("cairn-model");
        store = open();
        for (int i = 0; i < StoreModelTest.IDS; i++) {
            pool.add(new UUID(0xCA1E_0000L, i + 1));
        }
        reads = new ReadCheck(model, this::fail);
    }

    private EventStore open() {
        return Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(100_000).build());
    }

    static String name(int stream) {
        return "s" + stream;
    }

    void execute(List<Op> ops) {
        for (Op op : ops) {
            done.add(op.toString());
            apply(op);
            step++;
        }
        reads.verify(store);
        reopen();
    }

    private void apply(Op op) {
        switch (op) {
            case Op.Append a -> append(new AppendRequest(StreamName.of(name(a.stream())),
                    expected(a.expect(), name(a.stream())), events(a.events())));
            case Op.Retry r -> retry(r);
            case Op.Multi m -> multi(m);
            case Op.MultiRetry r -> {
                if (!multis.isEmpty()) {
                    multi(multis.get(r.pick() % multis.size()));
                }
            }
            case Op.MultiSameStream m -> multi(List.of(
                    new AppendRequest(StreamName.of(name(m.stream())), StreamState.any(), List.of(event(pool.get(0), 0))),
                    new AppendRequest(StreamName.of(name(m.stream()).toUpperCase()), StreamState.any(),
                            List.of(event(pool.get(1), 0)))));
            case Op.Delete d -> {
                String s = name(d.stream());
                StreamState expected = expected(d.expect(), s);
                compare(model.delete(s, expected), () -> List.of(result(s, -1, store.delete(StreamName.of(s), expected).position())));
            }
            case Op.Tombstone t -> {
                String s = name(t.stream());
                StreamState expected = expected(t.expect(), s);
                compare(model.tombstone(s, expected),
                        () -> List.of(result(s, -1, store.tombstone(StreamName.of(s), expected).position())));
            }
            case Op.SetMetadata m -> {
                String s = name(m.stream());
                StreamMetadata metadata = StreamMetadata.EMPTY.withMaxCount(m.maxCount()).withTruncateBefore(m.truncateBefore());
                StreamState expected = expected(m.expect(), model.metaRevision(s));
                compare(model.setMetadata(s, expected, new StoreModel.Meta(m.maxCount(), m.truncateBefore())), () -> {
                    AppendResult r = store.setStreamMetadata(StreamName.of(s), expected, metadata);
                    check(r.stream().value().equals("$$" + s), "metadata result names " + r.stream());
                    return List.of(r);
                });
            }
            case Op.Reopen r -> reopen();
            case Op.Verify v -> reads.verify(store);
        }
    }

    private void reopen() {
        store.close();
        store = open();
        reads.verify(store);
    }

    private StreamState expected(Op.Expect x, String stream) {
        return expected(x, model.lastRevision(stream));
    }

    private static StreamState expected(Op.Expect x, long current) {
        return switch (x.kind()) {
            case ANY -> StreamState.any();
            case NO_STREAM -> StreamState.noStream();
            case STREAM_EXISTS -> StreamState.streamExists();
            case EXACT -> StreamState.at(Math.max(0, current + x.delta()));
        };
    }

    private List<EventData> events(List<Op.Ev> evs) {
        return evs.stream().map(e -> event(pool.get(e.id()), e.type())).toList();
    }

    private EventData event(UUID id, int type) {
        return EventData.json(id, "T" + type, "{\"step\":" + step + "}");
    }

    private void retry(Op.Retry r) {
        if (appends.isEmpty()) {
            return;
        }
        AppendRequest original = appends.get(r.pick() % appends.size());
        List<EventData> events = original.events();
        StreamState expected = original.expected();
        switch (r.mode()) {
            case EXACT -> { }
            case AS_ANY -> expected = StreamState.any();
            case PREFIX -> events = events.subList(0, Math.max(1, events.size() - 1));
            case SUFFIX -> events = events.size() > 1 ? events.subList(1, events.size()) : events;
            case PLUS_ONE -> {
                UUID extra = pool.get(r.pick() % pool.size());
                if (events.stream().noneMatch(e -> e.id().equals(extra))) {
                    events = Stream.concat(events.stream(), Stream.of(event(extra, 1))).toList();
                }
            }
        }
        append(new AppendRequest(original.stream(), expected, events));
    }

    private void append(AppendRequest request) {
        appends.add(request);
        compare(model.append(part(request)), () -> {
            AppendResult r = store.append(request.stream(), request.expected(), request.events());
            check(r.stream().equals(request.stream()), "result names " + r.stream());
            return List.of(r);
        });
    }

    private void multi(Op.Multi m) {
        Set<UUID> used = new HashSet<>();
        List<AppendRequest> requests = new ArrayList<>();
        for (Op.Part p : m.parts()) {
            String s = name(p.stream());
            List<Op.Ev> evs = p.events().stream().filter(e -> used.add(pool.get(e.id()))).toList();
            if (!evs.isEmpty()) {
                requests.add(new AppendRequest(StreamName.of(s), expected(p.expect(), s), events(evs)));
            }
        }
        multis.add(requests);
        multi(requests);
    }

    private void multi(List<AppendRequest> requests) {
        compare(model.appendMulti(requests.stream().map(ModelRun::part).toList()), () -> {
            var r = store.append(requests);
            check(r.results().size() == requests.size(), "results " + r.results());
            Position max = r.results().stream().map(AppendResult::position).max(Comparator.naturalOrder()).orElseThrow();
            check(r.position().equals(max), "multi-append position " + r.position() + " is not the last, " + max);
            for (int i = 0; i < requests.size(); i++) {
                check(r.results().get(i).stream().equals(requests.get(i).stream()), "results out of order " + r.results());
            }
            return r.results();
        });
    }

    private static StoreModel.Part part(AppendRequest r) {
        return new StoreModel.Part(r.stream().value(), r.expected(),
                r.events().stream().map(EventData::id).toList(),
                r.events().stream().map(e -> e.type().value()).toList());
    }

    private static AppendResult result(String stream, long revision, Position position) {
        return new AppendResult(StreamName.of(stream), revision, position);
    }

    /** Runs the engine's side and compares it with the model's outcome. */
    private void compare(StoreModel.Outcome expected, Supplier<List<AppendResult>> call) {
        model.paths.forEach(p -> Statistics.label("rules").collect(p));
        model.paths.clear();
        Statistics.label("outcomes").collect(expected.getClass().getSimpleName()
                + (expected instanceof StoreModel.Failed f ? " " + f.type().getSimpleName() : ""));
        List<AppendResult> results;
        try {
            results = call.get();
        } catch (CairnException e) {
            if (!(expected instanceof StoreModel.Failed f)) {
                throw fail("expected " + expected + " but got " + e, e);
            }
            check(e.getClass() == f.type(), "expected " + f + " but got " + e);
            if (f.stream() != null && e instanceof WrongExpectedVersionException w) {
                check(w.stream().value().equals(f.stream()) && w.actual().equals(f.actual()),
                        "expected " + f + " but got " + e);
            }
            return;
        }
        switch (expected) {
            case StoreModel.Failed f -> throw fail("expected " + f + " but got " + results);
            case StoreModel.Written w -> {
                for (int i = 0; i < results.size(); i++) {
                    AppendResult r = results.get(i);
                    if (w.revisions().get(i) >= 0) {
                        check(r.nextExpectedRevision() == w.revisions().get(i), "expected " + w + " but got " + results);
                    }
                    reads.newPosition(r.position());
                    if (i < w.lastEvents().size()) {
                        w.lastEvents().get(i).position = r.position();
                    }
                }
            }
            case StoreModel.Duplicate d -> {
                for (int i = 0; i < results.size(); i++) {
                    AppendResult r = results.get(i);
                    check(r.nextExpectedRevision() == d.revisions().get(i), "expected " + d + " but got " + results);
                    reads.samePosition(d.lastEvents().get(i), r.position());
                }
            }
        }
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            throw fail(message);
        }
    }

    AssertionError fail(String message) {
        return fail(message, null);
    }

    private AssertionError fail(String message, Throwable cause) {
        return new AssertionError("step " + step + ": " + message + "\n  model: " + model + "\n  ops so far: " + done,
                cause);
    }

    @Override
    public void close() throws IOException {
        try {
            store.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
