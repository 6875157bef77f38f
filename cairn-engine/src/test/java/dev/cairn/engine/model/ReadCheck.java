package dev.cairn.engine.model;

import dev.cairn.api.CairnException;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Compares reads with the model, read for read: every stream of the pool forwards and backwards,
 * and {@code $all} both ways. Also the keeper of positions: it learns each event's position the
 * first time the engine reports it and insists on the same one afterwards.
 */
final class ReadCheck {

    private final StoreModel model;
    private final Function<String, AssertionError> fail;
    private Position max = Position.START;
    private boolean any;

    ReadCheck(StoreModel model, Function<String, AssertionError> fail) {
        this.model = model;
        this.fail = fail;
    }

    /** A new write must land after every position seen so far. */
    void newPosition(Position p) {
        if (any && p.compareTo(max) <= 0) {
            throw fail.apply("new write at " + p + " is not after " + max);
        }
        see(p);
    }

    /** A recognised retry must report the original event's position. */
    void samePosition(StoreModel.Event e, Position p) {
        if (e.position == null) {
            e.position = p;
        } else if (!e.position.equals(p)) {
            throw fail.apply("retry of " + e + " reports " + p + ", the event is at " + e.position);
        }
    }

    private void see(Position p) {
        if (!any || p.compareTo(max) > 0) {
            max = p;
        }
        any = true;
    }

    void verify(EventStore store) {
        for (int i = 0; i < StoreModelTest.STREAMS; i++) {
            String name = ModelRun.name(i);
            stream(store, name, ReadStreamOptions.forwards());
            stream(store, name, ReadStreamOptions.backwards());
            long middle = Math.max(0, model.lastRevision(name) / 2);
            stream(store, name, ReadStreamOptions.forwards().fromRevision(middle).maxCount(3));
            stream(store, name, ReadStreamOptions.backwards().fromRevision(middle).maxCount(3));
            metadata(store, name);
            metastream(store, name);
        }
        all(store);
    }

    /** {@code $$x} reads as if {@code $maxCount} were 1 (§5) and as deleted once x is tombstoned. */
    private void metastream(EventStore store, String name) {
        StoreModel.MetaRead expected = model.metadata(name);
        Class<? extends CairnException> failure = expected.failure() != null ? expected.failure()
                : expected.revision() < 0 ? StreamNotFoundException.class : null;
        List<ResolvedEvent> got;
        try {
            got = store.readStreamToList(StreamName.of("$$" + name), ReadStreamOptions.forwards());
        } catch (CairnException e) {
            if (failure != e.getClass()) {
                throw fail.apply("read $$" + name + ": expected " + expected + " but got " + e);
            }
            return;
        }
        if (failure != null || got.size() != 1 || got.get(0).originalEvent().revision() != expected.revision()
                || !got.get(0).originalEvent().type().value().equals("$metadata")) {
            throw fail.apply("read $$" + name + ": expected " + expected + " but got " + got);
        }
    }

    private void metadata(EventStore store, String name) {
        StoreModel.MetaRead expected = model.metadata(name);
        StreamMetadataResult got;
        try {
            got = store.getStreamMetadata(StreamName.of(name));
        } catch (CairnException e) {
            if (expected.failure() != e.getClass()) {
                throw fail.apply("metadata of " + name + ": expected " + expected + " but got " + e);
            }
            return;
        }
        boolean same = expected.failure() == null && got.metastreamRevision() == expected.revision()
                && Objects.equals(got.metadata().maxCount(), expected.meta().maxCount())
                && Objects.equals(got.metadata().truncateBefore(), expected.meta().truncateBefore());
        if (!same) {
            throw fail.apply("metadata of " + name + ": expected " + expected + " but got " + got);
        }
    }

    private void stream(EventStore store, String name, ReadStreamOptions options) {
        boolean forwards = options.direction() == ReadDirection.FORWARDS;
        StoreModel.Read expected = model.read(name, forwards, options.from().isEnd() ? Long.MAX_VALUE
                : options.from().value(), options.maxCount());
        String what = "read " + name + " " + options;
        List<ResolvedEvent> got;
        try {
            got = store.readStreamToList(StreamName.of(name), options);
        } catch (CairnException e) {
            if (expected.failure() != e.getClass()) {
                throw fail.apply(what + ": expected " + describe(expected) + " but got " + e);
            }
            return;
        }
        if (expected.failure() != null) {
            throw fail.apply(what + ": expected " + expected.failure().getSimpleName() + " but got " + got);
        }
        List<RecordedEvent> events = got.stream().map(ResolvedEvent::originalEvent).toList();
        same(what, expected.events(), events);
    }

    private void all(EventStore store) {
        List<RecordedEvent> forwards = store.readAllToList(ReadAllOptions.forwards()).stream()
                .map(ResolvedEvent::originalEvent).toList();
        for (int i = 1; i < forwards.size(); i++) {
            if (forwards.get(i).position().compareTo(forwards.get(i - 1).position()) <= 0) {
                throw fail.apply("$all positions not increasing at " + forwards.get(i));
            }
        }
        forwards.forEach(e -> see(e.position()));
        List<RecordedEvent> user = forwards.stream().filter(e -> !e.stream().isSystem()).toList();
        same("read $all forwards", model.all(), user);
        for (int i = 0; i < StoreModelTest.STREAMS; i++) {
            String metastream = "$$" + ModelRun.name(i);
            long written = forwards.stream().filter(e -> e.stream().value().equals(metastream)).count();
            if (written != model.metaRevision(ModelRun.name(i)) + 1) {
                throw fail.apply("$all has " + written + " events of " + metastream + ", expected "
                        + (model.metaRevision(ModelRun.name(i)) + 1));
            }
        }
        List<RecordedEvent> backwards = new ArrayList<>(store.readAllToList(ReadAllOptions.backwards()).stream()
                .map(ResolvedEvent::originalEvent).toList());
        Collections.reverse(backwards);
        if (!backwards.equals(forwards)) {
            throw fail.apply("$all backwards is not $all forwards reversed:\n  " + forwards + "\n  " + backwards);
        }
    }

    private void same(String what, List<StoreModel.Event> expected, List<RecordedEvent> got) {
        if (expected.size() != got.size()) {
            throw fail.apply(what + ": expected " + expected + " but got " + got);
        }
        for (int i = 0; i < expected.size(); i++) {
            StoreModel.Event e = expected.get(i);
            RecordedEvent g = got.get(i);
            boolean same = g.stream().value().equals(e.stream) && g.revision() == e.revision
                    && g.type().value().equals(e.type) && (e.id == null || g.id().equals(e.id));
            if (!same) {
                throw fail.apply(what + ": expected " + expected + " but got " + got + " (first difference at " + i + ")");
            }
            if (e.position == null) {
                e.position = g.position();
            } else if (!e.position.equals(g.position())) {
                throw fail.apply(what + ": " + e + " was reported at " + e.position + " but reads at " + g.position());
            }
        }
    }

    private static String describe(StoreModel.Read r) {
        return r.failure() != null ? r.failure().getSimpleName() : r.events().toString();
    }
}
