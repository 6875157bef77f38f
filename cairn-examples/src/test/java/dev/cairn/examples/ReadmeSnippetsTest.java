package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.CairnServer;
import dev.cairn.test.CairnExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's client and toolkit snippets and checks the README shows exactly that code. */
@ExtendWith(CairnExtension.class)
class ReadmeSnippetsTest {

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void theClientSnippetRunsAgainstANode(@TempDir Path dir) throws Exception {
        CairnOptions options = CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(1L << 20)
                .maxAppendSize(4L << 20).build();
        CairnServer server = CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(), options.maxEventSize());
        try {
            ReadmeSnippets.client("kurrentdb://127.0.0.1:" + server.port() + "?tls=false", out);
        } finally {
            server.stop();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "got OrderPlaced at revision 0",
                "refused: expected no stream, actual revision 0");
    }

    @Test
    void theToolkitSnippetRuns(EventStore store) {
        ReadmeSnippets.toolkit(store, out);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "refused: light hall is already on",
                "on: true, version 0");
    }

    @Test
    void theReadmeShowsBothSnippets() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/cairn/examples/ReadmeSnippets.java"));
        String readme = normalize(Files.readString(Path.of("../README.md")));
        for (String name : new String[] {"client", "toolkit"}) {
            String begin = "// " + name + ":begin";
            String body = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("// " + name + ":end"));
            assertThat(readme).as(name + " snippet").contains(normalize(body));
        }
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
