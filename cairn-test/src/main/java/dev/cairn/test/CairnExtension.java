package dev.cairn.test;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh embedded {@link EventStore}: declare a parameter of that type on a test
 * (or {@code @BeforeEach}) method and it gets a store opened in a new temporary directory, which
 * is closed and deleted when the test ends. Parameters of the same test share one store.
 *
 * <pre>{@code
 * @ExtendWith(CairnExtension.class)
 * class DogSchoolTest {
 *     @Test
 *     void registersADog(EventStore store) { ... }
 * }
 * }</pre>
 *
 * <p>The stores use small log segments (8 MiB) so that opening one is cheap. Thread-safe.
 */
public final class CairnExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CairnExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EventStore.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        return store.getOrComputeIfAbsent(OpenStore.class, key -> OpenStore.open(), OpenStore.class).store;
    }

    /** A store and its directory; closing it closes the store and deletes the directory. */
    private static final class OpenStore implements AutoCloseable {
        final Path dir;
        final EventStore store;

        private OpenStore(Path dir, EventStore store) {
            this.dir = dir;
            this.store = store;
        }

        static OpenStore open() {
            try {
                Path dir = Files.createTempDirectory("cairn-test-");
                return new OpenStore(dir, Cairn.open(CairnOptions.builder(dir).segmentSize(8L << 20)
                        .maxEventSize(1L << 20).build()));
            } catch (IOException e) {
                throw new ParameterResolutionException("cannot create a directory for the store", e);
            }
        }

        @Override
        public void close() {
            try {
                store.close();
            } finally {
                delete(dir);
            }
        }

        private static void delete(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the test store in " + dir, e);
            }
        }
    }
}
