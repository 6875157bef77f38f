package dev.cairn.eventsourcing;

import dev.cairn.api.StreamName;

/** No aggregate has events in the stream asked for. */
public class AggregateNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AggregateNotFoundException(StreamName stream) {
        super("no aggregate in stream '" + stream + "'");
    }
}
