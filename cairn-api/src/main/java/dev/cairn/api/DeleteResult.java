package dev.cairn.api;

/**
 * The outcome of a delete or tombstone.
 *
 * @param position the position of the record that marks the deletion
 */
public record DeleteResult(Position position) {
}
