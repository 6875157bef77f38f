package dev.cairn.examples;

import dev.cairn.api.EventStore;
import dev.cairn.client.CairnClient;
import dev.cairn.engine.Cairn;
import dev.cairn.examples.dogschool.DogSchoolExample;
import dev.cairn.examples.lightswitch.LightSwitchExample;
import dev.cairn.examples.orders.OrdersExample;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs an example on an embedded store (a directory) or on a node (a connection string):
 *
 * <pre>
 * ./cairn example dog-school|light-switch|orders [--db DIR | --connect CONNECTION_STRING]
 * </pre>
 *
 * Without options the store is {@code ./example-data}. Exit codes: 0 done, 2 bad arguments.
 */
public final class Main {

    static final List<String> EXAMPLES = List.of("dog-school", "light-switch", "orders");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || !EXAMPLES.contains(args[0]) || (args.length != 1 && args.length != 3)
                || (args.length == 3 && !List.of("--db", "--connect").contains(args[1]))) {
            err.println("usage: cairn example " + String.join("|", EXAMPLES)
                    + " [--db DIR | --connect CONNECTION_STRING]");
            return 2;
        }
        boolean remote = args.length == 3 && args[1].equals("--connect");
        Path dir = Path.of(args.length == 3 && !remote ? args[2] : "example-data").toAbsolutePath();
        Files.createDirectories(dir);
        try (EventStore store = remote ? CairnClient.connect(args[2]) : Cairn.open(dir)) {
            out.println("== " + args[0] + " on " + (remote ? args[2] : "an embedded store in " + dir));
            switch (args[0]) {
                case "dog-school" -> DogSchoolExample.run(store, dir, out);
                case "light-switch" -> LightSwitchExample.run(store, out);
                default -> OrdersExample.run(store, out);
            }
        }
        return 0;
    }
}
