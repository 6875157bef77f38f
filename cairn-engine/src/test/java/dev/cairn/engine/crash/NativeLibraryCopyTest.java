package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that is killed leaves nothing in the temp directory: RocksDB unpacks its native library
 * there, and the copy is deleted as soon as it is loaded, not at a normal exit that a kill skips.
 */
class NativeLibraryCopyTest {

    @TempDir
    Path tmp;

    @Test
    void theUnpackedLibraryIsGoneWhileTheStoreWorksAndAfterAKill() throws Exception {
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Djava.io.tmpdir=" + javaTmp, "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), tmp.resolve("db").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(answer(out)).isEqualTo("child: open");
            assertThat(unpackedLibraries(javaTmp)).as("the unpacked library, while the store is open").isEmpty();

            PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
            in.println("go on");
            assertThat(answer(out)).as("RocksDB works after its file is gone").isEqualTo("child: read 2");

            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(unpackedLibraries(javaTmp)).as("after a kill").isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }

    /** The child's next answer, past the lines its logging writes to the same output. */
    private static String answer(BufferedReader out) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("child: ")) {
                return line;
            }
        }
        return null;
    }

    private static List<Path> unpackedLibraries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().startsWith("librocksdbjni")).toList();
        }
    }

    /** Run in a child JVM: opens a store, appends, says "open", waits for a line, appends and reads. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            EventStore store = Cairn.open(Path.of(args[0]));
            StreamName stream = StreamName.of("s");
            store.append(stream, StreamState.noStream(), List.of(EventData.json("E", "{}")));
            System.out.println("child: open");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            store.append(stream, StreamState.at(0), List.of(EventData.json("E", "{}")));
            System.out.println("child: read " + store.readStreamToList(stream, ReadStreamOptions.forwards()).size());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
