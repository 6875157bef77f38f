package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventStore;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One store per data directory: a second open fails while the first is open, in this process and
 * in another one, and succeeds once the first is closed.
 */
class DirectoryLockTest extends StoreFixture {

    @Test
    void aSecondOpenFailsWhileTheFirstIsOpenAndSucceedsAfterClose() {
        seed("s", 2);

        assertThatThrownBy(() -> Cairn.open(options().build())).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> Cairn.open(options().build())).isInstanceOf(StoreUnavailableException.class);

        append("s", StreamState.at(1), event());
        assertThat(read("s")).as("the first store is unharmed").hasSize(3);
        store.close();
        store = null;
        try (EventStore second = Cairn.open(options().build())) {
            assertThat(second.readStreamToList(name("s"), dev.cairn.api.ReadStreamOptions.forwards())).hasSize(3);
        }
        store = Cairn.open(options().build());
    }

    @Test
    void aFailedSecondOpenKeepsTheLockAgainstOtherProcesses() throws Exception {
        assertThat(lockedByAnotherProcess()).isTrue();

        assertThatThrownBy(() -> Cairn.open(options().build())).isInstanceOf(StoreUnavailableException.class);

        assertThat(lockedByAnotherProcess()).as("still locked after a failed second open").isTrue();
        store.close();
        store = null;
        assertThat(lockedByAnotherProcess()).isFalse();
    }

    /** Whether a fresh JVM finds the directory's lock held. */
    private boolean lockedByAnotherProcess() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), dir.resolve("LOCK").toString())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        assertThat(output).isIn("busy", "free");
        return output.equals("busy");
    }

    /** Run in a child JVM: prints whether the lock file is locked by someone else. */
    static final class LockProbe {
        public static void main(String[] args) throws IOException {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                System.out.println(lock == null ? "busy" : "free");
            }
        }
    }
}
