package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench client-ceiling} end to end with tiny settings, so that the null server, the node in
 * its own process and the official client keep working together, on appends and reads; the
 * figures are not checked.
 */
class ClientCeilingCommandTest {

    @Test
    void measuresTheClientAgainstTheNullServerAndANode(@TempDir Path dir) throws Exception {
        BenchRun run = BenchRun.of("client-ceiling", "--dir", dir.toString(), "--clients", "2", "--batches", "1,3",
                "--seconds", "0.5", "--warmup", "0.2", "--jvm-warmup", "0.4", "--read-streams", "20",
                "--read-stream-events", "10", "--read-all-events", "500");
        String report = run.out();

        assertThat(run.exit()).isZero();
        // clients, batch, server, events/s, p50, p99, and for the node its share of the ceiling
        assertThat(report).containsPattern("(?m)^2 +1 +null +[\\d,]+ ")
                .containsPattern("(?m)^2 +1 +cairn +[\\d,]+ .* [\\d.]+x$")
                .containsPattern("(?m)^2 +3 +null +[\\d,]+ ")
                .containsPattern("(?m)^2 +3 +cairn +[\\d,]+ .* [\\d.]+x$")
                // and the reads: each server read the whole read set (ReadSet checks the counts)
                .containsPattern("(?m)^read-stream +null +[\\d,]+ ")
                .containsPattern("(?m)^read-stream +cairn +[\\d,]+ .* [\\d.]+x$")
                .containsPattern("(?m)^read-all +null +[\\d,]+ ")
                .containsPattern("(?m)^read-all +cairn +[\\d,]+ .* [\\d.]+x$");
        try (var left = Files.list(dir)) {
            assertThat(left).as("the node's store and output are deleted at the end").isEmpty();
        }
    }
}
