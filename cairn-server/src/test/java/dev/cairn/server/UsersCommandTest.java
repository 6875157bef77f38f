package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn users} against a secure node in this process: passwords come from standard input
 * (no terminal here), the node's answers become exit codes and messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersCommandTest {

    SecureTestNode node;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = SecureTestNode.start(dir);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private record Run(int exitCode, String out, String err) {
    }

    /** Runs {@code cairn users ...} as {@code user}, feeding these lines to standard input. */
    private Run users(String user, List<String> stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("users"));
        all.add(args[0]);
        all.addAll(List.of("--node", "https://localhost:" + node.port(), "--tls-ca-file",
                node.certs.caCertificate().toString(), "--user", user));
        all.addAll(List.of(args).subList(1, args.length));
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream((String.join("\n", stdin) + "\n").getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Main.run(all.toArray(String[]::new));
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void anAdministratorManagesUsersFromTheCommandLine() {
        Run created = users("admin", List.of("changeit", "alice-pw"), "create", "alice", "--full-name", "Alice",
                "--group", "readers", "--group", "writers");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("created alice");
        assertThat(node.security.authenticate("alice", "alice-pw").groups()).containsExactlyInAnyOrder("readers",
                "writers");

        Run list = users("admin", List.of("changeit"), "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines()).contains("alice\tAlice\treaders,writers", "admin\tCairn Administrator\t$admins");

        assertThat(users("admin", List.of("changeit", "new-pw"), "reset-password", "alice").exitCode()).isZero();
        assertThat(node.security.authenticate("alice", "new-pw").name()).isEqualTo("alice");
        assertThat(users("admin", List.of("changeit"), "disable", "alice").exitCode()).isZero();
        assertThat(users("admin", List.of("changeit"), "show", "alice").out()).contains("disabled");
        assertThat(users("admin", List.of("changeit"), "enable", "alice").exitCode()).isZero();
        assertThat(users("admin", List.of("changeit"), "update", "alice", "--full-name", "A.").exitCode()).isZero();
        assertThat(users("admin", List.of("changeit"), "delete", "alice").exitCode()).isZero();
        Run gone = users("admin", List.of("changeit"), "show", "alice");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("NOT_FOUND");
    }

    @Test
    void refusalsBecomeMessagesAndExitCodes() {
        Run wrong = users("admin", List.of("not-it"), "list");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("UNAUTHENTICATED").contains("check --user and the password");

        Run notAdmin = users("ops", List.of("changeit", "x"), "create", "mallory");
        assertThat(notAdmin.exitCode()).isEqualTo(1);
        assertThat(notAdmin.err()).contains("PERMISSION_DENIED");

        Run noPassword = users("admin", List.of(), "list");
        assertThat(noPassword.exitCode()).isEqualTo(2);
        assertThat(noPassword.err()).contains("standard input");
    }
}
