package dev.cairn.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite's fixture: both faces of Cairn, opened once per scenario class over their
 * own temp directories, and the helpers scenarios share. Every {@link Scenario} runs on each face
 * and asserts the same outcome, so the embedded store and the official client against a node are
 * held to one behaviour. Scenarios use fresh stream names, so they do not see each other's streams.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceFixture {

    private static final AtomicInteger STREAMS = new AtomicInteger();

    private final List<Face> faces = new ArrayList<>();

    @BeforeAll
    void openFaces(@TempDir Path dir) {
        faces.add(EmbeddedFace.open(dir.resolve("embedded")));
        faces.add(OfficialClientFace.start(dir.resolve("node")));
    }

    @AfterAll
    void closeFaces() {
        faces.forEach(Face::close);
    }

    /** The faces every scenario runs on. */
    Stream<Face> faces() {
        return faces.stream();
    }

    /** A stream name no other scenario uses. */
    static String stream(String prefix) {
        return prefix + "-" + STREAMS.incrementAndGet() + "-" + UUID.randomUUID();
    }

    static EventData event(String type) {
        return EventData.json(type, "{\"type\":\"" + type + "\"}");
    }

    /** JSON events of the given types, with random ids. */
    static List<EventData> events(String... types) {
        return Stream.of(types).map(ConformanceFixture::event).toList();
    }

    /** {@code count} JSON events of type {@code type}, data {"n":i}. */
    static List<EventData> numbered(String type, int count) {
        return IntStream.range(0, count).mapToObj(i -> EventData.json(type, "{\"n\":" + i + "}")).toList();
    }

    /** The failure a call raised; fails when it succeeded. Unmapped failures propagate. */
    static Failure failure(Runnable call) {
        try {
            call.run();
        } catch (FaceFailure e) {
            return e.failure();
        }
        throw new AssertionError("expected a failure, but the call succeeded");
    }

    static Failure.WrongExpectedVersion wrongExpectedVersion(String stream, StreamState expected, StreamState actual) {
        return new Failure.WrongExpectedVersion(stream, expected, actual);
    }

    /** Revisions of a stream read forwards, links not resolved. */
    static List<Long> revisions(Face face, String stream) {
        return face.readStream(stream, ReadStreamOptions.forwards()).stream().map(r -> r.event().revision()).toList();
    }

    /** Types of a stream read forwards, links not resolved. */
    static List<String> types(Face face, String stream) {
        return face.readStream(stream, ReadStreamOptions.forwards()).stream().map(r -> r.event().type()).toList();
    }

    /** The position of a stream's last event. */
    static Position lastPosition(Face face, String stream) {
        List<Face.Read> last = face.readStream(stream, ReadStreamOptions.backwards().maxCount(1));
        assertThat(last).as("last event of %s", stream).hasSize(1);
        return last.get(0).position();
    }
}
