package dev.cairn.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn bench disk}: the raw fdatasync group-commit ceiling of the disk for Cairn-sized records. */
@Command(name = "disk", mixinStandardHelpOptions = true,
        description = "Measure the disk's fdatasync ceiling: records of Cairn's on-disk size overwrite a "
                + "pre-written file, N records per write + fdatasync.")
final class DiskCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory for the test file (default: ${DEFAULT-VALUE}).",
            defaultValue = "bench-data")
    Path dir;

    @Option(names = "--seconds", description = "Seconds per group size (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    double seconds;

    @Option(names = "--groups", split = ",", description = "Records per fdatasync (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,16,64,256")
    List<Integer> groups;

    @Option(names = "--record-bytes", description = "Bytes per record (default: one single-event append of a "
            + "200-byte JSON event as Cairn encodes it, commit record included).")
    Integer recordBytes;

    @Override
    public Integer call() throws Exception {
        int bytes = recordBytes != null ? recordBytes : BenchEvents.appendBytes(1);
        System.out.println(Fmt.f("disk ceiling: %d-byte records (a %d-byte JSON event = %d-byte event record + %d-byte "
                        + "commit record), pre-written %d MiB file, write + fdatasync per group, %.0f s per group size, dir %s",
                bytes, BenchEvents.DATA_BYTES, BenchEvents.eventRecordBytes(), BenchEvents.appendBytes(1)
                        - BenchEvents.eventRecordBytes(), DiskCeiling.FILE_SIZE >> 20, seconds, dir.toAbsolutePath()));
        System.out.println(Fmt.f("%-8s %14s %10s %10s", "group", "records/s", "MB/s", "syncs/s"));
        try (DiskCeiling disk = DiskCeiling.prepare(dir)) {
            for (int group : groups) {
                print(disk.measure(bytes, group, seconds));
            }
        }
        return 0;
    }

    static void print(DiskCeiling.Result r) {
        System.out.println(Fmt.f("%-8d %14s %10.1f %10s", r.group(), Fmt.rate(r.recordsPerSecond()),
                r.megabytesPerSecond(), Fmt.rate(r.syncsPerSecond())));
    }
}
