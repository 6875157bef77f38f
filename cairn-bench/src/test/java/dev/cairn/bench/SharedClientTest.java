package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.NodeProcess;
import io.kurrent.dbclient.KurrentDBClient;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --shared-client}: gRPC writers append through one client only when asked to. */
class SharedClientTest {

    @Test
    void writersShareOneClientOnlyWhenAsked(@TempDir Path dir) throws Exception {
        NodeProcess node = NodeProcess.start(dir.resolve("node"), dir.resolve("node.log"), 1 << 20, List.of());
        try {
            List<KurrentDBClient> shared = GrpcTarget.connect(node.connectionString(), true).writerClients(4);
            assertThat(shared).hasSize(4);
            assertThat(distinct(shared)).hasSize(1);
            GrpcNode.shutdown(shared.subList(0, 1));

            List<KurrentDBClient> own = GrpcTarget.connect(node.connectionString(), false).writerClients(3);
            assertThat(distinct(own)).hasSize(3);
            GrpcNode.shutdown(own);

            BenchRun run = BenchRun.of("write", "--target", "grpc", "--connect", node.connectionString(),
                    "--shared-client", "--clients", "4", "--count", "40", "--warmup", "0");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("one official KurrentDB Java client (io.kurrent:kurrentdb-client) shared by "
                    + "all writer threads, hence one connection").contains("40 appends (40 events)");
        } finally {
            assertThat(node.stop()).isZero();
        }
    }

    @Test
    void aSharedClientGoesWithTheGrpcTargetOnly(@TempDir Path dir) {
        BenchRun run = BenchRun.of("write", "--target", "embedded", "--shared-client", "--count", "1", "--dir",
                dir.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--shared-client goes with --target grpc").doesNotContain("\tat ");
    }

    private static Set<KurrentDBClient> distinct(List<KurrentDBClient> clients) {
        Set<KurrentDBClient> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(clients);
        return set;
    }
}
