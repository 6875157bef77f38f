package dev.cairn.engine.security;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Principal;
import java.io.IOException;
import java.util.List;

/**
 * A user as stored in the data of {@code $UserCreated} and {@code $UserUpdated} events in the
 * user's stream {@code $user-<login>}: KurrentDB's JSON ({@code loginName}, {@code fullName},
 * {@code groups}, {@code hash}, {@code salt}, {@code disabled}, camel case) plus the hash's
 * {@code algorithm} and {@code iterations}, which KurrentDB's own records lack (they mean its
 * legacy PBKDF2-SHA-1). The last event of the stream is the user's current state.
 *
 * @param loginName the login name
 * @param fullName a display name
 * @param groups the user's groups (roles)
 * @param hash the password hash, base64
 * @param salt the salt, base64
 * @param disabled whether logins are refused
 * @param algorithm the hash's JCA algorithm, or null for KurrentDB's legacy hash
 * @param iterations the hash's iteration count (0 with a legacy hash)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record UserRecord(String loginName, String fullName, List<String> groups, String hash, String salt, boolean disabled,
        String algorithm, int iterations) {

    private static final ObjectMapper JSON = new ObjectMapper();

    UserRecord {
        groups = groups == null ? List.of() : List.copyOf(groups);
        fullName = fullName == null ? "" : fullName;
    }

    static UserRecord create(String login, String fullName, List<String> groups, PasswordHasher.Hash hash) {
        return new UserRecord(login, fullName, groups, hash.hash(), hash.salt(), false, hash.algorithm(),
                hash.iterations());
    }

    PasswordHasher.Hash passwordHash() {
        return new PasswordHasher.Hash(algorithm, iterations, salt, hash);
    }

    Principal principal() {
        return Principal.user(loginName, groups);
    }

    UserRecord withDetails(String newFullName, List<String> newGroups) {
        return new UserRecord(loginName, newFullName, newGroups, hash, salt, disabled, algorithm, iterations);
    }

    UserRecord withPassword(PasswordHasher.Hash h) {
        return new UserRecord(loginName, fullName, groups, h.hash(), h.salt(), disabled, h.algorithm(), h.iterations());
    }

    UserRecord withDisabled(boolean value) {
        return new UserRecord(loginName, fullName, groups, hash, salt, value, algorithm, iterations);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a user record", e);
        }
    }

    /** Parses a stored record; null when it is not one. */
    static UserRecord parse(byte[] json) {
        try {
            UserRecord r = JSON.readValue(json, UserRecord.class);
            return r.loginName() == null || r.hash() == null || r.salt() == null ? null : r;
        } catch (IOException e) {
            return null;
        }
    }

    /** Never shows the hash. */
    @Override
    public String toString() {
        return "UserRecord[" + loginName + ", groups=" + groups + (disabled ? ", disabled" : "") + "]";
    }
}
