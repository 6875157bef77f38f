package dev.cairn.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code cairn bench} command line: load generators against an embedded store or a server.
 * The workloads are subcommands; without one, it prints its usage.
 */
@Command(
        name = "cairn bench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Generate load against Cairn and report throughput and latency.",
        subcommands = {DiskCommand.class, EmbeddedCommand.class, GrpcCommand.class, ReopenCommand.class,
                WriteCommand.class, ReadCommand.class, PostgresCommand.class, CompareCommand.class,
                SubscribeCommand.class, AppendUntilKilledCommand.class, MemoryCommand.class, ClientCeilingCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** Prints {@code cairn bench <version>}, from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cairn bench " + (version != null ? version : "(unknown version: not run from the jar)")};
        }
    }
}
