package dev.cairn.client;

import dev.cairn.api.InvalidArgumentException;

/**
 * A node's address: host name or IP literal, and port.
 *
 * @param host the host, non-empty
 * @param port the port, 1 to 65535
 */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isEmpty()) {
            throw new InvalidArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new InvalidArgumentException("port must be 1 to 65535, was " + port);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
