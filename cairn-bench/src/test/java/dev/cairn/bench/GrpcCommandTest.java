package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench grpc} end to end with tiny settings (about ten seconds, most of it starting and
 * stopping nodes), so that the command, the in-process node and the official client keep working
 * together; the figures are not checked.
 */
class GrpcCommandTest {

    @Test
    void runsEveryWorkloadOnBothSidesAndReadsBack(@TempDir Path dir) throws Exception {
        BenchRun run = BenchRun.of("grpc", "--dir", dir.toString(), "--seconds", "0.3", "--warmup", "0.1",
                "--jvm-warmup", "0", "--connections", "1,2", "--batches", "3", "--streams", "5", "--segment-mib", "1",
                "--read-rounds", "1");
        String report = run.out();

        assertThat(run.exit()).isZero();
        // one line per side and workload: connections, events per append, side, events/s, ...
        assertThat(report).containsPattern("(?m)^1 +3 +embedded +[\\d,]+ ")
                .containsPattern("(?m)^1 +3 +grpc +[\\d,]+ ")
                .containsPattern("(?m)^2 +3 +embedded +[\\d,]+ ")
                .containsPattern("(?m)^2 +3 +grpc +[\\d,]+ ")
                .contains("$all forwards", "every stream fully")
                .doesNotContain("MISMATCH");
        try (var left = Files.list(dir)) {
            assertThat(left).as("stores are deleted at the end").isEmpty();
        }
    }
}
