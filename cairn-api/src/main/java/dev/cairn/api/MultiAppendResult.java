package dev.cairn.api;

import java.util.List;

/**
 * The outcome of an atomic append to several streams.
 *
 * @param results one per stream appended to, in request order
 * @param position the position of the last event written (the commit position of the whole append)
 */
public record MultiAppendResult(List<AppendResult> results, Position position) {

    public MultiAppendResult {
        results = List.copyOf(results);
    }
}
