package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.tls.TlsSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A CA and a node certificate for 127.0.0.1 and localhost, made by the real {@code cairn certs}
 * command line in a directory: {@code ca/ca.crt}, {@code ca/ca.key}, {@code node/node.crt},
 * {@code node/node.key}.
 *
 * @param dir where the files are
 */
public record TestCerts(Path dir) {

    public static TestCerts create(Path dir) {
        run("certs", "create-ca", "--out", dir.resolve("ca").toString());
        run("certs", "create-node", "--ca-dir", dir.resolve("ca").toString(), "--out", dir.resolve("node").toString(),
                "--ip", "127.0.0.1", "--dns", "localhost");
        return new TestCerts(dir);
    }

    /** Runs {@code cairn} with these arguments and checks that it exits 0. */
    public static void run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(code).as("cairn %s: %s", String.join(" ", args), captured.toString(StandardCharsets.UTF_8))
                .isZero();
    }

    public Path caCertificate() {
        return dir.resolve("ca").resolve("ca.crt");
    }

    public Path caKey() {
        return dir.resolve("ca").resolve("ca.key");
    }

    public Path nodeCertificate() {
        return dir.resolve("node").resolve("node.crt");
    }

    public Path nodeKey() {
        return dir.resolve("node").resolve("node.key");
    }

    /** The node's TLS settings, trusting the CA for client certificates. */
    public TlsSettings settings() {
        return new TlsSettings(nodeCertificate(), nodeKey(), caCertificate());
    }
}
