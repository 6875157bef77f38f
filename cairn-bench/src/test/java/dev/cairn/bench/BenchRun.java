package dev.cairn.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One {@code cairn bench} command run in this JVM as {@link Main} runs it, with its standard
 * output captured (and echoed, so a failing test's log shows the report) and what the command line
 * itself reports on error. Not thread-safe: it swaps {@code System.out}.
 */
record BenchRun(int exit, String out, String err) {

    static BenchRun of(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Main.commandLine().setErr(new PrintWriter(err, true)).execute(args);
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        stdout.print(out);
        System.err.print(err);
        return new BenchRun(exit, out, err.toString());
    }
}
