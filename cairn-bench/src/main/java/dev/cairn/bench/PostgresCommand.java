package dev.cairn.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cairn bench postgres}: the write and read workloads of {@code compare} against PostgreSQL
 * only, as an event store ({@link PostgresTarget}) on a server started with PostgreSQL's default
 * durability (or an existing one, {@code --jdbc}).
 */
@Command(name = "postgres", mixinStandardHelpOptions = true,
        description = "Run compare's workloads (append-1x64, append-1x8, append-100x8, read-stream, read-all) against "
                + "PostgreSQL as an event store: a throwaway server with default durability, or --jdbc URL.")
final class PostgresCommand implements Callable<Integer> {

    @Mixin
    CompareOptions options;

    @Override
    public Integer call() throws Exception {
        return CompareCommand.run(options, List.of("postgres"), false);
    }
}
