package dev.cairn.server.reliability;

import com.google.protobuf.Message;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.cairn.api.EventStore;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.server.grpc.GossipService;
import dev.cairn.server.grpc.ServerFeaturesService;
import dev.cairn.server.grpc.StreamsService;
import dev.cairn.server.grpc.V2StreamsService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records the requests the official Java client really sends: the Cairn services over a store,
 * served with an interceptor that keeps every request message per call, and the client driven
 * through appends (single, batch, with each kind of expected state), reads of a stream and of
 * {@code $all} (filtered), subscriptions, deletes, tombstones, stream metadata and a multi-stream
 * append. The recorded calls seed the fuzzer's mutations. Not thread-safe; use once.
 */
final class ClientTrafficRecorder {

    /** The streams service's methods as generated, for the calls recorded as bytes. */
    private static final Map<String, MethodDescriptor<?, ?>> GENERATED = new LinkedHashMap<>();

    static {
        StreamsGrpc.getServiceDescriptor().getMethods().forEach(m -> GENERATED.put(m.getFullMethodName(), m));
    }

    /** One recorded call: its method and its request messages in order. */
    record Call(MethodDescriptor<?, ?> method, List<byte[]> requests) {
    }

    private final List<Call> calls = new ArrayList<>();

    /** Drives the official client against {@code store} and returns the calls it made. */
    static List<Call> record(EventStore store) throws Exception {
        ClientTrafficRecorder recorder = new ClientTrafficRecorder();
        Server server = Server.builder().http(0)
                .service(GrpcService.builder()
                        // as bytes: Append's requests are not all generated messages (AppendReqDecoder)
                        .addService(ServerInterceptors.useMarshalledMessages(
                                new StreamsService(store, 4 << 20, 1 << 20, 100).definition(), RawCalls.RAW))
                        .addService(new V2StreamsService(store))
                        .addService(new ServerFeaturesService())
                        .addService(new GossipService(Clock.systemUTC()))
                        .intercept(recorder.interceptor())
                        .useBlockingTaskExecutor(true)
                        .build())
                .build();
        server.start().join();
        KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(
                "kurrentdb://127.0.0.1:" + server.activeLocalPort() + "?tls=false"));
        try {
            drive(client);
        } finally {
            client.shutdown().get(10, TimeUnit.SECONDS);
            server.stop().join();
        }
        synchronized (recorder.calls) {
            return recorder.calls.stream().filter(c -> !c.requests().isEmpty()).toList();
        }
    }

    private static EventData event(String type) {
        return EventData.builderAsJson(type, "{\"total\":42,\"lines\":[1,2]}".getBytes(StandardCharsets.UTF_8))
                .metadataAsBytes("{\"$correlationId\":\"c-1\"}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static void drive(KurrentDBClient client) throws Exception {
        String s = "h-recorded-" + java.util.UUID.randomUUID();
        client.appendToStream(s, AppendToStreamOptions.get().streamState(StreamState.noStream()), event("Placed"))
                .get(10, TimeUnit.SECONDS);
        client.appendToStream(s, AppendToStreamOptions.get().streamState(StreamState.streamRevision(0)),
                event("Paid"), event("Shipped"), event("Delivered")).get(10, TimeUnit.SECONDS);
        client.appendToStream(s, AppendToStreamOptions.get().streamState(StreamState.streamExists()),
                EventData.builderAsBinary("Blob", new byte[] {1, 2, 3}).build()).get(10, TimeUnit.SECONDS);
        client.appendToStream(s + "-any", AppendToStreamOptions.get().streamState(StreamState.any()), event("A"))
                .get(10, TimeUnit.SECONDS);
        client.readStream(s, ReadStreamOptions.get().forwards().fromStart().maxCount(10)).get(10, TimeUnit.SECONDS);
        client.readStream(s, ReadStreamOptions.get().backwards().fromEnd().resolveLinkTos()).get(10, TimeUnit.SECONDS);
        client.readAll(ReadAllOptions.get().forwards().fromStart().maxCount(20)).get(10, TimeUnit.SECONDS);
        StreamMetadata metadata = new StreamMetadata();
        metadata.setMaxCount(100L);
        client.setStreamMetadata(s, metadata).get(10, TimeUnit.SECONDS);
        var streamSub = client.subscribeToStream(s, new SubscriptionListener() { },
                SubscribeToStreamOptions.get().fromRevision(1)).get(10, TimeUnit.SECONDS);
        var allSub = client.subscribeToAll(new SubscriptionListener() { }, SubscribeToAllOptions.get().fromStart()
                .filter(SubscriptionFilter.newBuilder().addStreamNamePrefix("h-").build())).get(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        streamSub.stop();
        allSub.stop();
        client.multiStreamAppend(List.of(
                new AppendStreamRequest(s + "-m1", List.of(event("M1")).iterator(), StreamState.noStream()),
                new AppendStreamRequest(s + "-m2", List.of(event("M2")).iterator(), StreamState.any())).iterator())
                .get(10, TimeUnit.SECONDS);
        client.deleteStream(s + "-any", DeleteStreamOptions.get().streamState(StreamState.streamRevision(0)))
                .get(10, TimeUnit.SECONDS);
        client.tombstoneStream(s + "-m2", DeleteStreamOptions.get().streamState(StreamState.any()))
                .get(10, TimeUnit.SECONDS);
    }

    private ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                List<byte[]> requests = java.util.Collections.synchronizedList(new ArrayList<>());
                MethodDescriptor<?, ?> method = GENERATED.getOrDefault(call.getMethodDescriptor().getFullMethodName(),
                        call.getMethodDescriptor());
                synchronized (calls) {
                    calls.add(new Call(method, requests));
                }
                ServerCall.Listener<Q> listener = next.startCall(call, headers);
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                    @Override
                    public void onMessage(Q message) {
                        requests.add(message instanceof byte[] bytes ? bytes : ((Message) message).toByteArray());
                        super.onMessage(message);
                    }
                };
            }
        };
    }

    /** How many calls of each method were recorded, for the test's report. */
    static Map<String, Integer> census(List<Call> calls) {
        Map<String, Integer> census = new LinkedHashMap<>();
        calls.forEach(c -> census.merge(c.method().getBareMethodName(), 1, Integer::sum));
        return census;
    }
}
