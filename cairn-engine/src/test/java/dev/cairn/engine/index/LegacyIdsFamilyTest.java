package dev.cairn.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** An index written before the {@code ids} family was dropped still opens, keeps its entries and loses the family. */
class LegacyIdsFamilyTest {

    @TempDir
    Path dir;

    @Test
    void anIndexWithTheOldIdsFamilyOpensAndDropsIt() throws Exception {
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        for (String name : List.of("default", "streams", "events", "ids")) {
            families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
                RocksDB db = RocksDB.open(options, dir.toString(), families, handles)) {
            db.put(handles.get(3), new byte[16], new byte[16]);
            handles.forEach(ColumnFamilyHandle::close);
        }
        UUID id = UUID.randomUUID();
        try (StreamIndex index = StreamIndex.open(dir)) {
            index.apply(index.batch().putStream("s", new StreamInfo(0, 0, false)).putLegacyEntry(0, 0, 100, id)
                    .checkpoint(200, 1));
            index.flush(true);
        }

        try (Options options = new Options()) {
            assertThat(RocksDB.listColumnFamilies(options, dir.toString()))
                    .extracting(f -> new String(f, StandardCharsets.US_ASCII))
                    .containsExactlyInAnyOrder("default", "streams", "events");
        }
        try (StreamIndex index = StreamIndex.open(dir)) {
            assertThat(index.checkpoint()).isEqualTo(200);
            assertThat(index.entry(0, 0)).isEqualTo(new IndexEntry(0, 100, id));
        }
    }
}
