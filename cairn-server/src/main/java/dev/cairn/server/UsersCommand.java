package dev.cairn.server;

import dev.cairn.api.UserDetails;
import dev.cairn.server.grpc.UsersClient;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn users}: user management on a running secure node, through its {@code Users}
 * service (the official Java and Node clients have none). Passwords never come from flags, which
 * show in process lists: the caller's password comes from {@code CAIRN_PASSWORD} or a prompt, a
 * new password from a prompt; without a terminal both are read as lines from standard input.
 * Exit codes: 0 done, 1 the node refused or failed, 2 a usage error.
 */
@Command(name = "users", description = "Manage the users of a running secure node.",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Show.class,
                UsersCommand.Update.class, UsersCommand.ResetPassword.class, UsersCommand.Disable.class,
                UsersCommand.Enable.class, UsersCommand.Delete.class, CommandLine.HelpCommand.class})
final class UsersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** Where the node is and who calls it; shared by every subcommand. */
    static final class Connection {
        @Option(names = "--node", paramLabel = "URL", defaultValue = "https://localhost:2113",
                description = "The node (default: ${DEFAULT-VALUE}).")
        String node;

        @Option(names = "--tls-ca-file", paramLabel = "FILE",
                description = "The CA certificate to trust, such as certs/ca/ca.crt (default: the JDK's trust store).")
        Path caFile;

        @Option(names = "--user", paramLabel = "LOGIN", defaultValue = "admin",
                description = "Who calls (default: ${DEFAULT-VALUE}); the password comes from CAIRN_PASSWORD or a prompt.")
        String user;

        private BufferedReader stdin;

        UsersClient open(Map<String, String> env) {
            String password = env.get("CAIRN_PASSWORD");
            if (password == null) {
                password = secret("password of " + user + ": ");
            }
            return new UsersClient(node, caFile, user, password);
        }

        /** A secret from the terminal without echo, or a line of standard input. */
        String secret(String prompt) {
            Console console = System.console();
            if (console != null) {
                char[] typed = console.readPassword("%s", prompt);
                if (typed == null) {
                    throw new IllegalArgumentException("no input");
                }
                return new String(typed);
            }
            try {
                if (stdin == null) {
                    stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                }
                String line = stdin.readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("expected " + prompt.replace(": ", "") + " on standard input");
                }
                return line;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read standard input: " + e.getMessage(), e);
            }
        }

        /** A new password, typed twice at a terminal. */
        String newPassword(String login) {
            String first = secret("new password of " + login + ": ");
            if (System.console() != null && !first.equals(secret("again: "))) {
                throw new IllegalArgumentException("the passwords differ");
            }
            return first;
        }
    }

    /** Runs a subcommand's action, turning failures into messages and exit codes. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Mixin
        Connection connection;

        abstract void run(UsersClient users, PrintWriter out);

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try (UsersClient users = connection.open(System.getenv())) {
                run(users, spec.commandLine().getOut());
                return ExitCode.OK;
            } catch (IllegalArgumentException e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                return ExitCode.USAGE;
            } catch (UsersClient.Failure e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage()
                        + (e.status().equals("UNAUTHENTICATED") ? " (check --user and the password)" : ""));
                return 1;
            }
        }
    }

    @Command(name = "create", description = "Create a user; its password is asked for.")
    static final class Create extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Option(names = "--full-name", paramLabel = "NAME", defaultValue = "")
        String fullName;

        @Option(names = "--group", paramLabel = "GROUP", description = "A group (role) of the user; repeat for more.")
        List<String> groups = new ArrayList<>();

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.create(login, fullName, groups, connection.newPassword(login));
            out.println("created " + login);
        }
    }

    @Command(name = "list", description = "List the users.")
    static final class ListUsers extends Action {
        @Override
        void run(UsersClient users, PrintWriter out) {
            users.details(null).forEach(u -> out.println(line(u)));
        }
    }

    @Command(name = "show", description = "Show one user.")
    static final class Show extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.details(login).forEach(u -> out.println(line(u)));
        }
    }

    @Command(name = "update", description = "Replace a user's full name and groups.")
    static final class Update extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Option(names = "--full-name", paramLabel = "NAME", defaultValue = "")
        String fullName;

        @Option(names = "--group", paramLabel = "GROUP", description = "A group (role) of the user; repeat for more.")
        List<String> groups = new ArrayList<>();

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.update(login, fullName, groups);
            out.println("updated " + login);
        }
    }

    @Command(name = "reset-password", description = "Set a user's password; the new one is asked for.")
    static final class ResetPassword extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.resetPassword(login, connection.newPassword(login));
            out.println("reset the password of " + login);
        }
    }

    @Command(name = "disable", description = "Refuse a user's logins.")
    static final class Disable extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.disable(login);
            out.println("disabled " + login);
        }
    }

    @Command(name = "enable", description = "Accept a user's logins again.")
    static final class Enable extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.enable(login);
            out.println("enabled " + login);
        }
    }

    @Command(name = "delete", description = "Delete a user.")
    static final class Delete extends Action {
        @Parameters(paramLabel = "LOGIN")
        String login;

        @Override
        void run(UsersClient users, PrintWriter out) {
            users.delete(login);
            out.println("deleted " + login);
        }
    }

    private static String line(UserDetails u) {
        return u.loginName() + "\t" + u.fullName() + "\t" + String.join(",", u.groups())
                + (u.disabled() ? "\tdisabled" : "");
    }
}
