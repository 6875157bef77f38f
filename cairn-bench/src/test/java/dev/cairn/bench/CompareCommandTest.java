package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke of {@code bench compare}: every system on every workload with tiny durations and
 * a small read set, PostgreSQL started by {@code scripts/postgres.sh} (installed from Debian's
 * packages if missing). Checks that the JSON holds each workload on each of its systems with
 * positive figures and that the report has its charts; the figures themselves are not judged.
 * If PostgreSQL cannot be installed or started, the command fails and so does this test.
 */
class CompareCommandTest {

    private static final Pattern ENTRY = Pattern.compile("\\{\"name\": \"([^\"]+)\", \"system\": \"([^\"]+)\", "
            + "\"events_per_s\": ([0-9.]+), \"p50_ms\": ([0-9.]+), \"p90_ms\": [0-9.]+, \"p99_ms\": ([0-9.]+)");

    @Test
    void runsEverySystemOnEveryWorkloadAndWritesJsonAndReport(@TempDir Path out) throws Exception {
        // PostgreSQL runs as the postgres user when we are root: its cluster must sit where that
        // user can reach it, not in a private (0700) directory such as @TempDir's or a checkout in /root
        Path dir = Files.createTempDirectory("cairn-compare-smoke",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            run(dir, out);
        } finally {
            Fmt.deleteRecursively(dir);
        }
    }

    private static void run(Path dir, Path out) throws Exception {
        Path json = out.resolve("compare.json");
        Path report = out.resolve("report");
        BenchRun run = BenchRun.of("compare", "--seconds", "1", "--warmup", "1", "--system-warmup", "1.5", "--dir",
                dir.resolve("data").toString(), "--segment-mib", "16", "--read-streams", "20", "--read-stream-events", "10",
                "--read-all-events", "2000", "--json", json.toString(), "--report", report.toString());
        String printed = run.out();

        assertThat(run.exit()).as("exit code (a PostgreSQL that cannot start fails the run)").isZero();
        assertThat(printed).contains("/postgres", "/disk", "durability:");
        String text = Files.readString(json);
        int entries = 0;
        Matcher m = ENTRY.matcher(text);
        while (m.find()) {
            entries++;
            assertThat(Double.parseDouble(m.group(3))).as("events/s of %s on %s", m.group(1), m.group(2)).isPositive();
            assertThat(Double.parseDouble(m.group(4))).as("p50 of %s on %s", m.group(1), m.group(2)).isPositive();
            assertThat(Double.parseDouble(m.group(5))).as("p99 of %s on %s", m.group(1), m.group(2)).isPositive();
        }
        for (String workload : List.of("append-1x64", "append-1x8", "append-100x8")) {
            for (String system : List.of("disk", "cairn-embedded", "cairn-grpc", "postgres")) {
                assertThat(text).contains("{\"name\": \"" + workload + "\", \"system\": \"" + system + "\"");
            }
        }
        for (String workload : List.of("read-stream", "read-all")) {
            for (String system : List.of("cairn-embedded", "cairn-grpc", "postgres")) {
                assertThat(text).contains("{\"name\": \"" + workload + "\", \"system\": \"" + system + "\"");
            }
        }
        assertThat(entries).as("3 append workloads x 4 systems + 2 reads x 3 systems").isEqualTo(18);
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).as("self-contained: nothing to fetch").contains("<svg", "append-1x64", "read-all")
                .doesNotContain("<script", "<link", "<img", "src=", "href=", "@import", "url(");
        try (var left = Files.list(dir.resolve("data"))) {
            assertThat(left).as("stores, the disk file and PostgreSQL's cluster are deleted at the end").isEmpty();
        }
    }
}
