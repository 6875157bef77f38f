package dev.cairn.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One {@code cairn bench} command run in this JVM with its standard output captured (and echoed,
 * so a failing test's log shows the report). Not thread-safe: it swaps {@code System.out}.
 */
record BenchRun(int exit, String out) {

    static BenchRun of(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        stdout.print(out);
        return new BenchRun(exit, out);
    }
}
