package dev.cairn.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.eventsourcing.dogs.Dogs;
import dev.cairn.eventsourcing.dogs.DogEvent.DogRegistered;
import dev.cairn.eventsourcing.dogs.DogEvent.TrickAdded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Events as JSON under stable names; old versions upcast on read; metadata with the causation ids. */
class EventCodecTest {

    final EventCodec codec = Dogs.CODEC;

    /** What the store would give back for {@code data}. */
    static ResolvedEvent stored(EventData data) {
        return ResolvedEvent.of(new RecordedEvent(StreamName.of("dog-1"), 3, data.id(), data.type(), data.contentType(),
                data.data(), data.metadata(), Instant.parse("2026-01-01T00:00:00Z"), Position.of(100, 100)));
    }

    static EventData raw(String type, String json, String metadata) {
        return new EventData(UUID.randomUUID(), EventType.of(type), ContentType.JSON,
                json.getBytes(StandardCharsets.UTF_8), metadata.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEventIsStoredUnderItsRegisteredNameAndReadBackAsTheSameRecord() {
        DogRegistered event = new DogRegistered("Rex", "collie", LocalDate.of(2021, 3, 4));
        EventData data = codec.encode(event, new EventMetadata("corr", "cause", 1, Map.of("tenant", "t1")));

        assertThat(data.type().value()).isEqualTo("DogRegistered");
        assertThat(data.contentType()).isEqualTo(ContentType.JSON);
        assertThat(new String(data.data(), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"Rex\",\"breed\":\"collie\",\"born\":\"2021-03-04\"}");
        StoredEvent<DogEvent> back = codec.decode(stored(data), DogEvent.class);
        assertThat(back.event()).isEqualTo(event);
        assertThat(back.metadata()).isEqualTo(new EventMetadata("corr", "cause", 2, Map.of("tenant", "t1")));
        assertThat(back.id()).isEqualTo(data.id());
        assertThat(back.revision()).isEqualTo(3);
        assertThat(new String(data.metadata(), StandardCharsets.UTF_8))
                .isEqualTo("{\"$correlationId\":\"corr\",\"$causationId\":\"cause\",\"schemaVersion\":2,\"tenant\":\"t1\"}");
    }

    @Test
    void anOldVersionIsUpcastAndAnOldNameStillLoads() {
        StoredEvent<DogEvent> v1 = codec.decode(stored(raw("DogRegistered", "{\"name\":\"Old\",\"born\":\"2019-01-01\"}",
                "{\"schemaVersion\":1}")), DogEvent.class);
        assertThat(v1.event()).isEqualTo(new DogRegistered("Old", "unknown", LocalDate.of(2019, 1, 1)));

        StoredEvent<DogEvent> noVersion = codec.decode(stored(raw("DogAdded", "{\"name\":\"Older\"}", "")),
                DogEvent.class);
        assertThat(noVersion.event()).isEqualTo(new DogRegistered("Older", "unknown", null));
        assertThat(noVersion.type()).isEqualTo("DogAdded");
    }

    @Test
    void upcastersRunInOrderThroughEveryVersion() {
        record Renamed(String fullName, int legs) {
        }
        EventRegistry registry = EventRegistry.builder().register("Pet", Renamed.class, 3)
                .upcast("Pet", 1, json -> (ObjectNode) json.set("fullName", json.remove("name")))
                .upcast("Pet", 2, json -> json.put("legs", json.path("legs").asInt(4)))
                .build();
        EventCodec c = new EventCodec(registry);
        assertThat(c.decode(stored(raw("Pet", "{\"name\":\"Tom\"}", "{\"schemaVersion\":1}")), Object.class).event())
                .isEqualTo(new Renamed("Tom", 4));
        assertThat(c.decode(stored(raw("Pet", "{\"fullName\":\"Tom\",\"legs\":3}", "{\"schemaVersion\":2}")),
                Object.class).event()).isEqualTo(new Renamed("Tom", 3));
        assertThat(new String(c.encode(new Renamed("Kit", 4), EventMetadata.NONE).metadata(), StandardCharsets.UTF_8))
                .contains("\"schemaVersion\":3");
    }

    @Test
    void unknownTypesMissingUpcastersAndUnregisteredClassesFailClearly() {
        assertThat(codec.knows("DogRegistered")).isTrue();
        assertThat(codec.knows("DogAdded")).isTrue();
        assertThat(codec.knows("CatRegistered")).isFalse();
        assertThatThrownBy(() -> codec.decode(stored(raw("CatRegistered", "{}", "")), Object.class))
                .isInstanceOf(UnknownEventTypeException.class).hasMessageContaining("CatRegistered");
        assertThatThrownBy(() -> codec.encode(new Object(), EventMetadata.NONE))
                .isInstanceOf(UnknownEventTypeException.class).hasMessageContaining("not registered");

        EventRegistry gap = EventRegistry.builder().register("Gap", TrickAdded.class, 3)
                .upcast("Gap", 2, json -> json).build();
        assertThatThrownBy(() -> new EventCodec(gap).decode(stored(raw("Gap", "{}", "{\"schemaVersion\":1}")),
                Object.class)).isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("no upcaster from version 1");
        assertThatThrownBy(() -> codec.decode(stored(raw("TrickAdded", "{}", "")), DogRegistered.class))
                .isInstanceOf(UnknownEventTypeException.class);
    }

    @Test
    void theRegistryRefusesAmbiguityAndUselessUpcasters() {
        assertThatThrownBy(() -> EventRegistry.builder().register("A", TrickAdded.class).register("A", DogRegistered.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventRegistry.builder().register("$A", TrickAdded.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventRegistry.builder().register(String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@EventName");
        assertThatThrownBy(() -> EventRegistry.builder().register("A", TrickAdded.class).upcast("A", 1, j -> j).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("can never run");
        assertThatThrownBy(() -> EventRegistry.builder().rename("Old", "Missing").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metadataThatIsNotTheToolkitsReadsAsNone() {
        assertThat(codec.parseMetadata(new byte[0])).isEqualTo(EventMetadata.NONE);
        assertThat(codec.parseMetadata("binary\u0000".getBytes(StandardCharsets.UTF_8))).isEqualTo(EventMetadata.NONE);
        assertThat(codec.parseMetadata("[1,2]".getBytes(StandardCharsets.UTF_8))).isEqualTo(EventMetadata.NONE);
        // a node that carried the metadata as v2 properties stores numbers as doubles
        assertThat(codec.parseMetadata("{\"schemaVersion\":2.0,\"n\":5}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new EventMetadata(null, null, 2, Map.of("n", "5")));
    }
}
