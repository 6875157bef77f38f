package dev.cairn.engine.persistent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ConsumerStrategy;
import dev.cairn.api.EventFilter;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.Position;
import dev.cairn.api.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration document: KurrentDB's as it writes it, and Cairn's round trip. */
class GroupConfigTest {

    /**
     * As KurrentDB's serializer writes it: camel case, values equal to their type's default left
     * out (no resolveLinkTos, no maxSubscriberCount), $all's obsolete startFrom as long.MinValue.
     */
    static final String KURRENTDB = """
            {
              "version": "2",
              "updated": "2025-03-01T10:00:00.1234567+00:00",
              "updatedBy": "admin",
              "entries": [
                {
                  "stream": "orders",
                  "group": "billing",
                  "messageTimeout": 30000,
                  "startFrom": 5,
                  "startPosition": "5",
                  "liveBufferSize": 500,
                  "historyBufferSize": 500,
                  "maxRetryCount": 10,
                  "readBatchSize": 20,
                  "preferRoundRobin": true,
                  "checkPointAfter": 2000,
                  "minCheckPointCount": 10,
                  "maxCheckPointCount": 1000,
                  "namedConsumerStrategy": "Pinned"
                },
                {
                  "stream": "$all",
                  "group": "audit",
                  "filter": {"context": "eventtype", "type": "prefix", "data": "Order,Invoice", "isAllStream": true},
                  "resolveLinkTos": true,
                  "messageTimeout": 1000,
                  "startFrom": -9223372036854775808,
                  "startPosition": "C:1024/P:1024",
                  "liveBufferSize": 100,
                  "historyBufferSize": 200,
                  "maxRetryCount": 3,
                  "readBatchSize": 50,
                  "minCheckPointCount": 1,
                  "maxCheckPointCount": 5,
                  "maxSubscriberCount": 4,
                  "namedConsumerStrategy": "PinnedByCorrelation"
                },
                {
                  "stream": "$all",
                  "group": "broken",
                  "filter": {"context": "streamid", "type": "set", "data": "a,b", "isAllStream": true},
                  "messageTimeout": 1000,
                  "startPosition": "C:-1/P:-1",
                  "liveBufferSize": 100,
                  "historyBufferSize": 200,
                  "readBatchSize": 50,
                  "namedConsumerStrategy": "RoundRobin"
                }
              ]
            }
            """;

    @Test
    void readsWhatKurrentDbWrites() {
        GroupConfig.Document doc = GroupConfig.read(KURRENTDB.getBytes(StandardCharsets.UTF_8));

        assertThat(doc.entries()).hasSize(2);
        GroupConfig.Entry billing = doc.entries().get(0);
        assertThat(billing.key()).isEqualTo(new GroupKey(StreamName.of("orders"), "billing"));
        assertThat(billing.filter()).isNull();
        assertThat(billing.settings()).isEqualTo(PersistentSubscriptionSettings.defaults()
                .startFrom(StartFrom.revision(5)).consumerStrategy(ConsumerStrategy.PINNED));

        GroupConfig.Entry audit = doc.entries().get(1);
        assertThat(audit.key().id()).isEqualTo("$all::audit");
        assertThat(audit.filter()).isEqualTo(EventFilter.eventTypePrefix("Order", "Invoice"));
        PersistentSubscriptionSettings s = audit.settings();
        assertThat(s.startFrom()).isEqualTo(StartFrom.position(Position.of(1024, 1024)));
        assertThat(s.resolveLinks()).isTrue();
        assertThat(s.checkpointAfter()).as("absent: 0, only by count").isEqualTo(Duration.ZERO);
        assertThat(s.maxSubscriberCount()).isEqualTo(4);
        assertThat(s.consumerStrategy()).isEqualTo(ConsumerStrategy.PINNED_BY_CORRELATION);

        // a filter kind Cairn does not have (a stream set) is kept, not dropped
        assertThat(doc.unusable()).singleElement().satisfies(n -> assertThat(n.get("group").asText()).isEqualTo("broken"));
    }

    @Test
    void versionOneEntriesTakeTheirStrategyFromTheRoundRobinFlag() {
        String v1 = """
                {"Version": "1", "Entries": [
                  {"Stream": "s", "Group": "rr", "PreferRoundRobin": true, "StartFrom": -1, "MessageTimeout": 10000,
                   "LiveBufferSize": 10, "HistoryBufferSize": 20, "ReadBatchSize": 5, "MaxRetryCount": 1,
                   "MinCheckPointCount": 1, "MaxCheckPointCount": 2},
                  {"Stream": "s", "Group": "single", "StartFrom": 0, "LiveBufferSize": 10, "HistoryBufferSize": 20,
                   "ReadBatchSize": 5}]}
                """;
        GroupConfig.Document doc = GroupConfig.read(v1.getBytes(StandardCharsets.UTF_8));
        assertThat(doc.entries()).extracting(e -> e.settings().consumerStrategy())
                .containsExactly(ConsumerStrategy.ROUND_ROBIN, ConsumerStrategy.DISPATCH_TO_SINGLE);
        assertThat(doc.entries()).extracting(e -> e.settings().startFrom())
                .containsExactly(StartFrom.end(), StartFrom.start());
    }

    @Test
    void whatCairnWritesReadsBackAndKeepsWhatItCannotUse() {
        GroupConfig.Document original = GroupConfig.read(KURRENTDB.getBytes(StandardCharsets.UTF_8));
        GroupConfig.Entry regex = new GroupConfig.Entry(new GroupKey(StreamName.of("$all"), "r"),
                EventFilter.streamNameRegex("^order-\\d+$"),
                PersistentSubscriptionSettings.defaults().startFrom(StartFrom.end()).messageTimeout(Duration.ZERO));
        List<GroupConfig.Entry> entries = new java.util.ArrayList<>(original.entries());
        entries.add(regex);

        byte[] written = GroupConfig.write(new GroupConfig.Document(entries, original.unusable()), "admin",
                Instant.parse("2026-01-01T00:00:00Z"));
        GroupConfig.Document back = GroupConfig.read(written);

        assertThat(back.entries()).isEqualTo(entries);
        assertThat(back.unusable()).isEqualTo(original.unusable());
        assertThat(new String(written, StandardCharsets.UTF_8)).contains("\"startPosition\" : \"C:-1/P:-1\"",
                "\"context\" : \"streamid\"", "\"type\" : \"regex\"", "\"updatedBy\" : \"admin\"");
    }

    @Test
    void aDocumentThatIsNotJsonReadsAsEmpty() {
        assertThat(GroupConfig.read("not json".getBytes(StandardCharsets.UTF_8)).entries()).isEmpty();
    }
}
