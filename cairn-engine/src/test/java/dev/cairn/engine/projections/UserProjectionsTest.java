package dev.cairn.engine.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.streams.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User projections in JavaScript: KurrentDB's query language (sources, handlers, partitions,
 * transforms, emits), where their states and results go, exactly once across restarts, and their
 * management (update, reset, delete, faults).
 */
class UserProjectionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String COUNT_ALL = """
            fromAll().when({
                $init: function () { return { count: 0 }; },
                $any: function (s, e) { s.count += 1; }
            }).outputState();
            """;

    @TempDir
    Path dir;

    private EventStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private Projections open(boolean standard) {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16)
                .standardProjections(standard).userProjections(true).build());
        return ((EmbeddedEventStore) store).projections();
    }

    /** A node running only the system projections (KurrentDB's {@code --run-projections=system}). */
    private Projections openSystemOnly() {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16)
                .systemProjections(true).build());
        return ((EmbeddedEventStore) store).projections();
    }

    private void append(String stream, String type, String json) {
        store.append(StreamName.of(stream), StreamState.any(), List.of(EventData.json(type, json)));
    }

    @Test
    void countsEveryEventOfOrdinaryStreamsAndWritesItsStateAndResult() {
        Projections projections = open(false);
        append("order-1", "Placed", "{}");
        append("order-1", "Paid", "{}");
        append("$system", "Hidden", "{}");
        projections.create("counter", COUNT_ALL, false, false);
        await(() -> projections.state("counter", ""), "{\"count\":2}");
        append("user-7", "Registered", "{}");
        await(() -> projections.state("counter", ""), "{\"count\":3}");
        assertThat(projections.result("counter", "")).isEqualTo("{\"count\":3}");
        assertThat(last("$projections-counter-result").type().value()).isEqualTo("Result");
        assertThat(status(projections, "counter")).isEqualTo("Running");
    }

    /**
     * KurrentDB's {@code system} mode loads the user projections and lists them, stopped, without
     * running them; one created there is stored, and runs once the node runs them all.
     */
    @Test
    void aNodeRunningOnlySystemProjectionsListsUserProjectionsStoppedAndRunsNone() {
        Projections projections = open(false);
        append("order-1", "Placed", "{}");
        projections.create("counter", COUNT_ALL, false, false);
        await(() -> projections.state("counter", ""), "{\"count\":1}");
        store.close();

        Projections systemOnly = openSystemOnly();
        append("order-2", "Placed", "{}");
        systemOnly.create("later", COUNT_ALL, false, false);
        systemOnly.setEnabled("counter", true);
        assertThat(status(systemOnly, "counter")).isEqualTo("Stopped");
        assertThat(status(systemOnly, "later")).isEqualTo("Stopped");
        assertThat(systemOnly.statistics()).extracting(Projections.Statistics::name)
                .contains("$by_category", "counter", "later");
        assertThat(systemOnly.state("counter", "")).as("it did not run").isEqualTo("{\"count\":1}");
        assertThat(systemOnly.state("later", "")).isNull();
        store.close();

        Projections all = open(false);
        await(() -> all.state("counter", ""), "{\"count\":2}");
        await(() -> all.state("later", ""), "{\"count\":2}");
        assertThat(status(all, "later")).isEqualTo("Running");
    }

    @Test
    void categoriesPartitionedByStreamWithNamedHandlersAndATransform() {
        Projections projections = open(false);
        append("account-1", "Deposited", "{\"amount\":10}");
        append("account-2", "Deposited", "{\"amount\":5}");
        append("account-1", "Withdrawn", "{\"amount\":3}");
        append("account-1", "Renamed", "{}");
        append("other-1", "Deposited", "{\"amount\":100}");
        projections.create("balances", """
                fromCategory('account').foreachStream().when({
                    $init() { return { balance: 0 }; },
                    Deposited(s, e) { s.balance += e.data.amount; },
                    Withdrawn(s, e) { return { balance: s.balance - e.body.amount }; }
                }).transformBy(s => ({ cents: s.balance * 100 }));
                """, false, false);
        await(() -> projections.state("balances", "account-1"), "{\"balance\":7}");
        assertThat(projections.state("balances", "account-2")).isEqualTo("{\"balance\":5}");
        assertThat(projections.state("balances", "other-1")).isNull();
        await(() -> projections.result("balances", "account-1"), "{\"cents\":700}");
        assertThat(last("$projections-balances-account-1-result").dataAsString()).isEqualTo("{\"cents\":700}");
        assertThat(maxCountOf("$projections-balances-account-1-checkpoint")).as("as KurrentDB's").isEqualTo(2);
        assertThat(maxCountOf("$projections-balances-checkpoint")).isEqualTo(2);
    }

    /**
     * KurrentDB's result events: a partition's result is written when it changes, removed
     * ({@code ResultRemoved}) when {@code filterBy} drops it, and each is linked into the
     * projection's result stream, across a restart too.
     */
    @Test
    void partitionResultsAreWrittenWhenTheyChangeAndLinkedIntoTheResultStream() {
        Projections projections = open(false);
        projections.create("sizes", """
                fromCategory('acct').foreachStream().when({
                    $init() { return { n: 0 }; },
                    $any(s, e) { s.n += 1; }
                }).filterBy(s => s.n < 4).transformBy(s => ({ many: s.n > 1 }));
                """, false, false);
        String one = "$projections-sizes-acct-1-result";
        String two = "$projections-sizes-acct-2-result";
        appendAndAwait(projections, "acct-1", "{\"n\":1}");
        appendAndAwait(projections, "acct-2", "{\"n\":1}");
        appendAndAwait(projections, "acct-1", "{\"n\":2}");
        appendAndAwait(projections, "acct-1", "{\"n\":3}");
        assertThat(projections.result("sizes", "acct-1")).isEqualTo("{\"many\":true}");
        appendAndAwait(projections, "acct-1", "{\"n\":4}");

        assertThat(events(one)).extracting(e -> e.type().value() + " " + e.dataAsString()).as("n = 3 changed nothing")
                .containsExactly("Result {\"many\":false}", "Result {\"many\":true}", "ResultRemoved ");
        assertThat(projections.result("sizes", "acct-1")).isNull();
        assertThat(projections.result("sizes", "acct-2")).isEqualTo("{\"many\":false}");
        assertThat(projections.result("sizes", "")).as("a partitioned projection has no result of its own").isNull();
        store.close();

        projections = open(false);
        appendAndAwait(projections, "acct-2", "{\"n\":2}");
        appendAndAwait(projections, "acct-1", "{\"n\":5}");
        assertThat(events(one)).as("still removed: nothing more").hasSize(3);
        assertThat(events("$projections-sizes-result")).extracting(e -> e.type().value() + " " + e.dataAsString())
                .containsExactly("$> 0@" + one, "$> 0@" + two, "$> 1@" + one, "$> 2@" + one, "$> 1@" + two);
        assertThat(store.readStreamToList(StreamName.of("$projections-sizes-result"),
                ReadStreamOptions.forwards().resolveLinks(true))).extracting(e -> e.event().dataAsString())
                .containsExactly("{\"many\":false}", "{\"many\":false}", "{\"many\":true}", "", "{\"many\":true}");
    }

    private void appendAndAwait(Projections projections, String stream, String state) {
        append(stream, "Happened", "{}");
        await(() -> projections.state("sizes", stream), state);
    }

    private Long maxCountOf(String stream) {
        return store.getStreamMetadata(StreamName.of(stream)).metadata().maxCount();
    }

    @Test
    void optionsNameTheResultStreamAndRejectWhatIsUnknown() {
        Projections projections = open(false);
        append("order-1", "Placed", "{}");
        projections.create("named", """
                options({ ResultStreamName: 'counted_orders', $includeLinks: false, reorderEvents: false, processingLag: 0 });
                fromCategory('order').when({ $init() { return { n: 0 }; }, $any(s, e) { s.n++; } }).outputState();
                """, false, false);
        await(() -> projections.result("named", ""), "{\"n\":1}");
        assertThat(last("counted_orders").dataAsString()).isEqualTo("{\"n\":1}");

        projections.create("unknown", "options({ colour: 'blue' }); fromAll().when({});", false, false);
        projections.create("invalid", "options({ $includeLinks: 'yes' }); fromAll().when({});", false, false);
        await(() -> status(projections, "unknown"), "Faulted");
        await(() -> status(projections, "invalid"), "Faulted");
        assertThat(reason(projections, "unknown")).contains("Unrecognized option: colour");
        assertThat(reason(projections, "invalid")).contains("Invalid value for option $includeLinks");
    }

    @Test
    void fromCategoryTellsCategoriesAsByCategoryIsConfigured() {
        Projections projections = open(false);
        projections.update("$by_category", "last\r\n.", null);
        append("shop.eu.1", "Sold", "{}");
        append("shop.eu.2", "Sold", "{}");
        append("shop-eu-3", "Sold", "{}");
        append("shop.1", "Sold", "{}");
        projections.create("eu", """
                fromCategory('shop.eu').when({ $init() { return { n: 0 }; }, Sold(s, e) { s.n++; } });
                """, false, false);
        projections.create("counted", """
                fromAll().when({ $init() { return { n: 0 }; }, Sold(s, e) { s.n++; } });
                """, false, false);
        await(() -> projections.state("counted", ""), "{\"n\":4}");
        await(() -> projections.state("eu", ""), "{\"n\":2}");
    }

    @Test
    void aStateTooLargeToWriteFaultsTheProjectionWithTheReason() {
        Projections projections = open(false);
        append("big-1", "Grew", "{}");
        // the test store's largest event is 64 KiB
        projections.create("hoarder", """
                fromAll().when({ $init() { return { pad: '' }; }, Grew(s, e) { s.pad = 'x'.repeat(70000); } });
                """, false, false);
        await(() -> status(projections, "hoarder"), "Faulted");
        assertThat(reason(projections, "hoarder")).startsWith("cannot write its output: ").contains("too large");
        assertThat(events("$projections-hoarder-checkpoint")).isEmpty();
    }

    @Test
    void disablingAProjectionWhileItsQueryRunsStopsItWithoutAFault() {
        Projections projections = open(false);
        for (int i = 0; i < 100; i++) {
            append("slow-" + i, "Spun", "{}");
        }
        // each event keeps the query busy for a while, so the disable meets it running
        projections.create("spinner", """
                fromAll().when({ $init() { return { n: 0 }; },
                                 Spun(s, e) { for (let i = 0; i < 300000; i++) { s.n += i % 2; } } });
                """, false, false);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (statistics(projections, "spinner").eventsProcessed() == 0 && System.nanoTime() < deadline) {
            WrittenStreams.sleep(5);
        }
        assertThat(projections.setEnabled("spinner", false)).isTrue();
        assertThat(status(projections, "spinner")).isEqualTo("Stopped");
        assertThat(reason(projections, "spinner")).as("a stop is no fault").isNull();
    }

    @Test
    void aSharedStateBesideEachPartitionsOwnSurvivesARestart() {
        Projections projections = open(false);
        append("account-1", "Deposited", "{\"amount\":10}");
        append("account-2", "Deposited", "{\"amount\":5}");
        append("account-1", "Deposited", "{\"amount\":1}");
        String query = """
                fromCategory('account').foreachStream().when({
                    $init() { return { deposits: 0 }; },
                    $initShared() { return { total: 0 }; },
                    Deposited(s, e) { s[0].deposits++; s[1].total += e.data.amount; }
                });
                """;
        projections.create("bistate", query, false, false);
        await(() -> projections.state("bistate", ""), "{\"total\":16}");
        assertThat(projections.state("bistate", "account-1")).isEqualTo("{\"deposits\":2}");
        store.close();

        Projections reopened = open(false);
        append("account-2", "Deposited", "{\"amount\":4}");
        await(() -> reopened.state("bistate", ""), "{\"total\":20}");
        assertThat(reopened.state("bistate", "account-2")).isEqualTo("{\"deposits\":2}");

        reopened.create("bistate-unpartitioned", "fromAll().when({ $initShared() { return {}; } });", false, false);
        await(() -> status(reopened, "bistate-unpartitioned"), "Faulted");
        assertThat(reason(reopened, "bistate-unpartitioned")).contains("needs partitions");
    }

    @Test
    void emitsAndLinksOnlyWhenEmitIsEnabled() {
        Projections projections = open(false);
        append("order-1", "Placed", "{\"total\":3}");
        String query = """
                fromStream('order-1').when({
                    Placed(s, e) {
                        log('invoicing ' + e.streamId);
                        emit('invoices', 'InvoiceDue', { total: e.data.total }, { source: e.streamId });
                        linkTo('placed-orders', e);
                    }
                });
                """;
        projections.create("invoicing", query, true, false);
        List<RecordedEvent> invoices = awaitEvents("invoices", 1);
        assertThat(invoices.get(0).dataAsString()).isEqualTo("{\"total\":3}");
        assertThat(invoices.get(0).type().value()).isEqualTo("InvoiceDue");
        assertThat(new String(invoices.get(0).metadata())).contains("\"source\":\"order-1\"", "\"$causedBy\"");
        assertThat(awaitEvents("placed-orders", 1).get(0).dataAsString()).isEqualTo("0@order-1");

        projections.create("not-allowed", query, false, false);
        await(() -> status(projections, "not-allowed"), "Faulted");
        assertThat(reason(projections, "not-allowed")).contains("'emit' is not allowed");
    }

    @Test
    void resumesFromItsCheckpointAfterARestartWithoutCountingTwice() {
        Projections projections = open(false);
        projections.create("counter", COUNT_ALL, false, false);
        for (int i = 0; i < 50; i++) {
            append("order-" + i, "Placed", "{}");
        }
        await(() -> projections.state("counter", ""), "{\"count\":50}");
        store.close();

        Projections reopened = open(false);
        append("order-x", "Placed", "{}");
        await(() -> reopened.state("counter", ""), "{\"count\":51}");
        WrittenStreams.sleep(300);
        assertThat(reopened.state("counter", "")).isEqualTo("{\"count\":51}");
    }

    @Test
    void updateKeepsTheStateAndResetStartsOverHidingWhatWasEmitted() {
        Projections projections = open(false);
        append("order-1", "Placed", "{}");
        append("order-2", "Placed", "{}");
        projections.create("links", """
                fromAll().when({ $init() { return { n: 0 }; }, Placed(s, e) { s.n++; linkTo('all-placed', e); } });
                """, true, false);
        awaitEvents("all-placed", 2);
        await(() -> projections.state("links", ""), "{\"n\":2}");

        projections.update("links", """
                fromAll().when({ $init() { return { n: 0 }; }, Placed(s, e) { s.n += 10; linkTo('all-placed', e); } });
                """, null);
        append("order-3", "Placed", "{}");
        await(() -> projections.state("links", ""), "{\"n\":12}");
        assertThat(projections.query("links")).contains("s.n += 10");

        projections.reset("links");
        await(() -> projections.state("links", ""), "{\"n\":30}");
        assertThat(awaitEvents("all-placed", 3)).extracting(RecordedEvent::dataAsString)
                .as("the links of the first epoch are hidden").containsExactly("0@order-1", "0@order-2", "0@order-3");
        // as KurrentDB numbers them: created at version 1, updated to 2, reset to version and epoch 3
        assertThat(statistics(projections, "links")).extracting(Projections.Statistics::version,
                Projections.Statistics::epoch).containsExactly(3L, 3L);
        assertThat(new String(last("all-placed").metadata(), java.nio.charset.StandardCharsets.UTF_8))
                .as("the $v tag of what the new epoch wrote: id, epoch, version").contains(":3:3:4\"");
    }

    /**
     * After a reset, what the earlier epoch wrote to a stream is hidden by a {@code $tb} written in
     * the same atomic write as the new epoch's first output there: no metadata write of its own
     * (and so no fdatasync of its own) per stream.
     */
    @Test
    void aResetHidesEarlierOutputInTheSameWriteAsTheNewOutput() {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16).build());
        for (int i = 0; i < 10; i++) {
            append("src-" + i, "Placed", "{}");
        }
        java.util.concurrent.atomic.AtomicInteger metadataWrites = new java.util.concurrent.atomic.AtomicInteger();
        EventStore counting = (EventStore) java.lang.reflect.Proxy.newProxyInstance(EventStore.class.getClassLoader(),
                new Class<?>[] {EventStore.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("setStreamMetadata")) {
                        metadataWrites.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (Projections projections = Projections.start(counting, ((EmbeddedEventStore) store).system(), false, true)) {
            projections.create("copies", "fromCategory('src').when({ $any(s, e) { linkTo('copy-' + e.streamId, e); } });",
                    true, false);
            awaitEvents("copy-src-9", 1);
            projections.reset("copies");
            for (int i = 0; i < 10; i++) {
                String copy = "copy-src-" + i;
                await(() -> String.valueOf(store.getStreamMetadata(StreamName.of(copy)).metadata().truncateBefore()), "1");
                assertThat(awaitEvents(copy, 1)).extracting(RecordedEvent::revision).containsExactly(1L);
            }
            assertThat(metadataWrites).hasValue(0);
        }
    }

    @Test
    void resettingAStandardProjectionRebuildsItsStreamsOnce() {
        Projections projections = open(true);
        append("order-1", "Placed", "{}");
        append("order-2", "Placed", "{}");
        awaitEvents("$ce-order", 2);
        projections.reset("$by_category");
        append("order-3", "Placed", "{}");
        assertThat(awaitEvents("$ce-order", 3)).extracting(RecordedEvent::dataAsString)
                .containsExactly("0@order-1", "0@order-2", "0@order-3");
    }

    @Test
    void aStandardProjectionFarBehindTheOthersReadsAloneWhileTheOthersGoOn() {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16).build());
        append("order-1", "Placed", "{}");
        append("order-2", "Placed", "{}");
        // a span of 0 bytes: any projection behind the most advanced reads alone
        try (Projections projections = Projections.start(store, ((EmbeddedEventStore) store).system(), true, false,
                0)) {
            awaitEvents("$ce-order", 2);
            awaitEvents("$et-Placed", 2);
            projections.reset("$by_category");
            append("order-3", "Placed", "{}");
            assertThat(awaitEvents("$ce-order", 3)).extracting(RecordedEvent::dataAsString)
                    .containsExactly("0@order-1", "0@order-2", "0@order-3");
            assertThat(awaitEvents("$et-Placed", 3)).extracting(RecordedEvent::dataAsString)
                    .containsExactly("0@order-1", "0@order-2", "0@order-3");
            assertThat(projections.statistics()).extracting(Projections.Statistics::status).containsOnly("Running");
            // $by_correlation_id has no checkpoint yet (no event has a correlation id), so with a span
            // of 0 it is behind too: it and the reset one alone, the other three together
            assertThat(projections.standardReaders()).isEqualTo(3);
        }
    }

    @Test
    void deleteNeedsAStoppedProjectionAndFreesItsName() {
        Projections projections = open(true);
        projections.create("gone", COUNT_ALL, false, false);
        append("order-1", "Placed", "{}");
        await(() -> projections.state("gone", ""), "{\"count\":1}");
        assertThatThrownBy(() -> projections.create("gone", COUNT_ALL, false, false))
                .isInstanceOfSatisfying(ProjectionManagementException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProjectionManagementException.Reason.CONFLICT));
        assertThatThrownBy(() -> projections.delete("gone", true, true, false))
                .hasMessageContaining("hasn't been stopped");
        assertThatThrownBy(() -> projections.delete("$by_category", false, false, false))
                .hasMessageContaining("System Projections");
        projections.setEnabled("gone", false);
        projections.delete("gone", true, true, false);
        assertThat(projections.statistics()).extracting(Projections.Statistics::name).doesNotContain("gone");
        assertThatThrownBy(() -> projections.state("gone", ""))
                .isInstanceOfSatisfying(ProjectionManagementException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProjectionManagementException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> store.readStreamToList(StreamName.of("$projections-gone-checkpoint"),
                ReadStreamOptions.forwards())).isInstanceOfAny(StreamNotFoundException.class, StreamDeletedException.class);
        store.close();

        Projections reopened = open(true);
        assertThat(reopened.statistics()).extracting(Projections.Statistics::name).doesNotContain("gone");
        reopened.create("gone", COUNT_ALL, false, false);
        await(() -> reopened.state("gone", ""), "{\"count\":1}");
        // its first checkpoint undeleted the checkpoint stream, $maxCount and all, in one append
        assertThat(maxCountOf("$projections-gone-checkpoint")).isEqualTo(2);
        append("order-2", "Placed", "{}");
        await(() -> reopened.state("gone", ""), "{\"count\":2}");
        store.close();

        Projections again = open(true);
        append("order-3", "Placed", "{}");
        await(() -> again.state("gone", ""), "{\"count\":3}");
        assertThat(events("$projections-gone-checkpoint")).as("only the new life's checkpoints").isNotEmpty()
                .allSatisfy(e -> assertThat(e.type().value()).isEqualTo("$ProjectionCheckpoint"));
    }

    @Test
    void deletingATrackingProjectionDeletesTheStreamsItEmittedTo() {
        Projections projections = open(false);
        assertThatThrownBy(() -> projections.create("untracked", COUNT_ALL, false, true))
                .isInstanceOfSatisfying(ProjectionManagementException.class, e -> assertThat(e.reason())
                        .isEqualTo(ProjectionManagementException.Reason.INVALID_ARGUMENT));
        append("order-1", "Placed", "{}");
        append("order-2", "Placed", "{}");
        projections.create("tracker", "fromCategory('order').when({ Placed(s, e) { emit('out-' + e.streamId, 'Seen', {}); } });",
                true, true);
        awaitEvents("out-order-1", 1);
        awaitEvents("out-order-2", 1);
        assertThat(events("$projections-tracker-emittedstreams")).extracting(RecordedEvent::dataAsString)
                .containsExactly("out-order-1", "out-order-2");
        projections.setEnabled("tracker", false);
        projections.delete("tracker", false, false, true);
        assertThatThrownBy(() -> store.readStreamToList(StreamName.of("out-order-1"), ReadStreamOptions.forwards()))
                .isInstanceOfAny(StreamNotFoundException.class, StreamDeletedException.class);
        assertThatThrownBy(() -> store.readStreamToList(StreamName.of("out-order-2"), ReadStreamOptions.forwards()))
                .isInstanceOfAny(StreamNotFoundException.class, StreamDeletedException.class);
    }

    @Test
    void aBrokenQueryOrAThrowingHandlerFaultsTheProjectionWithTheReason() {
        Projections projections = open(false);
        projections.create("syntax", "fromAll().when({ $any: function (s, e) { ", false, false);
        projections.create("nosource", "{}", false, false);
        projections.create("throws", "fromAll().when({ $any(s, e) { throw new Error('boom'); } });", false, false);
        projections.create("endless", "fromAll().when({ $any(s, e) { while (true) {} } });", false, false);
        append("order-1", "Placed", "{}");
        for (String name : List.of("syntax", "nosource", "throws", "endless")) {
            await(() -> status(projections, name), "Faulted");
        }
        assertThat(reason(projections, "nosource")).contains("reads no source");
        assertThat(reason(projections, "throws")).contains("boom");
        assertThat(reason(projections, "endless")).contains("statements");
        projections.setEnabled("syntax", false);
        assertThat(status(projections, "syntax")).as("disabling a faulted projection stops it").isEqualTo("Stopped");
        projections.setEnabled("syntax", true);
        await(() -> status(projections, "syntax"), "Faulted");

        projections.update("throws", COUNT_ALL, null);
        await(() -> projections.state("throws", ""), "{\"count\":1}");
        assertThat(status(projections, "throws")).isEqualTo("Running");
    }

    private List<RecordedEvent> awaitEvents(String stream, int count) {
        return WrittenStreams.awaitEvents(store, stream, count, PATIENCE);
    }

    private List<RecordedEvent> events(String stream) {
        return WrittenStreams.events(store, stream);
    }

    private static String status(Projections projections, String name) {
        return statistics(projections, name).status();
    }

    private static String reason(Projections projections, String name) {
        return statistics(projections, name).faultReason();
    }

    private static Projections.Statistics statistics(Projections projections, String name) {
        return projections.statistics().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private RecordedEvent last(String stream) {
        return store.readStreamToList(StreamName.of(stream), ReadStreamOptions.backwards().maxCount(1)).get(0).event();
    }

    private static void await(Supplier<String> actual, String expected) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String value = actual.get();
        while (!expected.equals(value) && System.nanoTime() < deadline) {
            WrittenStreams.sleep(20);
            value = actual.get();
        }
        assertThat(value).isEqualTo(expected);
    }
}
