package dev.cairn.api;

import java.util.List;

/**
 * A stream's access control list ({@code $acl} in its metadata). Each list holds user names or
 * roles; {@code $all} means everyone. A null list means "not set here": the default from
 * {@code $settings} applies.
 *
 * @param read who may read ({@code $r})
 * @param write who may write ({@code $w})
 * @param delete who may delete ({@code $d})
 * @param metaRead who may read the metadata ({@code $mr})
 * @param metaWrite who may write the metadata ({@code $mw})
 */
public record Acl(List<String> read, List<String> write, List<String> delete, List<String> metaRead,
        List<String> metaWrite) {

    public Acl {
        read = read == null ? null : List.copyOf(read);
        write = write == null ? null : List.copyOf(write);
        delete = delete == null ? null : List.copyOf(delete);
        metaRead = metaRead == null ? null : List.copyOf(metaRead);
        metaWrite = metaWrite == null ? null : List.copyOf(metaWrite);
    }

    public static final Acl EMPTY = new Acl(null, null, null, null, null);
}
