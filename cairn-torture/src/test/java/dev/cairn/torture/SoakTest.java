package dev.cairn.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brief soak in the build (the real one is {@code ./cairn torture --soak 10m}): ten samples of
 * the node under steady load, everything verified at the end; and the rules that decide what
 * "flat" means.
 */
class SoakTest {

    @TempDir
    Path tmp;

    @Test
    void aShortSoakSamplesTheNodeTenTimesAndVerifiesEverything() {
        StringWriter output = new StringWriter();
        int exit = new picocli.CommandLine(new Main()).setOut(new PrintWriter(output, true))
                .setErr(new PrintWriter(output, true))
                .execute("--soak", "15s", "--writers", "2", "--subscribers", "1", "--db", tmp.resolve("db").toString());
        System.out.println(output);
        assertThat(exit).as("exit code; output:%n%s", output).isZero();
        assertThat(output.toString().lines().filter(l -> l.matches("\\s*\\d+ s .*ops/s.*heap .*rss anon .*fds .*"))).hasSize(10);
        assertThat(output.toString()).contains("soak: violations: 0");
    }

    @Test
    void growthBeyondTheAllowanceIsAViolation() {
        Soak.Sample first = new Soak.Sample(1, 100, 2, 10, 20, 40, 200, 50, 120, 40);
        assertThat(Soak.flatness(List.of(first, new Soak.Sample(10, 100, 2, 30, 50, 100, 260, 400, 130, 50)))).isEmpty();
        assertThat(Soak.flatness(List.of(first, new Soak.Sample(10, 100, 2, 10, 20, 40, 200, 50, 200, 40))))
                .singleElement().asString().contains("file descriptors grew from 120 to 200");
        assertThat(Soak.flatness(List.of(first, new Soak.Sample(10, 100, 2, 10, 20, 40, 200, 50, 120, 80))))
                .singleElement().asString().contains("threads grew");
        assertThat(Soak.flatness(List.of(first, new Soak.Sample(10, 100, 2, 10, 20, 200, 400, 50, 120, 40))))
                .singleElement().asString().contains("heap after GC grew from 40 MiB to 200 MiB");
        assertThat(Soak.flatness(List.of(first, new Soak.Sample(10, 100, 2, 500, 900, 40, 200, 50, 120, 40))))
                .singleElement().asString().contains("p99 latency drifted");
    }

    @Test
    void durationsAreWholeNumbersOfSecondsMinutesOrHours() {
        assertThat(Main.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Main.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Main.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Main.parseDuration("10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Main.parseDuration("0m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Main.parseDuration("1.5h")).isInstanceOf(IllegalArgumentException.class);
    }
}
