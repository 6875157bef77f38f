package dev.cairn.microbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs benchmarks through JMH's Runner for a few milliseconds each, in this JVM, so that a change
 * to the code they call breaks the build rather than the next manual run. Figures are meaningless.
 */
class BenchmarksRunTest {

    @Test
    void recordCodecAndCrcBenchmarksRun() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(RecordCodecBenchmark.class.getName() + ".validateAndDecodeEvent")
                .include(Crc32cBenchmark.class.getName() + ".crc32cDirectBuffer")
                .include("dev.cairn.server.grpc.WireBenchmark.recordToReadRespBytes")
                .include("dev.cairn.server.grpc.WireBenchmark.proposedToEventData")
                .include(RecentIdsBenchmark.class.getName() + ".lookUpAndAddNew")
                .param("dataSize", "200")
                .param("size", "268")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).hasSize(5);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void indexBenchmarkRunsOnASmallIndex() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(StreamIndexBenchmark.class.getName() + ".(eventEntry|streamEntriesFromStart)$")
                .param("streams", "1000")
                .param("eventsPerStream", "3")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).hasSize(2);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
