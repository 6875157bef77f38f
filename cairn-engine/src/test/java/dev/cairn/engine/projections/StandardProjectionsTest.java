package dev.cairn.engine.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KurrentDB's standard projections: the links they write for appends, links and deletions, that
 * they pick up where they stopped after a restart without a link twice, and that they are off
 * unless asked for.
 */
class StandardProjectionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private EventStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** Opens the store with the standard projections started ({@code --start-standard-projections}) or with none. */
    private EventStore open(boolean projections) {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16).standardProjections(projections).build());
        return store;
    }

    /** Opens the store with the projection subsystem but without starting the standard projections. */
    private Projections openSubsystemOnly() {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16).systemProjections(true).build());
        return ((dev.cairn.engine.streams.EmbeddedEventStore) store).projections();
    }

    @Test
    void appendsAreIndexedByCategoryEventTypeAndStream() {
        open(true);
        EventData a1 = EventData.json("Placed", "{}");
        EventData a2 = EventData.json("Paid", "{}");
        EventData b1 = EventData.json("Placed", "{}");
        store.append(StreamName.of("order-1"), StreamState.noStream(), List.of(a1, a2));
        store.append(StreamName.of("order-2"), StreamState.noStream(), List.of(b1));
        store.append(StreamName.of("nodash"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        store.append(StreamName.of("-leading"), StreamState.noStream(), List.of(EventData.json("Other", "{}")));

        List<RecordedEvent> category = awaitEvents("$ce-order", 3);
        assertThat(category).extracting(RecordedEvent::dataAsString).containsExactly("0@order-1", "1@order-1", "0@order-2");
        assertThat(category).allSatisfy(link -> assertThat(link.type().value()).isEqualTo("$>"));
        String metadata = new String(category.get(0).metadata(), StandardCharsets.UTF_8);
        RecordedEvent source = store.readStreamToList(StreamName.of("order-1"), ReadStreamOptions.forwards()).get(0).event();
        assertThat(metadata).contains("\"$o\":\"order-1\"", "\"$causedBy\":\"" + a1.id() + "\"",
                "\"$c\":" + source.position().commit(), "\"$p\":" + source.position().prepare());
        assertThat(resolved("$ce-order")).extracting(e -> e.id()).containsExactly(a1.id(), a2.id(), b1.id());

        assertThat(awaitEvents("$et-Placed", 3)).extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-1", "0@order-2", "0@nodash");
        assertThat(awaitEvents("$et-Paid", 1)).extracting(RecordedEvent::dataAsString).containsExactly("1@order-1");
        assertThat(awaitEvents("$streams", 4)).extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-1", "0@order-2", "0@nodash", "0@-leading");
        List<RecordedEvent> references = awaitEvents("$category-order", 2);
        assertThat(references).extracting(RecordedEvent::dataAsString).containsExactly("order-1", "order-2");
        assertThat(references).allSatisfy(e -> assertThat(e.type().value()).isEqualTo("$@"));

        assertThat(events("$ce-nodash")).as("no category without a dash").isEmpty();
        assertThat(events("$ce-")).isEmpty();
        assertThat(events("$et-$>")).isEmpty();
    }

    @Test
    void eventsAreIndexedByCorrelationId() {
        open(true);
        EventData first = EventData.json("Placed", "{}").withMetadata(bytes("{\"$correlationId\":\"c-1\",\"x\":1}"));
        EventData second = EventData.json("Paid", "{}").withMetadata(bytes("{\"$correlationId\":\"c-1\"}"));
        store.append(StreamName.of("order-1"), StreamState.noStream(), List.of(first));
        store.append(StreamName.of("payment-1"), StreamState.noStream(), List.of(second,
                EventData.json("Other", "{}").withMetadata(bytes("{\"$correlationId\":42}")),
                EventData.json("Other", "{}").withMetadata(bytes("{\"$correlationId\":{\"nested\":1}}")),
                EventData.json("Other", "{}").withMetadata(bytes("$correlationId but not JSON"))));

        List<RecordedEvent> links = awaitEvents("$bc-c-1", 2);
        assertThat(links).extracting(RecordedEvent::dataAsString).containsExactly("0@order-1", "0@payment-1");
        RecordedEvent source = store.readStreamToList(StreamName.of("order-1"), ReadStreamOptions.forwards()).get(0).event();
        assertThat(new String(links.get(0).metadata(), StandardCharsets.UTF_8)).contains("\"$eventTimestamp\":\""
                + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                        .withZone(java.time.ZoneOffset.UTC).format(source.created()) + "\"",
                "\"$causedBy\":\"" + first.id() + "\"");
        assertThat(awaitEvents("$bc-42", 1)).extracting(RecordedEvent::dataAsString).containsExactly("1@payment-1");
        awaitEvents("$ce-payment", 4);
        assertThat(events("$bc-{\"nested\":1}")).isEmpty();
    }

    @Test
    void anEventWhoseIndexStreamWouldHaveTooLongANameIsSkippedAndTheProjectionGoesOn() {
        open(true);
        String longType = "T".repeat(StreamName.MAX_BYTES);
        String longId = "c".repeat(StreamName.MAX_BYTES);
        store.append(StreamName.of("order-1"), StreamState.noStream(), List.of(EventData.json(longType, "{}")
                .withMetadata(bytes("{\"$correlationId\":\"" + longId + "\"}"))));
        store.append(StreamName.of("order-2"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")
                .withMetadata(bytes("{\"$correlationId\":\"short\"}"))));

        assertThat(awaitEvents("$et-Placed", 1)).extracting(RecordedEvent::dataAsString).containsExactly("0@order-2");
        assertThat(awaitEvents("$bc-short", 1)).extracting(RecordedEvent::dataAsString).containsExactly("0@order-2");
        assertThat(awaitEvents("$ce-order", 2)).hasSize(2);
        assertThat(status("$by_event_type")).isEqualTo("Running");
        assertThat(status("$by_correlation_id")).isEqualTo("Running");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linksAreCopiedAndDeletionsAreMarked() {
        open(true);
        store.append(StreamName.of("order-1"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        store.append(StreamName.of("order-2"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        store.append(StreamName.of("copy-1"), StreamState.noStream(), List.of(EventData.link(0, StreamName.of("order-1"))));
        store.delete(StreamName.of("order-2"), StreamState.any());
        store.tombstone(StreamName.of("order-1"), StreamState.any());

        assertThat(awaitEvents("$ce-copy", 1)).extracting(RecordedEvent::dataAsString).containsExactly("0@order-1");
        List<RecordedEvent> category = awaitEvents("$ce-order", 4);
        assertThat(category).extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-1", "0@order-2", "0@$$order-2", Long.MAX_VALUE + "@order-1");
        assertThat(new String(category.get(2).metadata(), StandardCharsets.UTF_8))
                .contains("\"$o\":\"order-2\"", "\"$deleted\":-1");
        assertThat(new String(category.get(3).metadata(), StandardCharsets.UTF_8))
                .contains("\"$o\":\"order-1\"", "\"$deleted\":-1");
        assertThat(new String(category.get(0).metadata(), StandardCharsets.UTF_8)).doesNotContain("$deleted");

        assertThat(awaitEvents("$et-$deleted", 2)).extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-2", Long.MAX_VALUE + "@order-1");
        assertThat(events("$et-$>")).as("links are not indexed by type").isEmpty();
        List<RecordedEvent> resolved = resolved("$ce-order");
        assertThat(resolved.get(0)).as("a link into a tombstoned stream resolves to nothing").isNull();
        assertThat(resolved.get(1)).as("a link into a soft-deleted stream resolves to nothing").isNull();
        assertThat(resolved.get(2).type().value()).as("the soft delete itself").isEqualTo("$metadata");
        assertThat(resolved.get(3)).isNull();
    }

    @Test
    void aRestartResumesAfterTheCheckpointWithoutALinkTwice() {
        open(false);
        for (int i = 0; i < 50; i++) {
            store.append(StreamName.of("account-" + i), StreamState.noStream(), List.of(EventData.json("Opened", "{}")));
        }
        assertThat(events("$ce-account")).as("off unless asked for").isEmpty();
        store.close();

        open(true);
        assertThat(awaitEvents("$ce-account", 50)).hasSize(50);
        awaitEvents("$streams", 50);
        awaitEvents("$category-account", 50);
        awaitEvents("$et-Opened", 50);
        store.close();

        open(true);
        for (int i = 0; i < 50; i++) {
            store.append(StreamName.of("account-" + i), StreamState.at(0), List.of(EventData.json("Closed", "{}")));
        }
        List<RecordedEvent> links = awaitEvents("$ce-account", 100);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("0@account-" + i);
        }
        for (int i = 0; i < 50; i++) {
            expected.add("1@account-" + i);
        }
        assertThat(links).extracting(RecordedEvent::dataAsString).containsExactlyElementsOf(expected);
        assertThat(awaitEvents("$et-Closed", 50)).hasSize(50);
        assertThat(events("$et-Opened")).hasSize(50);
        assertThat(events("$streams")).hasSize(50);
        assertThat(events("$category-account")).hasSize(50);
    }

    @Test
    void aDisabledProjectionStaysDisabledAcrossARestartUntilEnabledOrStartedByTheFlag() {
        open(true);
        store.append(StreamName.of("order-1"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        awaitEvents("$ce-order", 1);
        Projections projections = ((dev.cairn.engine.streams.EmbeddedEventStore) store).projections();
        assertThat(projections.setEnabled("$by_category", false)).isTrue();
        assertThat(projections.setEnabled("$no_such", false)).isFalse();
        assertThat(status("$by_category")).isEqualTo("Stopped");
        assertThat(status("$by_event_type")).isEqualTo("Running");

        store.append(StreamName.of("order-2"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        awaitEvents("$et-Placed", 2);
        assertThat(events("$ce-order")).as("disabled").hasSize(1);
        store.close();

        projections = openSubsystemOnly();
        store.append(StreamName.of("order-3"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        awaitEvents("$et-Placed", 3);
        assertThat(status("$by_category")).as("still disabled after a restart").isEqualTo("Stopped");
        assertThat(status("$by_event_type")).as("still enabled after a restart without the flag").isEqualTo("Running");
        assertThat(events("$ce-order")).hasSize(1);

        assertThat(projections.setEnabled("$by_category", true)).isTrue();
        assertThat(projections.setEnabled("$by_category", true)).as("enabling a running one changes nothing").isTrue();
        assertThat(awaitEvents("$ce-order", 3)).extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-1", "0@order-2", "0@order-3");
        assertThat(status("$by_category")).isEqualTo("Running");

        assertThat(projections.setEnabled("$by_category", false)).isTrue();
        store.append(StreamName.of("order-4"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        awaitEvents("$et-Placed", 4);
        store.close();

        open(true);
        assertThat(awaitEvents("$ce-order", 4)).as("the flag enables them at each start, as KurrentDB's does")
                .extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-1", "0@order-2", "0@order-3", "0@order-4");
        assertThat(status("$by_category")).isEqualTo("Running");
    }

    @Test
    void withoutTheFlagTheyAreListedStoppedAndRunOnceEnabled() {
        Projections projections = openSubsystemOnly();
        store.append(StreamName.of("order-1"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        assertThat(projections.statistics()).extracting(Projections.Statistics::name).containsExactly(
                "$by_category", "$by_event_type", "$streams", "$stream_by_category", "$by_correlation_id");
        assertThat(projections.statistics()).extracting(Projections.Statistics::status).containsOnly("Stopped");

        assertThat(projections.setEnabled("$by_category", true)).isTrue();
        assertThat(awaitEvents("$ce-order", 1)).extracting(RecordedEvent::dataAsString).containsExactly("0@order-1");
        store.close();

        openSubsystemOnly();
        store.append(StreamName.of("order-2"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        assertThat(awaitEvents("$ce-order", 2)).as("enabled once, it runs after a restart").hasSize(2);
        assertThat(status("$by_category")).isEqualTo("Running");
        assertThat(status("$by_event_type")).isEqualTo("Stopped");
        assertThat(events("$et-Placed")).isEmpty();
    }

    @Test
    void theirConfigurationChangesTheCategorySeparatorAndTheCorrelationIdProperty() {
        open(true);
        Projections projections = ((dev.cairn.engine.streams.EmbeddedEventStore) store).projections();
        assertThat(projections.query("$by_category")).isEqualTo("first\r\n-");
        assertThatThrownBy(() -> projections.update("$by_category", "middle\r\n-", null))
                .isInstanceOfSatisfying(ProjectionManagementException.class, e -> assertThat(e.reason())
                        .isEqualTo(ProjectionManagementException.Reason.INVALID_ARGUMENT))
                .hasMessageContaining("Expected 'first' or 'last'");
        assertThatThrownBy(() -> projections.update("$by_correlation_id", "{}", null))
                .hasMessageContaining("correlationIdProperty");
        projections.update("$by_category", "last\r\n_", null);
        projections.update("$stream_by_category", "first\r\n_", null);
        projections.update("$by_correlation_id", "{\"correlationIdProperty\":\"$myCorrelationId\"}", null);
        store.close();

        open(true);
        store.append(StreamName.of("shop_eu_1"), StreamState.noStream(), List.of(EventData.json("Placed", "{}")));
        store.append(StreamName.of("traced"), StreamState.noStream(), List.of(new EventData(java.util.UUID.randomUUID(),
                dev.cairn.api.EventType.of("Traced"), dev.cairn.api.ContentType.JSON, "{}".getBytes(StandardCharsets.UTF_8),
                "{\"$myCorrelationId\":\"abc\"}".getBytes(StandardCharsets.UTF_8))));
        assertThat(awaitEvents("$ce-shop_eu", 1)).extracting(RecordedEvent::dataAsString).containsExactly("0@shop_eu_1");
        assertThat(awaitEvents("$category-shop", 1)).extracting(RecordedEvent::dataAsString).containsExactly("shop_eu_1");
        assertThat(awaitEvents("$bc-abc", 1)).extracting(RecordedEvent::dataAsString).containsExactly("0@traced");
    }

    private List<RecordedEvent> awaitEvents(String stream, int count) {
        return WrittenStreams.awaitEvents(store, stream, count, PATIENCE);
    }

    private List<RecordedEvent> events(String stream) {
        return WrittenStreams.events(store, stream);
    }

    private String status(String projection) {
        return ((dev.cairn.engine.streams.EmbeddedEventStore) store).projections().statistics().stream()
                .filter(s -> s.name().equals(projection)).findFirst().orElseThrow().status();
    }

    private List<RecordedEvent> resolved(String stream) {
        return store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards().resolveLinks(true)).stream()
                .map(ResolvedEvent::event).toList();
    }
}
