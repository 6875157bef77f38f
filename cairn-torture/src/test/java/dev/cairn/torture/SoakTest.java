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
        assertThat(output.toString().lines()
                .filter(l -> l.matches("\\s*\\d+ s .*ops/s.*heap .*rss anon .*fds .* segments .*"))).hasSize(10);
        assertThat(output.toString()).contains("soak: violations: 0");
    }

    @Test
    void aTrendBeyondTheAllowanceIsAViolationButNoiseIsNot() {
        // warm-up (ignored), four baseline samples (their highest counts), then five more
        java.util.function.IntFunction<Soak.Sample> normal = i -> new Soak.Sample(i, 100, 2, i % 2 == 0 ? 10 : 30, 40,
                i % 2 == 0 ? 40 : 60, 300, 50 + i, i % 2 == 0 ? 120 : 136, i, 40);
        List<Soak.Sample> steady = new java.util.ArrayList<>();
        steady.add(new Soak.Sample(0, 10, 50, 900, 1200, 5, 200, 10, 60, 0, 30));
        for (int i = 1; i < 10; i++) {
            steady.add(normal.apply(i));
        }
        assertThat(Soak.flatness(steady)).as("noise within the baseline, segments growing, a slow warm-up").isEmpty();

        assertThat(Soak.flatness(withEnd(steady, e -> new Soak.Sample(e.atSeconds(), 100, 2, 10, 40, 40, 300, 60,
                160, 9, 40)))).singleElement().asString().contains("file descriptors").contains("from at most 136");
        assertThat(Soak.flatness(withEnd(steady, e -> new Soak.Sample(e.atSeconds(), 100, 2, 10, 40, 40, 300, 60,
                120, 9, 70)))).singleElement().asString().contains("threads grew");
        assertThat(Soak.flatness(withEnd(steady, e -> new Soak.Sample(e.atSeconds(), 100, 2, 10, 40, 200, 300, 60,
                120, 9, 40)))).singleElement().asString().contains("heap after GC (MiB) grew from at most 60");
        List<Soak.Sample> slow = new java.util.ArrayList<>(steady);
        slow.set(9, new Soak.Sample(9, 100, 2, 500, 900, 40, 300, 60, 120, 9, 40));
        assertThat(Soak.flatness(slow)).singleElement().asString().contains("p99 latency drifted");
        List<Soak.Sample> blip = new java.util.ArrayList<>(steady);
        blip.set(8, new Soak.Sample(8, 100, 2, 10, 40, 40, 300, 60, 200, 9, 40));
        assertThat(Soak.flatness(blip)).as("one high sample among the last three is noise").isEmpty();
    }

    /** {@code samples} with its last three replaced by {@code end} of each. */
    private static List<Soak.Sample> withEnd(List<Soak.Sample> samples,
            java.util.function.UnaryOperator<Soak.Sample> end) {
        List<Soak.Sample> changed = new java.util.ArrayList<>(samples);
        for (int i = changed.size() - 3; i < changed.size(); i++) {
            changed.set(i, end.apply(changed.get(i)));
        }
        return changed;
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
