package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code /info} as KurrentDB's InfoController writes it, for a secure node with projections. */
class NodeInfoTest {

    @Test
    void aSecureNodeWithProjectionsReportsInternalUsersAndItsStateAsItStops() throws Exception {
        AtomicBoolean stopping = new AtomicBoolean();
        NodeInfo info = new NodeInfo(true, true, stopping::get);

        JsonNode running = new ObjectMapper().readTree(info.document());
        assertThat(running.get("features").toString())
                .isEqualTo("{\"projections\":true,\"userManagement\":true,\"atomPub\":false}");
        assertThat(running.get("authentication").toString()).isEqualTo("{\"type\":\"internal\",\"properties\":{}}");
        assertThat(running.get("state").asText()).isEqualTo("leader");

        stopping.set(true);
        assertThat(new ObjectMapper().readTree(info.document()).get("state").asText()).isEqualTo("shuttingdown");
    }
}
