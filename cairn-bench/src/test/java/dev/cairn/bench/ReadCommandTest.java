package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.NodeProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench read --rounds} and {@code --also-connect}: the reads repeated, and alternated between nodes. */
class ReadCommandTest {

    private static final Pattern ROUND = Pattern.compile(
            "round (\\d+):  A read-stream ([0-9,]+) read-all ([0-9,]+)  B read-stream ([0-9,]+) read-all ([0-9,]+)  \\(events/s\\)");

    @Test
    void roundsReadTheTargetAndEachOtherNodeInTurn(@TempDir Path dir) throws Exception {
        NodeProcess other = NodeProcess.start(dir.resolve("other"), dir.resolve("other.log"), 1 << 20, List.of());
        try {
            BenchRun run = BenchRun.of("read", "--target", "grpc", "--dir", dir.resolve("bench").toString(),
                    "--segment-mib", "1", "--read-streams", "4", "--stream-events", "10", "--all-events", "200",
                    "--rounds", "3", "--also-connect", other.connectionString());

            assertThat(run.exit()).as(run.err()).isZero();
            // each node got a read set of its own, so each read exactly the events written for it
            // (ReadSet.readOnce fails otherwise), in every round
            Matcher round = ROUND.matcher(run.out());
            int rounds = 0;
            while (round.find()) {
                assertThat(round.group(1)).isEqualTo(String.valueOf(rounds));
                for (int g = 2; g <= 5; g++) {
                    assertThat(Long.parseLong(round.group(g).replace(",", ""))).isPositive();
                }
                rounds++;
            }
            assertThat(rounds).isEqualTo(3);
            assertThat(run.out()).contains("B = grpc: the node at " + other.connectionString())
                    .containsPattern("median read-stream, rounds 1-2:  A [0-9,]+  B [0-9,]+ \\([0-9.]+x A, ahead in \\d of 2\\)")
                    .containsPattern("median read-all, rounds 1-2:  A [0-9,]+  B [0-9,]+ \\([0-9.]+x A, ahead in \\d of 2\\)");
        } finally {
            assertThat(other.stop()).isZero();
        }
    }

    @Test
    void fewerThanOneRoundIsRefused(@TempDir Path dir) {
        BenchRun run = BenchRun.of("read", "--dir", dir.toString(), "--rounds", "0");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("--rounds must be at least 1").doesNotContain("\tat ");
    }
}
