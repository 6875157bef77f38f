package dev.cairn.server.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's Java client quickstart against a node and checks the README shows it and the Node one. */
class ClientQuickstartTest {

    @Test
    void runsAsTheReadmeSays(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TestNode node = TestNode.start(dir)) {
            ClientQuickstart.run(node.port(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("0 OrderPlaced {\"total\": 99.5}");
    }

    @Test
    void readmeShowsTheQuickstartCode() throws IOException {
        assertThat(normalize(Files.readString(Path.of("../README.md"))))
                .contains(normalize(quickstart("src/test/java/dev/cairn/server/example/ClientQuickstart.java")));
    }

    /** The Node quickstart is run by {@code NodeClientSmokeTest}, which installs the Node client. */
    @Test
    void readmeShowsTheNodeQuickstartCode() throws IOException {
        assertThat(normalize(Files.readString(Path.of("../README.md"))))
                .contains(normalize(quickstart("src/test/node/quickstart.mjs")));
    }

    /** The lines of a source file between its quickstart markers. */
    private static String quickstart(String file) throws IOException {
        String source = Files.readString(Path.of(file));
        int begin = source.indexOf("// quickstart:begin");
        int end = source.indexOf("// quickstart:end");
        assertThat(begin).as("quickstart markers in %s", file).isNotNegative().isLessThan(end);
        return source.substring(begin + "// quickstart:begin".length(), end);
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
