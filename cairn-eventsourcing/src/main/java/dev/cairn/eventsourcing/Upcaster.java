package dev.cairn.eventsourcing;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the JSON of a stored event from one version of its type into the next, so old events
 * still load after the class changed. Register one per step ({@code 1 -> 2}, {@code 2 -> 3}); an
 * event stored at version 1 of a type now at version 3 goes through both, in order.
 *
 * <p>Upcasters run on every read of an old event and never rewrite the store: the past stays as
 * it was written. They must be pure functions of their input.
 */
@FunctionalInterface
public interface Upcaster {

    /** The event's JSON at the next version; may modify and return {@code json}. */
    ObjectNode upcast(ObjectNode json);
}
