package dev.cairn.server.conformance;

import static dev.cairn.api.StreamState.any;
import static dev.cairn.api.StreamState.noStream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.server.conformance.Face.Read;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Reads of a stream and of {@code $all}: directions, counts, starts, filters, links. */
class ReadConformanceTest extends ConformanceFixture {

    private static List<Long> revisions(List<Read> reads) {
        return reads.stream().map(r -> r.event().revision()).toList();
    }

    @Scenario
    void aStreamReadsForwardsAndBackwardsFromAStartWithACount(Face face) {
        String s = stream("read");
        face.append(s, noStream(), events("A", "B", "C", "D", "E"));

        assertThat(revisions(face.readStream(s, ReadStreamOptions.forwards()))).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.forwards().fromRevision(2).maxCount(2))))
                .containsExactly(2L, 3L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards()))).containsExactly(4L, 3L, 2L, 1L, 0L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards().maxCount(2)))).containsExactly(4L, 3L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards().fromRevision(2))))
                .containsExactly(2L, 1L, 0L);
        // past the end: forwards finds nothing, backwards starts at the last event
        assertThat(face.readStream(s, ReadStreamOptions.forwards().fromRevision(5))).isEmpty();
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards().fromRevision(10).maxCount(2))))
                .containsExactly(4L, 3L);
    }

    @Scenario
    void aStreamReadGivesEachEventsPosition(Face face) {
        String s = stream("read-positions");
        face.append(s, noStream(), events("A", "B", "C"));
        List<Read> read = face.readStream(s, ReadStreamOptions.forwards());
        assertThat(read).allSatisfy(r -> assertThat(r.position()).isEqualTo(r.event().position()));
        assertThat(read.get(0).position()).isLessThan(read.get(1).position());
        assertThat(read.get(1).position()).isLessThan(read.get(2).position());
    }

    @Scenario
    void aMissingStreamIsNotFoundInBothDirections(Face face) {
        String s = stream("missing");
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.backwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
    }

    @Scenario
    void allReadsForwardsAndBackwardsFromPositions(Face face) {
        String s = stream("all");
        face.append(s, noStream(), events("A", "B", "C"));
        List<Read> events = face.readStream(s, ReadStreamOptions.forwards());
        Position first = events.get(0).position();

        List<Read> forwards = face.readAll(ReadAllOptions.forwards());
        assertThat(forwards).extracting(Read::position).isSorted().doesNotHaveDuplicates();
        assertThat(forwards.stream().filter(r -> r.event().stream().equals(s)).map(r -> r.event().type()))
                .containsExactly("A", "B", "C");
        assertThat(forwards).allSatisfy(r -> assertThat(r.position()).isEqualTo(r.event().position()));

        // the last event written is the first read backwards from the end
        assertThat(face.readAll(ReadAllOptions.backwards().maxCount(3))).extracting(r -> r.event().type())
                .containsExactly("C", "B", "A");
        // forwards from a position includes the event there; backwards from it excludes it
        assertThat(face.readAll(ReadAllOptions.forwards().fromPosition(first).maxCount(3)))
                .extracting(r -> r.event().type()).containsExactly("A", "B", "C");
        assertThat(face.readAll(ReadAllOptions.backwards().fromPosition(events.get(2).position()).maxCount(2)))
                .extracting(r -> r.event().type()).containsExactly("B", "A");
        // forwards from the end finds nothing
        assertThat(face.readAll(ReadAllOptions.forwards().fromPosition(Position.END))).isEmpty();
    }

    @Scenario
    void allFiltersOnStreamNamesAndEventTypes(Face face) {
        String prefix = "filter-" + UUID.randomUUID().toString().substring(0, 8);
        String a = prefix + "-a";
        String b = prefix + "-b";
        String other = stream("filter-other");
        String type = "T" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        face.append(a, noStream(), events(type + "Created", "Plain"));
        face.append(other, noStream(), events(type + "Created"));
        face.append(b, noStream(), events(type + "Deleted", "Plain"));
        Position from = face.readStream(a, ReadStreamOptions.forwards()).get(0).position();
        Function<EventFilter, List<String>> forwards = filter -> face.readAll(ReadAllOptions.forwards()
                .fromPosition(from).filter(filter)).stream().map(r -> r.event().ref()).toList();
        Function<EventFilter, List<String>> backwards = filter -> face.readAll(ReadAllOptions.backwards()
                .filter(filter)).stream().filter(r -> r.position().compareTo(from) >= 0)
                .map(r -> r.event().ref()).toList();

        assertThat(forwards.apply(EventFilter.streamNamePrefix(prefix + "-")))
                .containsExactly("0@" + a, "1@" + a, "0@" + b, "1@" + b);
        assertThat(backwards.apply(EventFilter.streamNamePrefix(prefix + "-")))
                .containsExactly("1@" + b, "0@" + b, "1@" + a, "0@" + a);
        assertThat(forwards.apply(EventFilter.streamNameRegex("^" + prefix + "-b$")))
                .containsExactly("0@" + b, "1@" + b);
        assertThat(forwards.apply(EventFilter.eventTypePrefix(type))).containsExactly("0@" + a, "0@" + other, "0@" + b);
        assertThat(forwards.apply(EventFilter.eventTypeRegex("^" + type + "(Deleted|Renamed)$")))
                .containsExactly("0@" + b);
        assertThat(backwards.apply(EventFilter.eventTypeRegex("Created$"))).containsExactly("0@" + other, "0@" + a);
        // the count limits the events that pass the filter
        assertThat(face.readAll(ReadAllOptions.forwards().fromPosition(from).maxCount(2)
                .filter(EventFilter.streamNamePrefix(prefix + "-"))))
                .extracting(r -> r.event().ref()).containsExactly("0@" + a, "1@" + a);
    }

    @Scenario
    void excludingSystemEventsHidesMetadataAndTombstones(Face face) {
        String s = stream("system");
        String t = stream("system-tombstoned");
        face.append(s, noStream(), events("UserEvent"));
        face.setMetadata(s, any(), StreamMetadata.EMPTY.withMaxCount(10L));
        face.tombstone(t, any());
        Position from = face.readStream(s, ReadStreamOptions.forwards()).get(0).position();

        List<Read> everything = face.readAll(ReadAllOptions.forwards().fromPosition(from));
        assertThat(everything).extracting(r -> r.event().type())
                .contains("UserEvent", "$metadata", "$streamDeleted");
        List<Read> userOnly = face.readAll(ReadAllOptions.forwards().fromPosition(from)
                .filter(EventFilter.excludeSystemEvents()));
        assertThat(userOnly).extracting(r -> r.event().type()).contains("UserEvent")
                .noneMatch(type -> type.startsWith("$"));
    }

    @Scenario
    void linksResolveToTheirTargetsWithTheLinkAlongside(Face face) {
        String target = stream("link-target");
        String links = stream("links");
        face.append(target, noStream(), events("A", "B"));
        face.append(links, noStream(), List.of(EventData.link(1, StreamName.of(target)),
                EventData.link(0, StreamName.of(target))));

        List<Read> resolved = face.readStream(links, ReadStreamOptions.forwards().resolveLinks(true));
        assertThat(resolved).extracting(r -> r.event().ref()).containsExactly("1@" + target, "0@" + target);
        assertThat(resolved).extracting(r -> r.event().type()).containsExactly("B", "A");
        assertThat(resolved).extracting(r -> r.link().ref()).containsExactly("0@" + links, "1@" + links);
        assertThat(resolved).extracting(r -> r.link().type()).containsOnly("$>");
        // the position read is the link's
        assertThat(resolved).allSatisfy(r -> assertThat(r.position()).isEqualTo(r.link().position()));

        List<Read> unresolved = face.readStream(links, ReadStreamOptions.forwards());
        assertThat(unresolved).extracting(r -> r.event().type()).containsOnly("$>");
        assertThat(unresolved).extracting(r -> r.event().data()).containsExactly("1@" + target, "0@" + target);
        assertThat(unresolved).extracting(Read::link).containsOnlyNulls();

        List<Read> fromAll = face.readAll(ReadAllOptions.forwards().fromPosition(resolved.get(0).position())
                .maxCount(2).resolveLinks(true));
        assertThat(fromAll).extracting(r -> r.event().ref()).containsExactly("1@" + target, "0@" + target);
        assertThat(fromAll).extracting(r -> r.link().ref()).containsExactly("0@" + links, "1@" + links);
    }

    @Scenario
    void aLinkWhoseTargetIsGoneHasNoEventButKeepsTheLink(Face face) {
        String target = stream("dangling-target");
        String deleted = stream("dangling-deleted");
        String links = stream("dangling-links");
        face.append(target, noStream(), events("A"));
        face.append(deleted, noStream(), events("A"));
        face.delete(deleted, any());
        face.append(links, noStream(), List.of(EventData.link(5, StreamName.of(target)),
                EventData.link(0, StreamName.of(stream("never-written"))),
                EventData.link(0, StreamName.of(deleted))));

        List<Read> resolved = face.readStream(links, ReadStreamOptions.forwards().resolveLinks(true));
        assertThat(resolved).hasSize(3);
        assertThat(resolved).extracting(Read::event).containsOnlyNulls();
        assertThat(resolved).extracting(r -> r.link().revision()).containsExactly(0L, 1L, 2L);
        assertThat(resolved).allSatisfy(r -> assertThat(r.position()).isEqualTo(r.link().position()));
    }
}
