package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.eventsourcing.AggregateScenario;
import dev.cairn.examples.dogschool.DogSchoolExample;
import dev.cairn.examples.lightswitch.LightSwitch;
import dev.cairn.examples.lightswitch.LightSwitchExample;
import dev.cairn.examples.orders.Order;
import dev.cairn.examples.orders.OrdersExample;
import dev.cairn.server.CairnServer;
import dev.cairn.test.CairnExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The examples the README tells people to run, run here with their output checked. */
@ExtendWith(CairnExtension.class)
class ExamplesTest {

    final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dogSchool(EventStore store, @TempDir Path dir) throws Exception {
        DogSchoolExample.run(store, dir, out);
        assertThat(output()).contains(
                "Fido: DogDetails[name=Fido, tricks=[roll over, fetch ball]]",
                "Buster: DogDetails[name=Buster, tricks=[juggle]]",
                "view: 2 dogs and 3 tricks added by this run (2 dogs, 3 tricks in all)",
                "after Milo: 3 dogs and 4 tricks added by this run",
                "refused: dog no-such-dog is not registered");
    }

    @Test
    void dogSchoolAgainCountsOnFromWhereTheViewWas(EventStore store, @TempDir Path dir) throws Exception {
        DogSchoolExample.run(store, dir, out);
        buffer.reset();
        DogSchoolExample.run(store, dir, out);
        assertThat(output()).contains("view: 2 dogs and 3 tricks added by this run (5 dogs, 7 tricks in all)");
    }

    @Test
    void lightSwitchRefusesToTurnOnTwice(EventStore store) {
        LightSwitchExample.run(store, out);
        assertThat(output()).containsPattern("light hall-\\w+ is on")
                .containsPattern("refused: light hall-\\w+ is already on")
                .containsPattern("is off after 2 events: \\[SwitchedOn, SwitchedOff]");
        AggregateScenario.of(LightSwitch::new).given(new LightSwitch.SwitchedOn()).when(LightSwitch::turnOn)
                .thenThrows(IllegalStateException.class);
        AggregateScenario.of(LightSwitch::new).given(new LightSwitch.SwitchedOn()).when(LightSwitch::turnOff)
                .then(new LightSwitch.SwitchedOff());
    }

    @Test
    void ordersOneWriterWinsTheOtherRetries(EventStore store) throws Exception {
        OrdersExample.run(store, out);
        assertThat(output()).contains("alice: saved apples (order at version 1)",
                "bob: refused: the order changed since it was loaded at version 0")
                .containsPattern("bob retried: order \\w+ has \\[2 x apples, 2 x pears] at version 2");
        AggregateScenario.of(Order::new).given(new Order.Created("ada"), new Order.Placed())
                .when(o -> o.addLine("x", 1)).thenThrows(IllegalStateException.class);
    }

    @Test
    void theCommandLineRunsAnExampleOnADirectory(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"light-switch", "--db", dir.toString()}, out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        assertThat(output()).contains("== light-switch on an embedded store in " + dir);
        assertThat(Main.run(new String[] {"nope"}, out, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: cairn example");
    }

    @Test
    void theDogSchoolRunsOnANodeThroughTheClient(@TempDir Path dir) throws Exception {
        CairnOptions options = CairnOptions.builder(dir.resolve("node")).segmentSize(8L << 20)
                .maxEventSize(1L << 20).maxAppendSize(4L << 20).build();
        CairnServer server = CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(), options.maxEventSize());
        try {
            String connection = "kurrentdb://127.0.0.1:" + server.port() + "?tls=false";
            assertThat(Main.run(new String[] {"dog-school", "--connect", connection}, out, System.err)).isZero();
            assertThat(output()).contains("== dog-school on " + connection, "after Milo: 3 dogs and 4 tricks");
        } finally {
            server.stop();
            java.nio.file.Files.deleteIfExists(Path.of("example-data", "dog-school-view.db"));
            java.nio.file.Files.deleteIfExists(Path.of("example-data"));
        }
    }
}
