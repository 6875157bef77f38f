package dev.cairn.engine.index;

import java.util.UUID;

/**
 * One event in the index.
 *
 * @param revision its revision in the stream
 * @param position its place in the log
 * @param id its event id
 */
public record IndexEntry(long revision, long position, UUID id) {
}
