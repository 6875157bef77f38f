package dev.cairn.engine.security;

import dev.cairn.api.Acl;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.UserConflictException;
import dev.cairn.api.UserDetails;
import dev.cairn.api.UserNotFoundException;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.streams.SystemAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Users as KurrentDB keeps them in system streams, read and written without any access check
 * (callers check first):
 *
 * <ul>
 *   <li>{@code $user-<login>}: {@code $UserCreated}, then {@code $UserUpdated} events whose JSON
 *       ({@link UserRecord}) is the whole user; the last one is current. Its metadata gives
 *       {@code $admins} the write, delete and metadata-write rights; reads fall back to the system
 *       default ({@code $admins}). Deleting a user soft-deletes the stream.
 *   <li>{@code $users}: one {@code $User} event per user created, whose data is the login name.
 *   <li>{@code $users-password-notifications}: a {@code $PasswordChanged} event (JSON
 *       {@code {"loginName": ...}}) whenever a password, the groups or the enabled state change,
 *       kept an hour ({@code $maxAge}), for anything that caches credentials.
 * </ul>
 *
 * <p>A new user's record and its {@code $users} entry are written in one atomic append. Changes
 * use the revision they read as the expected state, so a concurrent change fails with
 * {@link UserConflictException} instead of being lost. Thread-safe.
 */
final class UserDirectory {

    static final String USER_STREAM_PREFIX = "$user-";
    static final StreamName USERS = StreamName.of("$users");
    static final StreamName PASSWORD_NOTIFICATIONS = StreamName.of("$users-password-notifications");
    static final EventType USER_CREATED = EventType.of("$UserCreated");
    static final EventType USER_UPDATED = EventType.of("$UserUpdated");
    static final EventType USER_ENTRY = EventType.of("$User");
    static final EventType PASSWORD_CHANGED = EventType.of("$PasswordChanged");

    private static final Acl USER_STREAM_ACL = new Acl(null, List.of(Principal.ADMINS), List.of(Principal.ADMINS), null,
            List.of(Principal.ADMINS));

    private final EventStore store;
    private final SystemAccess system;
    private final PasswordHasher hasher;

    UserDirectory(EventStore store, SystemAccess system, PasswordHasher hasher) {
        this.store = store;
        this.system = system;
        this.hasher = hasher;
    }

    /**
     * A user's current record.
     *
     * @param record the last record written
     * @param revision its revision in {@code $user-<login>}
     * @param written when it was written
     */
    record Stored(UserRecord record, long revision, Instant written) {
        UserDetails details() {
            return new UserDetails(record.loginName(), record.fullName(), record.groups(), record.disabled(), written);
        }
    }

    static StreamName streamOf(String login) {
        return StreamName.of(USER_STREAM_PREFIX + login);
    }

    /** Whether this can be a login name: {@link #requireLogin} would accept it. */
    static boolean isLogin(String login) {
        if (login == null || login.isEmpty() || login.length() > 256 || login.startsWith("$") || login.contains(":")) {
            return false;
        }
        return login.chars().noneMatch(Character::isISOControl);
    }

    static void requireLogin(String login) {
        if (!isLogin(login)) {
            throw new InvalidArgumentException("a login name must be 1 to 256 characters without control characters "
                    + "or ':', and must not start with '$'");
        }
    }

    private static void requireGroups(List<String> groups) {
        if (groups == null) {
            throw new InvalidArgumentException("groups must not be null (give an empty list)");
        }
        for (String g : groups) {
            if (g == null || g.isEmpty() || g.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidArgumentException("a group name must be non-empty text without control characters");
            }
        }
    }

