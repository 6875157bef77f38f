package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventIterator;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads of a stream and of {@code $all}: direction, start, count, filters and links. */
abstract class ReadContract extends ContractBase {

    private List<Long> readRevisions(StreamName s, ReadStreamOptions options) {
        return revisions(store().readStreamToList(s, options).stream().map(ResolvedEvent::event).toList());
    }

    @Test
    void aStreamReadsForwardsAndBackwardsFromARevisionUpToACount() {
        StreamName s = stream("read");
        append(s, StreamState.noStream(), events(10));

        assertThat(readRevisions(s, ReadStreamOptions.forwards())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(readRevisions(s, ReadStreamOptions.forwards().fromRevision(7))).containsExactly(7L, 8L, 9L);
        assertThat(readRevisions(s, ReadStreamOptions.forwards().fromRevision(2).maxCount(3))).containsExactly(2L, 3L, 4L);
        assertThat(readRevisions(s, ReadStreamOptions.forwards().fromRevision(10))).isEmpty();
        assertThat(readRevisions(s, ReadStreamOptions.backwards().maxCount(2))).containsExactly(9L, 8L);
        assertThat(readRevisions(s, ReadStreamOptions.backwards().fromRevision(3))).containsExactly(3L, 2L, 1L, 0L);
        assertThat(readRevisions(s, ReadStreamOptions.backwards().fromRevision(50).maxCount(1))).containsExactly(9L);
    }

    @Test
    void aMissingStreamFailsTheReadAtOnce() {
        StreamName s = stream("missing");
        assertThatThrownBy(() -> store().readStream(s, ReadStreamOptions.forwards()))
                .isInstanceOfSatisfying(StreamNotFoundException.class, e -> assertThat(e.stream()).isEqualTo(s));
        assertThatThrownBy(() -> store().readStream(s, ReadStreamOptions.backwards()))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void theGlobalLogIsNotReadAsAStream() {
        assertThatThrownBy(() -> store().readStream(StreamName.of("$all"), ReadStreamOptions.forwards()))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void aLongStreamIsReadWholeInOrderAndCanBeAbandonedEarly() {
        StreamName s = stream("long");
        for (int i = 0; i < 6; i++) {
            append(s, StreamState.any(), events(500));
        }
        List<RecordedEvent> all = read(s);
        assertThat(all).hasSize(3000);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).revision()).isEqualTo(i);
        }
        try (EventIterator it = store().readStream(s, ReadStreamOptions.forwards())) {
            assertThat(it.next().event().revision()).isZero();
            assertThat(it.next().event().revision()).isEqualTo(1);
        }
        try (EventIterator it = store().readStream(s, ReadStreamOptions.backwards())) {
            assertThat(it.next().event().revision()).isEqualTo(2999);
        }
    }

    @Test
    void theGlobalLogIsReadInPositionOrderWithStreamFilters() {
        String prefix = "glob" + System.nanoTime();
        StreamName a = StreamName.of(prefix + "-a");
        StreamName b = StreamName.of(prefix + "-b");
        append(a, StreamState.noStream(), events(2));
        append(b, StreamState.noStream(), events(1));
        append(a, StreamState.at(1), events(1));

        List<RecordedEvent> mine = store().readAllToList(ReadAllOptions.forwards()
                .filter(EventFilter.streamNamePrefix(prefix))).stream().map(ResolvedEvent::event).toList();
        assertThat(mine).extracting(e -> e.stream().value() + "@" + e.revision())
                .containsExactly(prefix + "-a@0", prefix + "-a@1", prefix + "-b@0", prefix + "-a@2");
        for (int i = 1; i < mine.size(); i++) {
            assertThat(mine.get(i).position()).isGreaterThan(mine.get(i - 1).position());
        }

        List<RecordedEvent> backwards = store().readAllToList(ReadAllOptions.backwards()
                .filter(EventFilter.streamNameRegex("^" + prefix + "-a$"))).stream().map(ResolvedEvent::event).toList();
        assertThat(backwards).extracting(RecordedEvent::revision).containsExactly(2L, 1L, 0L);

        Position third = mine.get(2).position();
        List<RecordedEvent> from = store().readAllToList(ReadAllOptions.forwards().fromPosition(third)
                .filter(EventFilter.streamNamePrefix(prefix))).stream().map(ResolvedEvent::event).toList();
        assertThat(from).as("forwards from a position includes the event at it").hasSize(2);
        assertThat(from.get(0).position()).isEqualTo(third);

        List<RecordedEvent> before = store().readAllToList(ReadAllOptions.backwards().fromPosition(third)
                .filter(EventFilter.streamNamePrefix(prefix))).stream().map(ResolvedEvent::event).toList();
        assertThat(before).as("backwards from a position starts before it").hasSize(2);
        assertThat(before.get(0).position()).isLessThan(third);
    }

