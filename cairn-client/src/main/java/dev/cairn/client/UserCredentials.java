package dev.cairn.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and password, sent with each call as HTTP basic authentication, as the official
 * clients do.
 *
 * @param username the user
 * @param password the password, possibly empty
 */
public record UserCredentials(String username, String password) {

    public UserCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** The value of the {@code authorization} header. */
    public String basicAuthHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "UserCredentials[" + username + "]"; // never the password
    }
}
