package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings no workload can run with are refused with one clear line and exit code 2, before any figure. */
class BadSettingsTest {

    @Test
    void zeroClientsAreRefused(@TempDir Path dir) {
        BenchRun run = BenchRun.of("write", "--clients", "0", "--seconds", "1", "--dir", dir.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("cairn bench write: clients and events per append must be at least 1, were 0")
                .doesNotContain("\tat ");
        assertThat(run.out()).as("refused before a store is opened").isEmpty();
    }

    @Test
    void aNegativeWarmUpIsRefused(@TempDir Path dir) {
        BenchRun run = BenchRun.of("write", "--warmup", "-1", "--seconds", "1", "--dir", dir.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("the warm-up not negative").doesNotContain("\tat ");
    }

    @Test
    void aNegativeReadWarmUpIsRefused(@TempDir Path dir) {
        BenchRun compare = BenchRun.of("compare", "--read-warmup", "-1", "--seconds", "1", "--dir", dir.toString());
        BenchRun ceiling = BenchRun.of("client-ceiling", "--read-warmup", "-1", "--seconds", "1", "--dir",
                dir.toString());

        for (BenchRun run : new BenchRun[] {compare, ceiling}) {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--read-warmup").contains("negative").doesNotContain("\tat ");
            assertThat(run.out()).as("refused before anything is measured").isEmpty();
        }
    }
}
