package dev.cairn.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The events of a read, fetched lazily in pages so that a read of millions of events never holds
 * them all. Not thread-safe; close it when done early.
 */
public interface EventIterator extends Iterator<ResolvedEvent>, AutoCloseable {

    @Override
    void close();

    /** Drains the rest into a list (and closes). */
    default List<ResolvedEvent> toList() {
        List<ResolvedEvent> all = new ArrayList<>();
        try (this) {
            while (hasNext()) {
                all.add(next());
            }
        }
        return all;
    }
}
