package dev.cairn.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short torture CI runs: a few SIGKILL rounds under load from the official client, with the
 * whole verification after each restart. {@code -Dcairn.torture.seed} replays a run's choices
 * (the scheduling itself is not reproducible); {@code -Dcairn.torture.rounds} runs more.
 */
class TortureTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "rounds (\\d+), acknowledged (\\d+), verified (\\d+), lost (\\d+), partial (\\d+), persistent events "
                    + "(\\d+), delivered (\\d+), deliveries (\\d+), redelivered (\\d+), undelivered (\\d+), phantom (\\d+)");

    @TempDir
    Path tmp;

    @Test
    void aNodeKilledUnderLoadLosesNothingAcknowledgedAndShowsNothingHalfWritten() {
        long seed = Long.getLong("cairn.torture.seed", System.nanoTime());
        int rounds = Integer.getInteger("cairn.torture.rounds", 3);
        StringWriter output = new StringWriter();
        int exit = new picocli.CommandLine(new Main()).setOut(new PrintWriter(output, true))
                .setErr(new PrintWriter(output, true))
                .execute("--rounds", Integer.toString(rounds), "--seconds", "5", "--writers", "3",
                        "--subscribers", "2", "--persistent", "2", "--seed", Long.toString(seed), "--db", tmp.resolve("db").toString());
        System.out.println(output);
        assertThat(exit).as("exit code; output:%n%s", output).isZero();
        Matcher m = SUMMARY.matcher(output.toString());
        assertThat(m.find()).as("summary line in:%n%s", output).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(rounds);
        long acknowledged = Long.parseLong(m.group(2));
        assertThat(acknowledged).as("the load got appends acknowledged").isPositive();
        assertThat(Long.parseLong(m.group(3))).as("verified").isEqualTo(acknowledged);
        assertThat(Long.parseLong(m.group(4))).as("lost").isZero();
        assertThat(Long.parseLong(m.group(5))).as("partial").isZero();
        long events = Long.parseLong(m.group(6));
        assertThat(events).as("events of the load the persistent group subscribes to").isGreaterThanOrEqualTo(acknowledged);
        assertThat(Long.parseLong(m.group(7))).as("persistent: delivered at least once").isEqualTo(events);
        assertThat(Long.parseLong(m.group(8))).as("persistent: deliveries").isGreaterThanOrEqualTo(events);
        assertThat(Long.parseLong(m.group(10))).as("persistent: undelivered").isZero();
        assertThat(Long.parseLong(m.group(11))).as("persistent: phantom").isZero();
    }
}
