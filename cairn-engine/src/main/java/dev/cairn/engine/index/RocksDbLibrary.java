package dev.cairn.engine.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library and removes the copy it unpacked.
 *
 * <p>RocksDB unpacks its library (15 MB) from the jar into the temp directory, under a fresh name
 * each time ({@code librocksdbjni<random>.so}), and asks the JVM to delete it on a normal exit. A
 * node that is killed, crashes or loses power never exits normally, so each such end left a copy
 * behind, and a machine that restarts its node often fills its temp directory. Once the library is
 * loaded it is mapped into the process and its file is no longer needed: on Linux an unlinked file
 * stays readable through its mappings. So after loading, the copy this process mapped is deleted
 * at once, found by name in {@code /proc/self/maps} and only if it sits in the directory RocksDB
 * unpacks into (a library installed elsewhere on the library path is never touched).
 */
final class RocksDbLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbLibrary.class);
    private static final Path MAPS = Path.of("/proc/self/maps");

    private RocksDbLibrary() {}

    /** Loads the library (once per JVM, as RocksDB does) and deletes the copy it unpacked. */
    static synchronized void load() {
        RocksDB.loadLibrary();
        for (Path copy : unpackedCopies()) {
            try {
                if (Files.deleteIfExists(copy)) {
                    LOG.debug("deleted RocksDB's unpacked library {}, which stays mapped", copy);
                }
            } catch (IOException e) {
                LOG.warn("could not delete RocksDB's unpacked library {}: {}", copy, e.toString());
            }
        }
    }

    /** The files RocksDB unpacked and this process has mapped; empty where there is no {@code /proc}. */
    static List<Path> unpackedCopies() {
        if (!Files.isReadable(MAPS)) {
            return List.of();
        }
        Path unpackDir = unpackDirectory();
        List<Path> copies = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(MAPS)) {
                int slash = line.indexOf('/');
                if (slash < 0 || line.endsWith(" (deleted)")) {
                    continue;
                }
                Path file = Path.of(line.substring(slash));
                String name = file.getFileName().toString();
                if (name.startsWith("librocksdbjni") && name.endsWith(".so")
                        && unpackDir.equals(file.getParent()) && !copies.contains(file)) {
                    copies.add(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not read {} to find RocksDB's unpacked library: {}", MAPS, e.toString());
            return List.of();
        }
        return copies;
    }

    /** Where RocksDB unpacks: {@code ROCKSDB_SHAREDLIB_DIR} if set, else the JVM's temp directory. */
    private static Path unpackDirectory() {
        String configured = System.getenv("ROCKSDB_SHAREDLIB_DIR");
        String dir = configured == null || configured.isEmpty() ? System.getProperty("java.io.tmpdir") : configured;
        try {
            return Path.of(dir).toRealPath();
        } catch (IOException e) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
    }
}
