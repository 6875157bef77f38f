package dev.cairn.engine.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's embedded quickstart and checks the README shows exactly that code. */
class QuickstartTest {

    @Test
    void runsAsTheReadmeSays(@TempDir Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Quickstart.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "appended up to revision 1",
                "refused: wrong expected version for stream 'order-42': expected revision 0, actual revision 1",
                "0 OrderPlaced {\"total\": 99.5}",
                "1 OrderPaid {\"method\": \"card\"}");
    }

    @Test
    void readmeShowsTheQuickstartCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/cairn/engine/example/Quickstart.java"));
        String body = source.substring(source.indexOf("// quickstart:begin") + "// quickstart:begin".length(),
                source.indexOf("// quickstart:end"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(normalize(readme)).contains(normalize(body));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
