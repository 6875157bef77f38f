package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench memory} end to end with a tiny store and a short child run (a few seconds), so that
 * the fill, the child JVM and the heap report keep working; the figures are not checked.
 */
class MemoryCommandTest {

    @Test
    void fillsThenReportsTheChildsHeap(@TempDir Path dir) throws Exception {
        BenchRun run = BenchRun.of("memory", "--dir", dir.toString(), "--events", "2000", "--streams", "200", "--writers", "8",
                "--heap", "256m", "--seconds", "2", "--sample-seconds", "1", "--segment-mib", "4");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("fill: 2,000 events", "child: heap limit 256 MiB")
                .containsPattern("RESULT: ran 2 s under -Xmx256 MiB without OutOfMemoryError: live heap \\(after full GC\\) "
                        + "[\\d,]+ MiB after open, steady [\\d,]+ MiB");
        try (var left = Files.list(dir)) {
            assertThat(left).as("the store is deleted at the end").isEmpty();
        }
    }

    @Test
    void failsWhenTheChildRunsOutOfHeap(@TempDir Path dir) {
        // a node needs ~10 MiB of live heap just after open; 4 MiB cannot hold it
        BenchRun run = BenchRun.of("memory", "--dir", dir.toString(), "--events", "200", "--streams", "20", "--writers", "4",
                "--heap", "4m", "--seconds", "2", "--sample-seconds", "1", "--segment-mib", "4");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("RESULT: OutOfMemoryError: the node did not run in -Xmx4m")
                .doesNotContain("without OutOfMemoryError");
        assertThat(dir.resolve("store-memory")).as("the store is deleted at the end").doesNotExist();
    }

    @Test
    void refusesAFillThatCannotReachEveryStream(@TempDir Path dir) {
        BenchRun run = BenchRun.of("memory", "--dir", dir.toString(), "--events", "1000", "--streams", "200", "--batch", "10");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(dir.resolve("store-memory")).doesNotExist();
    }
}
