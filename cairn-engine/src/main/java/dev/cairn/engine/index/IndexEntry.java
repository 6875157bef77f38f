package dev.cairn.engine.index;

import java.util.UUID;

/**
 * One event in the index.
 *
 * @param revision its revision in the stream
 * @param position its place in the log
 * @param id its event id, or null when it came from the index, which keeps positions only (indexes
 *     written before 2026-11-24 kept ids too): the log record at {@code position} has it
 */
public record IndexEntry(long revision, long position, UUID id) {
}
