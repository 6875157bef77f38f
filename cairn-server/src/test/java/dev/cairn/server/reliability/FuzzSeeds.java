package dev.cairn.server.reliability;

import dev.cairn.server.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the seed corpus of {@link StreamsFuzzTest}: the calls the official Java client makes on
 * the streams services ({@link ClientTrafficRecorder}), in {@link FuzzRequests}' raw format, one
 * file per call. Run it again when the recorder or the client changes:
 * {@code java -cp <cairn-server test classpath> dev.cairn.server.reliability.FuzzSeeds
 * cairn-server/src/test/resources/dev/cairn/server/reliability/StreamsFuzzTestInputs/requests}.
 */
final class FuzzSeeds {

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("cairn-fuzz-seeds");
        int written = 0;
        try (TestNode node = TestNode.start(dir)) {
            List<ClientTrafficRecorder.Call> calls = ClientTrafficRecorder.record(node.server.store());
            for (ClientTrafficRecorder.Call call : calls) {
                if (FuzzRequests.METHODS.stream().noneMatch(m -> m.getFullMethodName()
                        .equals(call.method().getFullMethodName()))) {
                    continue; // not a streams method (server features, gossip)
                }
                if (call.requests().stream().anyMatch(r -> r.length > 0xffff)) {
                    continue;
                }
                String name = String.format("client-%02d-%s", written++, call.method().getBareMethodName());
                Files.write(out.resolve(name), FuzzRequests.encode(call.method(), call.requests()));
            }
        }
        System.out.println("wrote " + written + " seeds to " + out);
    }
}
