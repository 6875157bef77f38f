package dev.cairn.client.conformance;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The conformance suite against the embedded store ({@code Cairn.open}). */
class EmbeddedStoreContractTest {

    static EventStore store() {
        return Stores.embedded();
    }

    static EventStore another() {
        Path dir = Stores.tempDir("cairn-contract-another");
        return Cairn.open(Stores.options(dir));
    }

    @Nested
    class Appends extends AppendContract {
        @Override
        EventStore store() {
            return EmbeddedStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }

    @Nested
    class Reads extends ReadContract {
        @Override
        EventStore store() {
            return EmbeddedStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }

    @Nested
    class DeletesAndMetadata extends DeleteAndMetadataContract {
        @Override
        EventStore store() {
            return EmbeddedStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }

    @Nested
    class MultiStream extends MultiStreamContract {
        @Override
        EventStore store() {
            return EmbeddedStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }

    @Nested
    class Subscriptions extends SubscriptionContract {
        @Override
        EventStore store() {
            return EmbeddedStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }

    @Nested
    class PersistentSubscriptions extends PersistentSubscriptionContract {
        @Override
        EventStore store() {
            return EmbeddedStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }
}
