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
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with bad settings ({@link IllegalArgumentException}: a zero client count, a
     * negative duration, ...) reported as one line and exit code 2, like a bad option; anything
     * else that fails a run is reported with its stack trace and exit code 1.
     */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String command = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println(command + ": " + e.getMessage());
                return ExitCode.USAGE;
            }
            commandLine.getErr().println(command + ": failed: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCode.SOFTWARE;
        });
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
