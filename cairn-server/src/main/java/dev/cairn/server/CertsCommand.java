package dev.cairn.server;

import dev.cairn.server.tls.CertificateAuthority;
import dev.cairn.server.tls.PemFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn certs}: creates a development certificate authority and the node and user
 * certificates it signs, as PEM files (see {@link CertificateAuthority} for key types and
 * validity). Existing files are never overwritten. Exit codes: 0 written, 1 a file to write exists
 * already, 2 a usage error or an unreadable CA.
 */
@Command(name = "certs", description = "Create a development CA and the node and user certificates it signs.",
        subcommands = {CertsCommand.CreateCa.class, CertsCommand.CreateNode.class, CertsCommand.CreateUser.class,
                CommandLine.HelpCommand.class})
final class CertsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** {@code cairn certs create-ca --out DIR}: writes {@code DIR/ca.crt} and {@code DIR/ca.key}. */
    @Command(name = "create-ca", description = "Create a CA: writes DIR/ca.crt and DIR/ca.key.")
    static final class CreateCa implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write ca.crt and ca.key.")
        Path out;

        @Option(names = "--name", paramLabel = "CN", defaultValue = "Cairn Development CA",
                description = "The CA's common name (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws IOException {
            CertificateAuthority ca = CertificateAuthority.create(name, Instant.now());
            return write(spec, out, "ca", ca.certificate(), ca.key());
        }
    }

    /**
     * {@code cairn certs create-node --ca-dir DIR --out DIR --ip IP --dns NAME}: writes
     * {@code node.crt} and {@code node.key}, valid for the addresses given.
     */
    @Command(name = "create-node",
            description = "Create a node certificate signed by the CA: writes DIR/node.crt and DIR/node.key.")
    static final class CreateNode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--ca-dir", required = true, paramLabel = "DIR", description = "Where ca.crt and ca.key are.")
        Path caDir;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write node.crt and node.key.")
        Path out;

        @Option(names = "--ip", split = ",", paramLabel = "IP",
                description = "An IP address clients connect to (repeat, or separate with commas).")
        List<String> ips = new ArrayList<>();

        @Option(names = "--dns", split = ",", paramLabel = "NAME",
                description = "A DNS name clients connect to (repeat, or separate with commas).")
        List<String> dnsNames = new ArrayList<>();

        @Option(names = "--name", paramLabel = "CN", defaultValue = "cairn-node",
                description = "The certificate's common name (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            if (ips.isEmpty() && dnsNames.isEmpty()) {
                err.println("cairn certs create-node: give at least one --ip or --dns: clients check the address "
                        + "they connect to against the certificate");
                return ExitCode.USAGE;
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (String ip : ips) {
                try {
                    addresses.add(ipLiteral(ip));
                } catch (IllegalArgumentException | UnknownHostException e) {
                    err.println("cairn certs create-node: --ip " + ip + " is not an IP address");
                    return ExitCode.USAGE;
                }
            }
            CertificateAuthority ca = loadCa(spec, caDir);
            if (ca == null) {
                return ExitCode.USAGE;
            }
            CertificateAuthority.Issued node = ca.issueNode(name, addresses, dnsNames, Instant.now());
            return write(spec, out, "node", node.certificate(), node.key());
        }

        /** Parses an IP literal without ever resolving a host name. */
        private static InetAddress ipLiteral(String ip) throws UnknownHostException {
            String s = ip.trim();
            if (!s.matches("[0-9.]+") && !s.contains(":")) {
                throw new IllegalArgumentException(ip);
            }
            return InetAddress.getByName(s);
        }
    }

    /**
     * {@code cairn certs create-user --ca-dir DIR --out DIR --name LOGIN}: writes
     * {@code user-LOGIN.crt} and {@code user-LOGIN.key}, a client certificate that authenticates as
     * that user.
     */
    @Command(name = "create-user", description = "Create a user's client certificate signed by the CA: writes "
            + "DIR/user-LOGIN.crt and DIR/user-LOGIN.key.")
    static final class CreateUser implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--ca-dir", required = true, paramLabel = "DIR", description = "Where ca.crt and ca.key are.")
        Path caDir;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the files.")
        Path out;

        @Option(names = "--name", required = true, paramLabel = "LOGIN", description = "The user's login name.")
        String login;

        @Override
        public Integer call() throws IOException {
            if (!login.matches("[A-Za-z0-9._@-]+")) {
                spec.commandLine().getErr().println("cairn certs create-user: --name must be a login name of letters, "
                        + "digits and . _ @ - (it becomes the file name)");
                return ExitCode.USAGE;
            }
            CertificateAuthority ca = loadCa(spec, caDir);
            if (ca == null) {
                return ExitCode.USAGE;
            }
            CertificateAuthority.Issued user = ca.issueUser(login, Instant.now());
            return write(spec, out, "user-" + login, user.certificate(), user.key());
        }
    }

    private static CertificateAuthority loadCa(CommandSpec spec, Path caDir) {
        try {
            X509Certificate certificate = PemFiles.readCertificates(caDir.resolve("ca.crt"), "CA certificate").get(0);
            PrivateKey key = PemFiles.readPrivateKey(caDir.resolve("ca.key"), "CA key");
            return new CertificateAuthority(certificate, key);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage()
                    + " (create a CA with: cairn certs create-ca --out " + caDir + ")");
            return null;
        }
    }

    private static int write(CommandSpec spec, Path out, String base, X509Certificate certificate, PrivateKey key)
            throws IOException {
        Path crt = out.resolve(base + ".crt");
        Path keyFile = out.resolve(base + ".key");
        PrintWriter err = spec.commandLine().getErr();
        for (Path file : List.of(crt, keyFile)) {
            if (Files.exists(file)) {
                err.println(spec.qualifiedName() + ": " + file + " exists already; remove it or choose another --out");
                return 1;
            }
        }
        Files.createDirectories(out);
        try {
            PemFiles.writePrivateKey(keyFile, key);
            PemFiles.writeCertificate(crt, certificate);
        } catch (FileAlreadyExistsException e) {
            err.println(spec.qualifiedName() + ": " + e.getFile() + " exists already");
            return 1;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + crt + " (valid until " + certificate.getNotAfter().toInstant() + ")");
        stdout.println("wrote " + keyFile + " (keep it secret)");
        return ExitCode.OK;
    }
}
