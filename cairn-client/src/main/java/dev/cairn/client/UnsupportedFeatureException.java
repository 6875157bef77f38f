package dev.cairn.client;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/**
 * The node does not serve a call the client needs (it is older than the KurrentDB release that
 * brought it, or a Cairn node that does not serve it yet). Nothing was written.
 */
public class UnsupportedFeatureException extends CairnException {

    private static final long serialVersionUID = 1L;

    UnsupportedFeatureException(String feature, Node node) {
        super(ErrorCode.UNAVAILABLE, "the node at " + node.endpoint() + " (version "
                + (node.version().isEmpty() ? "unknown" : node.version()) + ") does not serve " + feature);
    }
}