    private static void requirePassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new InvalidArgumentException("a password must not be empty");
        }
    }

    /** The user's current record, or null when there is no such user. */
    Stored find(String login) {
        if (!isLogin(login)) {
            return null;
        }
        List<ResolvedEvent> last;
        try {
            last = store.readStreamToList(streamOf(login), ReadStreamOptions.backwards().maxCount(1));
        } catch (StreamNotFoundException | StreamDeletedException e) {
            return null;
        }
        if (last.isEmpty()) {
            return null;
        }
        var event = last.get(0).event();
        UserRecord record = UserRecord.parse(event.data());
        if (record == null || !record.loginName().equals(login)) {
            return null; // not a user record: refuse rather than guess
        }
        return new Stored(record, event.revision(), event.created());
    }

    Stored require(String login) {
        requireLogin(login);
        Stored stored = find(login);
        if (stored == null) {
            throw new UserNotFoundException(login);
        }
        return stored;
    }

    /** Whether the record's password is this one (slow: a full hash). */
    boolean passwordMatches(UserRecord record, String password) {
        return password != null && hasher.verify(password, record.passwordHash());
    }

    /** Creates a user; with the same password as an existing one, changes nothing. */
    void create(String login, String fullName, List<String> groups, String password) {
        requireLogin(login);
        requireGroups(groups);
        requirePassword(password);
        Stored existing = find(login);
        if (existing != null) {
            if (passwordMatches(existing.record(), password)) {
                return; // KurrentDB answers a repeated create as done
            }
            throw new UserConflictException(login, "user '" + login + "' exists already");
        }
        UserRecord record = UserRecord.create(login, fullName, groups, hasher.hash(password));
        StreamName stream = streamOf(login);
        try {
            // as KurrentDB: the ACL first; over a deleted user's stream it also undeletes it
            EventStore.await(store.setStreamMetadataAsync(stream, StreamState.any(),
                    StreamMetadata.EMPTY.withAcl(USER_STREAM_ACL)));
            long last = system.lastRevision(stream);
            StreamState expected = last < 0 ? StreamState.noStream() : StreamState.at(last);
            EventStore.await(system.appendAsync(List.of(
                    new AppendRequest(stream, expected, List.of(json(USER_CREATED, record.toJson()))),
                    new AppendRequest(USERS, StreamState.any(), List.of(new EventData(UUID.randomUUID(), USER_ENTRY,
                            ContentType.BINARY, login.getBytes(StandardCharsets.UTF_8), null))))));
        } catch (WrongExpectedVersionException e) {
            throw new UserConflictException(login, "user '" + login + "' was created concurrently");
        }
    }

    void updateDetails(String login, String fullName, List<String> groups) {
        requireGroups(groups);
        change(login, r -> r.withDetails(fullName, groups), true);
    }

    void setPassword(String login, String password) {
        requirePassword(password);
        PasswordHasher.Hash hash = hasher.hash(password);
        change(login, r -> r.withPassword(hash), true);
    }

    void setDisabled(String login, boolean disabled) {
        change(login, r -> r.withDisabled(disabled), true);
    }

    /** Writes a changed record, expecting the revision read; notifies credential caches. */
    void change(String login, UnaryOperator<UserRecord> update, boolean notify) {
        Stored stored = require(login);
        change(stored, update.apply(stored.record()), notify);
    }

    void change(Stored stored, UserRecord updated, boolean notify) {
        String login = stored.record().loginName();
        List<AppendRequest> parts = new ArrayList<>();
        parts.add(new AppendRequest(streamOf(login), StreamState.at(stored.revision()),
                List.of(json(USER_UPDATED, updated.toJson()))));
        if (notify) {
            parts.add(notification(login));
        }
        try {
            EventStore.await(system.appendAsync(parts));
        } catch (WrongExpectedVersionException e) {
            throw new UserConflictException(login, "user '" + login + "' was changed concurrently; try again");
        }
    }

    void delete(String login) {
        Stored stored = require(login);
        try {
            store.delete(streamOf(login), StreamState.at(stored.revision()));
        } catch (WrongExpectedVersionException e) {
            throw new UserConflictException(login, "user '" + login + "' was changed concurrently; try again");
        }
        EventStore.await(system.appendAsync(List.of(notification(login))));
    }

    /** Every user listed in {@code $users} that still exists, ordered by login name. */
    List<UserDetails> list() {
        Set<String> logins = new LinkedHashSet<>();
        try {
            for (ResolvedEvent e : store.readStreamToList(USERS, ReadStreamOptions.forwards())) {
                if (e.event().type().equals(USER_ENTRY)) {
                    logins.add(new String(e.event().data(), StandardCharsets.UTF_8));
                }
            }
        } catch (StreamNotFoundException e) {
            return List.of();
        }
        List<UserDetails> users = new ArrayList<>();
        for (String login : logins) {
            Stored stored = find(login);
            if (stored != null) {
                users.add(stored.details());
            }
        }
        users.sort(Comparator.comparing(UserDetails::loginName));
        return users;
    }

    /** Keeps password notifications for an hour, as KurrentDB does; once, on an empty store. */
    void configureNotifications() {
        try {
            if (store.getStreamMetadata(PASSWORD_NOTIFICATIONS).metastreamRevision() < 0) {
                store.setStreamMetadata(PASSWORD_NOTIFICATIONS, StreamState.noStream(),
                        StreamMetadata.EMPTY.withMaxAge(Duration.ofHours(1)));
            }
        } catch (WrongExpectedVersionException e) {
            // set concurrently: fine
        }
    }

    private static AppendRequest notification(String login) {
        String json = "{\"loginName\":" + jsonString(login) + "}";
        return new AppendRequest(PASSWORD_NOTIFICATIONS, StreamState.any(),
                List.of(json(PASSWORD_CHANGED, json.getBytes(StandardCharsets.UTF_8))));
    }

    private static EventData json(EventType type, byte[] data) {
        return new EventData(UUID.randomUUID(), type, ContentType.JSON, data, null);
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
