package dev.cairn.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.Acl;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.NotAuthenticatedException;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.UserConflictException;
import dev.cairn.api.UserDetails;
import dev.cairn.api.UserManager;
import dev.cairn.api.UserNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Users in system streams, as KurrentDB keeps them, and the rules of user management and login.
 */
class UsersTest extends SecurityFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private List<RecordedEvent> read(String stream) {
        return store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards()).stream()
                .map(ResolvedEvent::event).toList();
    }

    private Principal login(String name, String password) {
        return security.authenticate(name, password);
    }

    @Test
    void defaultUsersAreStoredAsKurrentDbStoresThem() throws Exception {
        List<RecordedEvent> admin = read("$user-admin");
        assertThat(admin).hasSize(1);
        assertThat(admin.get(0).type().value()).isEqualTo("$UserCreated");
        JsonNode record = JSON.readTree(admin.get(0).data());
        assertThat(record.get("loginName").asText()).isEqualTo("admin");
        assertThat(record.get("groups")).hasSize(1);
        assertThat(record.get("groups").get(0).asText()).isEqualTo("$admins");
        assertThat(record.get("disabled").asBoolean()).isFalse();
        assertThat(record.get("salt").asText()).isNotEmpty();
        assertThat(record.get("algorithm").asText()).isEqualTo("PBKDF2WithHmacSHA256");
        assertThat(new String(admin.get(0).data(), StandardCharsets.UTF_8)).doesNotContain("changeit");

        JsonNode ops = JSON.readTree(read("$user-ops").get(0).data());
        assertThat(ops.get("groups").get(0).asText()).isEqualTo("$ops");

        assertThat(read("$users")).extracting(e -> e.type().value() + ":" + e.dataAsString())
                .containsExactly("$User:admin", "$User:ops");
        Acl acl = store.getStreamMetadata(StreamName.of("$user-admin")).metadata().acl();
        assertThat(acl).isEqualTo(new Acl(null, List.of("$admins"), List.of("$admins"), null, List.of("$admins")));

        assertThat(login("admin", "changeit").groups()).containsExactly("$admins");
        assertThat(login("ops", "changeit").isOpsOrAdmin()).isTrue();
        assertThat(security.defaultPasswordsInUse()).containsExactly("admin", "ops");
    }

    @Test
    void initialPasswordsComeFromTheOptionsAndDeletedDefaultUsersStayDeleted() {
        store.close();
        store = dev.cairn.engine.Cairn.open(dev.cairn.engine.CairnOptions.builder(dir.resolve("other"))
                .segmentSize(1 << 20).maxEventSize(100_000).build());
        security = Security.open(store, options().initialAdminPassword("s3cret-admin")
                .initialOpsPassword("s3cret-ops").build());
        assertThat(login("admin", "s3cret-admin").isAdmin()).isTrue();
        assertThat(login("ops", "s3cret-ops").name()).isEqualTo("ops");
        assertThatThrownBy(() -> login("admin", "changeit")).isInstanceOf(NotAuthenticatedException.class);
        assertThat(security.defaultPasswordsInUse()).isEmpty();

        Principal admin = login("admin", "s3cret-admin");
        security.users(admin).deleteUser("ops");
        store.close();
        store = dev.cairn.engine.Cairn.open(dev.cairn.engine.CairnOptions.builder(dir.resolve("other"))
                .segmentSize(1 << 20).maxEventSize(100_000).build());
        security = Security.open(store, options().build());
        assertThatThrownBy(() -> login("ops", "changeit")).isInstanceOf(NotAuthenticatedException.class);
        assertThat(read("$users")).hasSize(2);
    }

    @Test
    void administratorsManageUsers() {
        UserManager users = security.users(admin);
        users.createUser("alice", "Alice Liddell", List.of("readers", "writers"), "rabbit");
        UserDetails alice = users.getUser("alice");
        assertThat(alice.fullName()).isEqualTo("Alice Liddell");
        assertThat(alice.groups()).containsExactly("readers", "writers");
        assertThat(alice.disabled()).isFalse();
        assertThat(alice.lastUpdated()).isNotNull();
        assertThat(login("alice", "rabbit").groups()).containsExactlyInAnyOrder("readers", "writers");

        // creating again with the same password changes nothing; with another, conflicts
        users.createUser("alice", "Alice Liddell", List.of("readers", "writers"), "rabbit");
        assertThat(read("$user-alice")).hasSize(1);
        assertThatThrownBy(() -> users.createUser("alice", "Other", List.of(), "hatter"))
                .isInstanceOf(UserConflictException.class);

        users.updateUser("alice", "Alice", List.of("readers"));
        assertThat(users.getUser("alice").groups()).containsExactly("readers");
        assertThat(login("alice", "rabbit").groups()).containsExactly("readers");
        assertThat(read("$user-alice")).extracting(e -> e.type().value())
                .containsExactly("$UserCreated", "$UserUpdated");

        users.disableUser("alice");
        assertThat(users.getUser("alice").disabled()).isTrue();
        assertThat(security.login("alice", "rabbit"))
                .isEqualTo(new LoginOutcome.Refused(Authenticator.DISABLED));
        users.enableUser("alice");
        assertThat(login("alice", "rabbit").name()).isEqualTo("alice");

        users.resetPassword("alice", "queen");
        assertThatThrownBy(() -> login("alice", "rabbit")).isInstanceOf(NotAuthenticatedException.class);
        assertThat(login("alice", "queen").name()).isEqualTo("alice");

        assertThat(users.listUsers()).extracting(UserDetails::loginName).containsExactly("admin", "alice", "ops");
        assertThat(read("$users-password-notifications")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.type().value()).isEqualTo("$PasswordChanged"));

        users.deleteUser("alice");
        assertThatThrownBy(() -> users.getUser("alice")).isInstanceOf(UserNotFoundException.class);
        assertThatThrownBy(() -> read("$user-alice")).isInstanceOf(StreamNotFoundException.class);
        assertThat(security.login("alice", "queen")).isEqualTo(new LoginOutcome.Refused(Authenticator.UNKNOWN_USER));
        assertThat(users.listUsers()).extracting(UserDetails::loginName).containsExactly("admin", "ops");

        // a deleted login can be created again, with a fresh record
        users.createUser("alice", "Alice II", List.of(), "looking-glass");
        assertThat(users.getUser("alice").fullName()).isEqualTo("Alice II");
        assertThat(login("alice", "looking-glass").groups()).isEmpty();
        assertThat(users.listUsers()).extracting(UserDetails::loginName).containsExactly("admin", "alice", "ops");
    }

    @Test
    void onlyAdministratorsManageOthers() {
        Principal bob = user("bob", "$ops");
        UserManager asBob = security.users(bob);
        assertThatThrownBy(() -> asBob.createUser("eve", "", List.of(), "x")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.updateUser("admin", "", List.of())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.deleteUser("admin")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.disableUser("admin")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.enableUser("admin")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.resetPassword("admin", "x")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(asBob::listUsers).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.getUser("admin")).isInstanceOf(AccessDeniedException.class);
        assertThat(asBob.getUser("bob").loginName()).isEqualTo("bob");
        assertThatThrownBy(() -> security.users(Principal.ANONYMOUS).getUser("bob"))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(read("$user-admin")).hasSize(1);
    }

    @Test
    void aUserChangesTheirPasswordKnowingTheCurrentOne() {
        Principal carol = user("carol");
        UserManager asCarol = security.users(carol);
        assertThatThrownBy(() -> asCarol.changePassword("carol", "wrong", "new-pw"))
                .isInstanceOf(AccessDeniedException.class);
        asCarol.changePassword("carol", "carol-pw", "new-pw");
        assertThatThrownBy(() -> login("carol", "carol-pw")).isInstanceOf(NotAuthenticatedException.class);
        assertThat(login("carol", "new-pw").name()).isEqualTo("carol");
        assertThatThrownBy(() -> security.users(Principal.ANONYMOUS).changePassword("carol", "new-pw", "x"))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void loginsAreRefusedWithoutSayingWhy() {
        assertThat(security.login("nobody", "x")).isEqualTo(new LoginOutcome.Refused(Authenticator.UNKNOWN_USER));
        assertThat(security.login("admin", "wrong")).isEqualTo(new LoginOutcome.Refused(Authenticator.WRONG_PASSWORD));
        assertThat(security.login("$admins", "x")).isEqualTo(new LoginOutcome.Refused(Authenticator.UNKNOWN_USER));
        assertThat(security.login("admin", "")).isEqualTo(new LoginOutcome.Refused(Authenticator.WRONG_PASSWORD));
        assertThatThrownBy(() -> login("admin", "wrong")).isInstanceOf(NotAuthenticatedException.class)
                .hasMessage("invalid credentials");
    }

    @Test
    void aRememberedPasswordStopsCountingWhenTheUserChanges() {
        user("dave");
        // remembered now; an admin changes the user behind the cache's back by writing its stream
        assertThat(login("dave", "dave-pw").name()).isEqualTo("dave");
        security.users(admin).disableUser("dave");
        assertThatThrownBy(() -> login("dave", "dave-pw")).isInstanceOf(NotAuthenticatedException.class);
        security.users(admin).enableUser("dave");
        assertThat(login("dave", "dave-pw").name()).isEqualTo("dave");
        security.users(admin).deleteUser("dave");
        assertThatThrownBy(() -> login("dave", "dave-pw")).isInstanceOf(NotAuthenticatedException.class);
    }

    @Test
    void malformedInputIsRefused() {
        UserManager users = security.users(admin);
        assertThatThrownBy(() -> users.createUser("", "", List.of(), "x")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> users.createUser("a:b", "", List.of(), "x")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> users.createUser("$x", "", List.of(), "x")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> users.createUser("x", "", List.of(), "")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> users.createUser("x", "", List.of(""), "y")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> users.updateUser("ghost", "", List.of())).isInstanceOf(UserNotFoundException.class);
    }
}
