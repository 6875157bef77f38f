package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writers run on the kind of thread asked for, and `bench write --virtual-threads` appends from them. */
class WriteWorkloadTest {

    @Test
    void writersRunOnTheThreadsAskedFor() throws Exception {
        for (WriteWorkload.Callers callers : WriteWorkload.Callers.values()) {
            Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
            Set<String> names = ConcurrentHashMap.newKeySet();
            WriteWorkload.Target target = (writer, events) -> () -> {
                virtual.add(Thread.currentThread().isVirtual());
                names.add(Thread.currentThread().getName());
            };

            WriteWorkload.Result r = new WriteWorkload(target, callers).runCount(4, 1, 0, 200);

            assertThat(r.appends()).isEqualTo(200);
            assertThat(virtual).as(callers.name()).containsExactly(callers == WriteWorkload.Callers.VIRTUAL);
            assertThat(names).allMatch(n -> n.startsWith("bench-writer-"));
        }
    }

    @Test
    void writeOnVirtualThreadsAppendsToAnEmbeddedStore(@TempDir Path dir) {
        BenchRun run = BenchRun.of("write", "--target", "embedded", "--virtual-threads", "--clients", "16",
                "--count", "500", "--warmup", "0", "--dir", dir.toString());

        assertThat(run.exit()).isEqualTo(0);
        assertThat(run.out()).contains("16 clients x 1 events per append, each on a virtual thread")
                .contains("500 appends (500 events)");
    }
}
