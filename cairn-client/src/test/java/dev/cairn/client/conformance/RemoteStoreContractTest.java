package dev.cairn.client.conformance;

import dev.cairn.api.EventStore;
import dev.cairn.client.CairnClient;
import org.junit.jupiter.api.Nested;

/** The conformance suite against {@code CairnClient} talking to a node in this JVM. */
class RemoteStoreContractTest {

    static EventStore store() {
        return Stores.remote().client();
    }

    /** Another client of the same node: closing it leaves the shared client and the node running. */
    static EventStore another() {
        return CairnClient.connect(Stores.Remote.connectionString(Stores.remote().server().port()));
    }

    @Nested
    class Appends extends AppendContract {
        @Override
        EventStore store() {
            return RemoteStoreContractTest.store();
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
            return RemoteStoreContractTest.store();
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
            return RemoteStoreContractTest.store();
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
            return RemoteStoreContractTest.store();
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
            return RemoteStoreContractTest.store();
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
            return RemoteStoreContractTest.store();
        }

        @Override
        EventStore openAnother() {
            return another();
        }
    }
}
