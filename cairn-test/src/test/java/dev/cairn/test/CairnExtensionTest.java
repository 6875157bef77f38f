package dev.cairn.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.streams.EmbeddedEventStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** Runs a sample test class with the extension and checks each test got its own store, removed after. */
class CairnExtensionTest {

    static final List<Path> DIRECTORIES = new CopyOnWriteArrayList<>();
    static final List<String> FAILURES = new CopyOnWriteArrayList<>();

    @ExtendWith(CairnExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Sample {
        EventStore fromBeforeEach;

        @BeforeEach
        void open(EventStore store) {
            fromBeforeEach = store;
        }

        @Test
        @Order(1)
        void writes(EventStore store) {
            DIRECTORIES.add(((EmbeddedEventStore) store).options().directory());
            if (store != fromBeforeEach) {
                FAILURES.add("the test and its @BeforeEach got different stores");
            }
            store.append("dogs-1", StreamState.noStream(), EventData.json("DogRegistered", "{}"));
        }

        @Test
        @Order(2)
        void startsEmpty(EventStore store) {
            DIRECTORIES.add(((EmbeddedEventStore) store).options().directory());
            try {
                store.readStreamToList(StreamName.of("dogs-1"), ReadStreamOptions.forwards());
                FAILURES.add("the second test saw the first test's events");
            } catch (StreamNotFoundException expected) {
                // a fresh store
            }
        }
    }

    @Test
    void eachTestGetsAFreshStoreThatIsDeletedAfterwards() {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Sample.class))
                .build(), summary);

        assertThat(summary.getSummary().getFailures()).isEmpty();
        assertThat(summary.getSummary().getTestsSucceededCount()).isEqualTo(2);
        assertThat(FAILURES).isEmpty();
        assertThat(DIRECTORIES).hasSize(2).doesNotHaveDuplicates();
        assertThat(DIRECTORIES).allSatisfy(dir -> assertThat(Files.exists(dir)).as(dir + " deleted").isFalse());
    }
}
