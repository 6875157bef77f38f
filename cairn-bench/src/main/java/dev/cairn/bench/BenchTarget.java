package dev.cairn.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A system the write and read workloads run against: Cairn embedded, Cairn over gRPC, or
 * PostgreSQL. Each gives per-writer append targets for {@link WriteWorkload} and the two reads of
 * {@link ReadWorkload}, so every system runs the same workloads from the same code.
 *
 * <p>Closing it releases what it opened (a store, a node, a server) and deletes what it created.
 * Not thread-safe, except the {@link Writers#target()} it hands out, which the writer threads share.
 */
interface BenchTarget extends AutoCloseable {

    /** The name in results: {@code cairn-embedded}, {@code cairn-grpc}, {@code postgres}. */
    String system();

    /** One or more lines saying how the workloads reach the system and how durable its appends are. */
    String description();

    /** {@code count} writers' worth of connections; closing the result releases them. */
    Writers writers(int count, BenchEvents events) throws Exception;

    /** Reads every stream of {@code streams} fully, forwards, one after the other, from one thread. */
    ReadWorkload.Result readStreams(BenchEvents streams) throws Exception;

    /** Reads the global log ({@code $all}) forwards from its start, at most {@code limit} events, from one thread. */
    ReadWorkload.Result readAll(long limit) throws Exception;

    /** Append targets for a number of writers, and what to release after them. */
    record Writers(WriteWorkload.Target target, AutoCloseable resources) implements AutoCloseable {

        /** The same appends, each adding its events to {@code written} once it has returned. */
        Writers counting(AtomicLong written) {
            return new Writers((writer, events) -> {
                WriteWorkload.Append append = target.prepare(writer, events);
                return () -> {
                    append.run();
                    written.addAndGet(events);
                };
            }, resources);
        }

        @Override
        public void close() throws Exception {
            resources.close();
        }
    }
}
