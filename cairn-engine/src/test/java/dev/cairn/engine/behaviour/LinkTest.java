package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Links ({@code $>}, data {@code revision@stream}) and their resolution (semantics.md section 7).
 */
class LinkTest extends StoreFixture {

    private static final ReadStreamOptions RESOLVING = ReadStreamOptions.forwards().resolveLinks(true);

    private List<ResolvedEvent> readLinks(ReadStreamOptions options) {
        return store.readStreamToList(name("links"), options);
    }

    @Test
    void linksResolveToTheirTargetsWithTheLinkAlongside() {
        List<EventData> targets = seed("orders", 3);
        append("links", StreamState.noStream(), EventData.link(2, name("orders")), EventData.link(0, name("orders")));

        List<ResolvedEvent> resolved = readLinks(RESOLVING);

        assertThat(resolved).hasSize(2);
        assertThat(resolved.get(0).event().id()).isEqualTo(targets.get(2).id());
        assertThat(resolved.get(0).event().stream()).isEqualTo(name("orders"));
        assertThat(resolved.get(0).event().revision()).isEqualTo(2);
        assertThat(resolved.get(1).event().id()).isEqualTo(targets.get(0).id());
        RecordedEvent link = resolved.get(0).link();
        assertThat(link.stream()).isEqualTo(name("links"));
        assertThat(link.revision()).isZero();
        assertThat(link.type()).isEqualTo(EventType.LINK);
        assertThat(link.dataAsString()).isEqualTo("2@orders");
        assertThat(resolved.get(0).position()).as("the position of the record read").isEqualTo(link.position());
        assertThat(resolved.get(0).originalEvent()).isEqualTo(link);
    }

    @Test
    void withoutResolutionTheLinkRecordComesBackAsTheEvent() {
        seed("orders", 1);
        append("links", StreamState.noStream(), EventData.link(0, name("orders")));

        assertThat(readLinks(ReadStreamOptions.forwards())).singleElement().satisfies(e -> {
            assertThat(e.link()).isNull();
            assertThat(e.event().type()).isEqualTo(EventType.LINK);
            assertThat(e.event().stream()).isEqualTo(name("links"));
        });
    }

    @Test
    void readingAllResolvesLinksToo() {
        List<EventData> targets = seed("orders", 1);
        append("links", StreamState.noStream(), EventData.link(0, name("orders")));

        List<ResolvedEvent> all = store.readAllToList(ReadAllOptions.forwards().resolveLinks(true));
        assertThat(all).hasSize(2);
        assertThat(all.get(1).event().id()).isEqualTo(targets.get(0).id());
        assertThat(all.get(1).link().stream()).isEqualTo(name("links"));
        List<ResolvedEvent> unresolved = store.readAllToList(ReadAllOptions.forwards());
        assertThat(unresolved.get(1).link()).isNull();
        assertThat(unresolved.get(1).event().type()).isEqualTo(EventType.LINK);
    }

    @ParameterizedTest(name = "target {0}")
    @ValueSource(strings = {"missing revision", "never written", "soft deleted", "tombstoned", "beyond maxCount",
        "before tb"})
    void aDanglingLinkHasNoEventButKeepsTheLink(String target) {
        seed("orders", 3);
        long revision = target.equals("missing revision") ? 7 : 0;
        switch (target) {
            case "missing revision", "never written" -> { }
            case "soft deleted" -> store.delete(name("orders"), StreamState.any());
            case "tombstoned" -> store.tombstone(name("orders"), StreamState.any());
            case "beyond maxCount" -> store.setStreamMetadata(name("orders"), StreamState.any(),
                    StreamMetadata.EMPTY.withMaxCount(2L));
            case "before tb" -> store.setStreamMetadata(name("orders"), StreamState.any(),
                    StreamMetadata.EMPTY.withTruncateBefore(1L));
            default -> throw new IllegalArgumentException(target);
        }
        String stream = target.equals("never written") ? "nowhere" : "orders";
        append("links", StreamState.noStream(), EventData.link(revision, name(stream)));

        assertThat(readLinks(RESOLVING)).singleElement().satisfies(e -> {
            assertThat(e.event()).isNull();
            assertThat(e.link().dataAsString()).isEqualTo(revision + "@" + stream);
            assertThat(e.originalEvent()).isEqualTo(e.link());
        });
        assertThat(store.readAllToList(ReadAllOptions.backwards().resolveLinks(true).maxCount(1)))
                .singleElement().satisfies(e -> assertThat(e.event()).isNull());
    }

    @Test
    void anUnparsableLinkComesBackAsAPlainEvent() {
        append("links", StreamState.noStream(), new EventData(UUID.randomUUID(), EventType.LINK, ContentType.BINARY,
                "not a link".getBytes(StandardCharsets.UTF_8), null));

        assertThat(readLinks(RESOLVING)).singleElement().satisfies(e -> {
            assertThat(e.link()).isNull();
            assertThat(e.event().dataAsString()).isEqualTo("not a link");
        });
    }

    @Test
    void aLinkResolvesAfterARestart() {
        List<EventData> targets = seed("orders", 2);
        append("links", StreamState.noStream(), EventData.link(1, name("orders")));
        reopen();

        assertThat(readLinks(RESOLVING)).singleElement()
                .satisfies(e -> assertThat(e.event().id()).isEqualTo(targets.get(1).id()));
    }
}
