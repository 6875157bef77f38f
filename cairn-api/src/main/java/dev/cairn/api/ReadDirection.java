package dev.cairn.api;

/** The direction of a read. */
public enum ReadDirection {
    FORWARDS,
    BACKWARDS
}