    @Test
    void eventTypeFiltersSelectByPrefixOrRegexAndACountLimitsTheRead() {
        String type = "Typ" + System.nanoTime();
        StreamName s = stream("types");
        append(s, StreamState.noStream(), List.of(event(type + "Created"), event("Other"), event(type + "Deleted"),
                event(type + "Created")));

        List<ResolvedEvent> byPrefix = store().readAllToList(ReadAllOptions.forwards()
                .filter(EventFilter.eventTypePrefix(type)));
        assertThat(byPrefix).extracting(e -> e.event().revision()).containsExactly(0L, 2L, 3L);
        List<ResolvedEvent> byRegex = store().readAllToList(ReadAllOptions.forwards()
                .filter(EventFilter.eventTypeRegex("^" + type + "Cr")));
        assertThat(byRegex).extracting(e -> e.event().revision()).containsExactly(0L, 3L);
        List<ResolvedEvent> two = store().readAllToList(ReadAllOptions.forwards().maxCount(2)
                .filter(EventFilter.eventTypePrefix(type)));
        assertThat(two).hasSize(2);
    }

    @Test
    void readingTheLastEventOfTheLogBackwardsGivesTheNewestAppend() {
        StreamName s = stream("newest");
        append(s, StreamState.noStream(), events(2));
        List<ResolvedEvent> last = store().readAllToList(ReadAllOptions.backwards().maxCount(1));
        assertThat(last).hasSize(1);
        assertThat(last.get(0).event().stream()).isEqualTo(s);
        assertThat(last.get(0).event().revision()).isEqualTo(1);
    }

    @Test
    void linksAreReturnedAsLinksOrResolvedToTheirTargets() {
        StreamName target = stream("target");
        StreamName links = stream("links");
        List<EventData> targets = events(3);
        append(target, StreamState.noStream(), targets);
        append(links, StreamState.noStream(), List.of(EventData.link(2, target), EventData.link(0, target),
                EventData.link(7, target)));

        List<ResolvedEvent> raw = store().readStreamToList(links, ReadStreamOptions.forwards());
        assertThat(raw).allSatisfy(e -> {
            assertThat(e.link()).isNull();
            assertThat(e.event().type().isLink()).isTrue();
        });
        assertThat(raw.get(0).event().dataAsString()).isEqualTo("2@" + target);

        List<ResolvedEvent> resolved = store().readStreamToList(links, ReadStreamOptions.forwards().resolveLinks(true));
        assertThat(resolved.get(0).event().id()).isEqualTo(targets.get(2).id());
        assertThat(resolved.get(0).link().stream()).isEqualTo(links);
        assertThat(resolved.get(0).position()).isEqualTo(resolved.get(0).link().position());
        assertThat(resolved.get(1).event().revision()).isZero();
        assertThat(resolved.get(2).event()).as("a link to a missing event dangles").isNull();
        assertThat(resolved.get(2).link().revision()).isEqualTo(2);
    }

    @Test
    void aReadSeesOnlyWhatWasDurableWhenItBegan() {
        StreamName s = stream("snapshot");
        append(s, StreamState.noStream(), events(3));
        List<Long> seen = new ArrayList<>();
        try (EventIterator it = store().readStream(s, ReadStreamOptions.forwards())) {
            seen.add(it.next().event().revision());
            append(s, StreamState.at(2), events(1));
            while (it.hasNext()) {
                seen.add(it.next().event().revision());
            }
        }
        assertThat(seen).containsExactly(0L, 1L, 2L);
        assertThat(read(s)).hasSize(4);
    }
}
