package dev.cairn.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.Acl;
import dev.cairn.api.EventStore;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.server.SecureTestNode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what on a secure node, over the wire with the official Java client: five callers
 * (anonymous, an ordinary user, a user in a custom group, {@code ops}, {@code admin}) times every
 * stream operation times five kinds of target (a user stream, a system stream, {@code $all}, a
 * metadata stream, a stream with its own {@code $acl}). The expected outcome of every cell is
 * written down in {@link #MATRIX}; a denied call must answer PERMISSION_DENIED with
 * {@code exception=access-denied} and leave the target as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

    /**
     * {@code +} allowed, {@code -} denied. The custom stream's ACL: read and metadata read for the
     * group {@code readers} (rita), write for the user olivia, delete and metadata write for
     * {@code $admins}. Everything else follows KurrentDB's defaults: user streams for every
     * authenticated user, system streams and {@code $all} for administrators; anonymous callers
     * may use no stream.
     */
    static final String MATRIX = """
            target          operation        anonymous olivia rita ops admin
            user-stream     append           -         +      +    +   +
            user-stream     multi-append     -         +      +    +   +
            user-stream     read             -         +      +    +   +
            user-stream     subscribe        -         +      +    +   +
            user-stream     read-metadata    -         +      +    +   +
            user-stream     write-metadata   -         +      +    +   +
            user-stream     delete           -         +      +    +   +
            user-stream     tombstone        -         +      +    +   +
            system-stream   append           -         -      -    -   +
            system-stream   multi-append     -         -      -    -   +
            system-stream   read             -         -      -    -   +
            system-stream   subscribe        -         -      -    -   +
            system-stream   read-metadata    -         -      -    -   +
            system-stream   write-metadata   -         -      -    -   +
            system-stream   delete           -         -      -    -   +
            system-stream   tombstone        -         -      -    -   +
            $all            read             -         -      -    -   +
            $all            subscribe        -         -      -    -   +
            metadata-stream read             -         +      +    +   +
            metadata-stream append           -         +      +    +   +
            metadata-stream subscribe        -         +      +    +   +
            custom-acl      append           -         +      -    -   +
            custom-acl      multi-append     -         +      -    -   +
            custom-acl      read             -         -      +    -   +
            custom-acl      subscribe        -         -      +    -   +
            custom-acl      read-metadata    -         -      +    -   +
            custom-acl      write-metadata   -         -      -    -   +
            custom-acl      delete           -         -      -    -   +
            custom-acl      tombstone        -         -      -    -   +
            """;

    private static final Acl CUSTOM_ACL = new Acl(List.of("readers"), List.of("olivia"), List.of(Principal.ADMINS),
            List.of("readers"), List.of(Principal.ADMINS));
    private static final Metadata.Key<String> EXCEPTION = Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER);

    enum Who {
        ANONYMOUS(null, null), OLIVIA("olivia", "olivia-pw"), RITA("rita", "rita-pw"), OPS("ops", "changeit"),
        ADMIN("admin", "changeit");

        final String login;
        final String password;

        Who(String login, String password) {
            this.login = login;
            this.password = password;
        }
    }

    SecureTestNode node;
    EventStore store;
    final Map<Who, KurrentDBClient> clients = new EnumMap<>(Who.class);

    @BeforeAll
    void start(@TempDir Path dir) {
        node = SecureTestNode.start(dir);
        store = node.server.store(); // the node's own store: setting up and checking, unchecked
        Principal admin = node.security.authenticate("admin", "changeit");
        node.security.users(admin).createUser("olivia", "Olivia", List.of(), "olivia-pw");
        node.security.users(admin).createUser("rita", "Rita", List.of("readers"), "rita-pw");
        for (Who who : Who.values()) {
            clients.put(who, node.client(who.login, who.password));
        }
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static EventData event() {
        return EventDataBuilder.json("Tested", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A fresh stream of the target's kind with one event (and, for custom-acl, its ACL). */
    private String prepare(String target) {
        String base = "matrix-" + UUID.randomUUID();
        String stream = switch (target) {
            case "system-stream" -> "$" + base;
            case "user-stream", "custom-acl", "metadata-stream" -> base;
            default -> throw new IllegalArgumentException(target);
        };
        store.append(stream, dev.cairn.api.StreamState.any(), dev.cairn.api.EventData.json("Seeded", "{}"));
        StreamMetadata metadata = StreamMetadata.EMPTY.withMaxCount(1000L);
        if (target.equals("custom-acl")) {
            metadata = metadata.withAcl(CUSTOM_ACL);
        }
        store.setStreamMetadata(StreamName.of(stream), dev.cairn.api.StreamState.any(), metadata);
        return target.equals("metadata-stream") ? "$$" + stream : stream;
    }

    private long events(String stream) {
        return store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards()).size();
    }

    /** Runs one cell; true when allowed, false when denied as KurrentDB denies. */
    private boolean run(Who who, String target, String operation) throws Exception {
        KurrentDBClient client = clients.get(who);
        if (target.equals("$all")) {
            return outcome(switch (operation) {
                case "read" -> client.readAll(ReadAllOptions.get().maxCount(1));
                case "subscribe" -> subscription(l -> client.subscribeToAll(l));
                default -> throw new IllegalArgumentException(operation);
            });
        }
        String stream = prepare(target);
        String described = stream.startsWith("$$") ? stream.substring(2) : stream;
        StreamMetadata before = store.getStreamMetadata(StreamName.of(described)).metadata();
        boolean allowed = outcome(switch (operation) {
            case "append" -> stream.startsWith("$$")
                    ? client.appendToStream(stream, EventDataBuilder.json("$metadata",
                            "{\"$maxCount\": 7}".getBytes(StandardCharsets.UTF_8)).build())
                    : client.appendToStream(stream, event());
            case "multi-append" -> client.multiStreamAppend(List.of(new AppendStreamRequest(stream,
                    List.of(event()).iterator(), StreamState.any())).iterator());
            case "read" -> client.readStream(stream, io.kurrent.dbclient.ReadStreamOptions.get());
            case "subscribe" -> subscription(l -> client.subscribeToStream(stream, l));
            case "read-metadata" -> client.getStreamMetadata(stream);
            case "write-metadata" -> client.setStreamMetadata(stream, new io.kurrent.dbclient.StreamMetadata());
            case "delete" -> client.deleteStream(stream);
            case "tombstone" -> client.tombstoneStream(stream);
            default -> throw new IllegalArgumentException(operation);
        });
        if (!allowed) {
            // nothing was written: the stream, its events and its metadata are as prepared
            assertThat(events(described)).as("events of %s after a denied %s", described, operation).isEqualTo(1);
            assertThat(store.getStreamMetadata(StreamName.of(described)).metadata())
                    .as("metadata of %s after a denied %s", described, operation).isEqualTo(before);
        }
        return allowed;
    }

    private boolean outcome(CompletableFuture<?> call) throws Exception {
        try {
            call.get(30, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                    assertThat(s.getTrailers().get(EXCEPTION)).isEqualTo("access-denied");
                    return false;
                }
            }
            throw e;
        }
    }

    private interface Subscribe {
        CompletableFuture<Subscription> start(SubscriptionListener listener);
    }

    /** Completes when the subscription is confirmed (then stops it); fails as it fails. */
    private static CompletableFuture<Void> subscription(Subscribe subscribe) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        SubscriptionListener listener = new SubscriptionListener() {
            @Override
            public void onConfirmation(Subscription subscription) {
                subscription.stop();
                confirmed.complete(null);
            }

            @Override
            public void onCancelled(Subscription subscription, Throwable error) {
                if (error != null) {
                    confirmed.completeExceptionally(error);
                } else {
                    confirmed.complete(null);
                }
            }
        };
        subscribe.start(listener).whenComplete((s, error) -> {
            if (error != null) {
                confirmed.completeExceptionally(error);
            }
        });
        return confirmed;
    }

    @Test
    void everyCallerGetsWhatTheMatrixSays() throws Exception {
        List<String> lines = MATRIX.lines().filter(l -> !l.isBlank()).toList();
        List<String> mismatches = new ArrayList<>();
        int cells = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            for (Who who : Who.values()) {
                boolean expected = f[2 + who.ordinal()].equals("+");
                boolean actual = run(who, f[0], f[1]);
                cells++;
                if (actual != expected) {
                    mismatches.add(who + " " + f[0] + " " + f[1] + ": " + (actual ? "allowed" : "denied"));
                }
            }
        }
        assertThat(mismatches).as("cells that differ from the matrix").isEmpty();
        assertThat(cells).isEqualTo(29 * 5);
    }

    @Test
    void aMultiStreamAppendIsDeniedWhenAnyStreamIsAndWritesNothing() throws Exception {
        String mine = prepare("user-stream");
        String system = prepare("system-stream");
        boolean allowed = outcome(clients.get(Who.OLIVIA).multiStreamAppend(List.of(
                new AppendStreamRequest(mine, List.of(event()).iterator(), StreamState.any()),
                new AppendStreamRequest(system, List.of(event()).iterator(), StreamState.any())).iterator()));
        assertThat(allowed).isFalse();
        assertThat(events(mine)).isEqualTo(1);
        assertThat(events(system)).isEqualTo(1);
    }
}
