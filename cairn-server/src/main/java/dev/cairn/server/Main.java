package dev.cairn.server;

import dev.cairn.api.CairnException;
import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.log.LogBackup;
import dev.cairn.engine.security.Security;
import dev.cairn.engine.security.SecurityOptions;
import dev.cairn.server.tls.NodeTls;
import dev.cairn.server.tls.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * The {@code cairn} command line: parses arguments and dispatches to a subcommand.
 *
 * <p>Exit codes: 0 success, 1 the command ran and found a problem (for example faults in a store),
 * 2 usage error or a missing input, 3 the command itself failed (an I/O error, a bug).
 * Results go to stdout; diagnostics and logs go to stderr.
 */
@Command(
        name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "An event-store database that speaks KurrentDB's protocol.",
        subcommands = {Main.StartCommand.class, Main.CheckCommand.class, Main.BackupCommand.class, CertsCommand.class,
                UsersCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code for a command that failed with an exception rather than a finding. */
    static final int EXIT_FAILED = 3;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; separate from {@link #main} for tests. */
    static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": failed: " + e);
                    e.printStackTrace(commandLine.getErr());
                    return EXIT_FAILED;
                })
                .execute(args);
    }

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** Prints {@code cairn <version>}, the version written into the jar's manifest by the build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cairn " + (version != null ? version : "(unknown version: not run from the jar)")};
        }
    }

    /**
     * {@code cairn start}: runs a node until SIGTERM or SIGINT, then stops accepting calls, lets
     * in-flight calls finish, closes the store and exits 0. Every option can also come from a
     * {@code CAIRN_*} environment variable or the YAML file given with {@code --config}; flags win
     * over the environment, which wins over the file.
     */
    @Command(name = "start", description = "Start a Cairn node (gRPC and HTTP on one port).")
    static final class StartCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--db", paramLabel = "DIR",
                description = "The data directory (env CAIRN_DB; default ./data).")
        Path db;

        @Option(names = "--port", paramLabel = "N",
                description = "The port for gRPC and HTTP (env CAIRN_PORT; default 2113).")
        Integer port;

        @Option(names = "--insecure", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
                description = "Serve plain text without TLS and without authentication, for development "
                        + "(env CAIRN_INSECURE).")
        Boolean insecure;

        @Option(names = "--certificate-file", paramLabel = "FILE",
                description = "The node's PEM certificate (env CAIRN_CERTIFICATE_FILE); required unless insecure.")
        Path certificateFile;

        @Option(names = "--certificate-private-key-file", paramLabel = "FILE",
                description = "The node's PEM private key (env CAIRN_CERTIFICATE_PRIVATE_KEY_FILE); required "
                        + "unless insecure.")
        Path certificatePrivateKeyFile;

        @Option(names = "--trusted-root-certificates-path", paramLabel = "PATH",
                description = "PEM root certificates, a file or a directory (env "
                        + "CAIRN_TRUSTED_ROOT_CERTIFICATES_PATH): the node's certificate must chain to one, and "
                        + "client certificates signed by one authenticate their user.")
        Path trustedRootCertificatesPath;

        @Option(names = "--config", paramLabel = "FILE",
                description = "A YAML file with any of: db, port, insecure, certificate-file, "
                        + "certificate-private-key-file, trusted-root-certificates-path, default-admin-password, "
                        + "default-ops-password, segment-size, run-projections, start-standard-projections, and the "
                        + "max-* limits below.")
        Path config;

        @Option(names = "--segment-size", paramLabel = "SIZE",
                description = "Size of each log segment file of a new log, in bytes or with KiB, MiB or GiB (env "
                        + "CAIRN_SEGMENT_SIZE; default 256MiB; 256KiB to 1GiB, a multiple of 4KiB). An existing log "
                        + "keeps its own. Below about 16MiB the largest event shrinks to what fits in a segment.")
        String segmentSize;

        @Option(names = "--max-connections", paramLabel = "N",
                description = "Client connections served at once (env CAIRN_MAX_CONNECTIONS; default 1000).")
        Integer maxConnections;

        @Option(names = "--max-concurrent-calls", paramLabel = "N",
                description = "gRPC calls in progress at once, subscriptions included (env CAIRN_MAX_CONCURRENT_CALLS; "
                        + "default 10000).")
        Integer maxConcurrentCalls;

        @Option(names = "--max-message-size", paramLabel = "BYTES",
                description = "Largest request message (env CAIRN_MAX_MESSAGE_SIZE; default 16767216).")
        Integer maxMessageSize;

        @Option(names = "--max-subscriptions-per-connection", paramLabel = "N",
                description = "Subscriptions one connection may hold at once (env CAIRN_MAX_SUBSCRIPTIONS_PER_CONNECTION; "
                        + "default 1000).")
        Integer maxSubscriptionsPerConnection;

        @Option(names = "--run-projections", paramLabel = "MODE",
                description = "none, system or all, as in KurrentDB (env CAIRN_RUN_PROJECTIONS; default none): system "
                        + "serves the standard projections (stopped until enabled), all also user projections in "
                        + "JavaScript.")
        String runProjections;

        @Option(names = "--start-standard-projections", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
                description = "Enable $by_category, $by_event_type, $streams, $stream_by_category and "
                        + "$by_correlation_id at each start, unless --run-projections is none (env "
                        + "CAIRN_START_STANDARD_PROJECTIONS).")
        Boolean startStandardProjections;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            ServerConfig options;
            NodeTls tls;
            ServerLimits limits;
            ProjectionSettings projections;
            try {
                options = ServerConfig.resolve(new ServerConfig.Flags(db, port, insecure, certificateFile,
                        certificatePrivateKeyFile, trustedRootCertificatesPath, segmentSize), config, System.getenv());
                limits = ServerLimits.resolve(maxConnections, maxConcurrentCalls, maxMessageSize,
                        maxSubscriptionsPerConnection, config, System.getenv());
                projections = ProjectionSettings.resolve(runProjections, startStandardProjections, config,
                        System.getenv());
                TlsSettings settings = options.tls();
                tls = settings == null ? null : NodeTls.load(settings, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                err.println("cairn start: " + e.getMessage());
                return ExitCode.USAGE;
            }
            // Handle SIGTERM/SIGINT from the start, so that a signal during startup also ends in
            // an orderly stop instead of the JVM's default exit 143.
            CompletableFuture<CairnServer> started = new CompletableFuture<>();
            Runnable stop = () -> Thread.ofPlatform().name("cairn-stop").start(() -> {
                if (!started.completeExceptionally(new CancellationException("stopped during startup"))) {
                    started.join().stop();
                }
            });
            // logged, so that a stop always says what asked for it
            Signal.handle(new Signal("TERM"), s -> {
                LoggerFactory.getLogger(Main.class).info("SIGTERM received: stopping");
                stop.run();
            });
            Signal.handle(new Signal("INT"), s -> {
                LoggerFactory.getLogger(Main.class).info("SIGINT received: stopping");
                stop.run();
            });
            handleReloadSignal(started);
            CairnServer node;
            try {
                CairnOptions storeOptions = storeOptions(options, projections);
                EventStore store = Cairn.open(storeOptions);
                Security security = null;
                if (!options.insecure()) {
                    try {
                        security = Security.open(store, securityOptions(options));
                    } catch (CairnException e) {
                        store.close();
                        throw e;
                    }
                }
                node = CairnServer.start(store, options.port(), storeOptions.maxAppendSize(),
                        storeOptions.maxEventSize(), tls, security, null, limits);
                if (security != null) {
                    warnWhileDefaultPasswordsAreInUse(security);
                }
            } catch (CairnException e) {
                err.println("cairn start: " + e.getMessage());
                return 1;
            }
            if (!started.complete(node)) {
                node.stop();
            }
            node.awaitTermination();
            return ExitCode.OK;
        }
    }

    /**
     * On {@code SIGHUP} the node reads its certificate, private key and trusted roots again, as
     * KurrentDB does (and as {@code POST /admin/reloadconfig} does); without a handler the JVM
     * would exit on the signal. Where the JVM cannot handle it (not Linux, or {@code -Xrs}), the
     * HTTP endpoint remains.
     */
    private static void handleReloadSignal(CompletableFuture<CairnServer> started) {
        try {
            Signal.handle(new Signal("HUP"), s -> Thread.ofPlatform().name("cairn-reload").start(() -> {
                if (!started.isDone() || started.isCompletedExceptionally()) {
                    LoggerFactory.getLogger(Main.class).info("SIGHUP ignored: the node is not serving yet");
                    return;
                }
                CairnServer node = started.join();
                LoggerFactory.getLogger(Main.class).info("reloading the node's configuration: SIGHUP received");
                try {
                    if (node.reloadCertificates().isEmpty()) {
                        LoggerFactory.getLogger(Main.class).info("nothing to reload: the node serves plain text");
                    }
                } catch (IllegalArgumentException e) {
                    // NodeTls logged why; the node serves what it served
                }
            }));
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(Main.class).warn("SIGHUP cannot be handled here ({}); reload the certificates "
                    + "with POST /admin/reloadconfig", e.getMessage());
        }
    }

    /**
     * The store's options: the configured segment size, and KurrentDB's 16 MiB largest event, or
     * less when a segment is too small to hold one that large (an event never spans segments).
     */
    static CairnOptions storeOptions(ServerConfig options) {
        return storeOptions(options, ProjectionSettings.DEFAULTS);
    }

    /** The store's options, running the standard and user projections as {@code projections} asks. */
    static CairnOptions storeOptions(ServerConfig options, ProjectionSettings projections) {
        return CairnOptions.builder(options.db()).segmentSize(options.segmentSize())
                .maxEventSize(Math.min(CairnOptions.DEFAULT_MAX_EVENT_SIZE,
                        CairnOptions.largestEventFitting(options.segmentSize())))
                .systemProjections(projections.run() != ProjectionSettings.Run.NONE)
                .standardProjections(projections.startsStandardProjections())
                .userProjections(projections.run() == ProjectionSettings.Run.ALL)
                .build();
    }

    private static SecurityOptions securityOptions(ServerConfig options) {
        SecurityOptions.Builder b = SecurityOptions.builder();
        if (options.defaultAdminPassword() != null) {
            b.initialAdminPassword(options.defaultAdminPassword());
        }
        if (options.defaultOpsPassword() != null) {
            b.initialOpsPassword(options.defaultOpsPassword());
        }
        return b.build();
    }

    /**
     * Checks in the background (a slow hash per user) whether {@code admin} or {@code ops} still
     * has the default password, and warns if so.
     */
    private static void warnWhileDefaultPasswordsAreInUse(Security security) {
        Thread.ofVirtual().name("cairn-default-password-check").start(() -> {
            try {
                for (String login : security.defaultPasswordsInUse()) {
                    LoggerFactory.getLogger(Main.class).warn("the user '{}' still has the default password "
                            + "'changeit': change it (Users ChangePassword or ResetPassword), or set "
                            + "CAIRN_DEFAULT_{}_PASSWORD before the first start", login,
                            login.toUpperCase(java.util.Locale.ROOT));
                }
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Main.class).debug("default password check ended: {}", e.toString());
            }
        });
    }

    /**
     * {@code cairn check --db DIR}: verifies a data directory offline (log records, batches,
     * index entries) and reports every fault found. Exit 0 when the store is sound: clean, or
     * ending in a torn tail (an append a crash cut off before it was acknowledged, which the next
     * open discards; printed as a note). 1 when faults were found, 2 when the directory does not
     * exist.
     */
    @Command(name = "check",
            description = "Verify a data directory offline: log records, batches and the index.")
    static final class CheckCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--db", required = true, paramLabel = "DIR",
                description = "The data directory to check (the node must not be running on it).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dataDir)) {
                err.println("cairn check: no such directory: " + dataDir);
                return ExitCode.USAGE;
            }
            CheckReport report = StoreChecker.check(dataDir);
            String counts = String.format("checked %s: %d segments, %d batches, %d events, %d index entries",
                    dataDir, report.segments(), report.batches(), report.events(), report.indexEntries());
            if (report.clean()) {
                out.println(counts + ": clean");
                return ExitCode.OK;
            }
            out.println(counts);
            report.faults().forEach(out::println);
            if (report.tornTailNote() != null) {
                out.println("note: " + report.tornTailNote());
            }
            if (report.sound()) {
                out.println("sound: no damage; the torn tail is not data");
                return ExitCode.OK;
            }
            out.println(report.faults().size() + (report.faults().size() == 1 ? " fault" : " faults"));
            return 1;
        }
    }

    @Command(name = "backup",
            description = "Copy a data directory's log into a new directory, while a node runs on it or not: "
                    + "the copy opens as a store with every write acknowledged before the copy began.")
    static final class BackupCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--db", required = true, paramLabel = "DIR", description = "The data directory to back up.")
        Path dataDir;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Where to write the backup: a new or empty directory (never overwritten).")
        Path target;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dataDir)) {
                err.println("cairn backup: no such directory: " + dataDir);
                return ExitCode.USAGE;
            }
            Instant began = Instant.now();
            LogBackup.Result copied;
            CheckReport report;
            try {
                copied = LogBackup.copy(dataDir, target);
                report = StoreChecker.checkLog(target);
            } catch (FileAlreadyExistsException e) {
                err.println("cairn backup: " + target + " is not empty; a backup never overwrites");
                return 1;
            } catch (IOException | CairnException e) {
                err.println("cairn backup: " + e.getMessage());
                return 1;
            }
            out.printf("copied %d segment%s (%,d MiB) of %s to %s: every write acknowledged before %s "
                    + "(log position %d) is in it%n", copied.segments(), copied.segments() == 1 ? "" : "s",
                    copied.bytes() >> 20, dataDir, target, began, copied.durableEnd());
            if (!report.sound()) {
                report.faults().forEach(err::println);
                err.println("cairn backup: the copy is damaged; the source may be too: run cairn check on it");
                return 1;
            }
            out.printf("checked the copy: %,d events in %,d batches%s%n", report.events(), report.batches(),
                    report.tornTailAt() < 0 ? "" : ", then a write under way during the copy, which its first open "
                            + "discards");
            out.println("to restore, start a node on it: cairn start --db " + target
                    + " (the first start builds the index from the log)");
            return ExitCode.OK;
        }
    }
}
