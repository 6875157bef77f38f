package dev.cairn.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Where {@code write} and {@code read} send their load: {@code --target} and what each target needs. */
final class TargetOptions {

    enum Kind { embedded, grpc, postgres }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--target", description = "embedded (Cairn in this process), grpc (the official KurrentDB Java "
            + "client against a Cairn node in this process, or --connect) or postgres (a throwaway PostgreSQL "
            + "server with default durability, or --jdbc) (default: ${DEFAULT-VALUE}).", defaultValue = "embedded")
    Kind kind;

    @Option(names = "--connect", paramLabel = "CONNECTION_STRING", description = "With --target grpc: a running "
            + "node (Cairn or KurrentDB), e.g. kurrentdb://127.0.0.1:2113?tls=false, instead of one in this process.")
    String connect;

    @Option(names = "--jdbc", paramLabel = "URL", description = "With --target postgres: this database (its table "
            + PostgresTarget.TABLE + " is dropped and recreated) instead of starting a server.")
    String jdbc;

    @Option(names = "--dir", description = "Scratch directory for stores and PostgreSQL's cluster, deleted at the end "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "bench-data")
    Path dir;

    @Option(names = "--segment-mib", description = "Cairn's log segment size, MiB (default: ${DEFAULT-VALUE}).",
            defaultValue = "256")
    long segmentMib;

    /** Opens the chosen target: a fresh store, node or server, or a connection to a running one. */
    BenchTarget open(String storeName) throws Exception {
        return open(storeName, false);
    }

    /** As {@link #open(String)}; {@code sharedClient}: gRPC writers share one client ({@code --shared-client}). */
    BenchTarget open(String storeName, boolean sharedClient) throws Exception {
        if (sharedClient && kind != Kind.grpc) {
            throw new ParameterException(spec.commandLine(), "--shared-client goes with --target grpc");
        }
        if (connect != null && kind != Kind.grpc) {
            throw new ParameterException(spec.commandLine(), "--connect goes with --target grpc");
        }
        if (jdbc != null && kind != Kind.postgres) {
            throw new ParameterException(spec.commandLine(), "--jdbc goes with --target postgres");
        }
        Path store = dir.resolve(storeName);
        return switch (kind) {
            case embedded -> EmbeddedTarget.open(EmbeddedTarget.options(store, segmentMib));
            case grpc -> connect != null ? GrpcTarget.connect(connect, sharedClient)
                    : GrpcTarget.start(EmbeddedTarget.options(store, segmentMib), sharedClient);
            case postgres -> jdbc != null ? PostgresTarget.open(jdbc, null) : PostgresTarget.start(dir.resolve("postgres"));
        };
    }
}
