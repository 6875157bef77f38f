package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.protocol.serverfeatures.ServerFeaturesGrpc;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.users.ChangePasswordReq;
import dev.cairn.protocol.users.CreateReq;
import dev.cairn.protocol.users.DeleteReq;
import dev.cairn.protocol.users.DetailsReq;
import dev.cairn.protocol.users.DetailsResp;
import dev.cairn.protocol.users.DisableReq;
import dev.cairn.protocol.users.EnableReq;
import dev.cairn.protocol.users.ResetPasswordReq;
import dev.cairn.protocol.users.UpdateReq;
import dev.cairn.protocol.users.UsersGrpc;
import dev.cairn.server.SecureTestNode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code event_store.client.users.Users} over the wire, with Cairn's own stubs (the official Java
 * client has no user management): every method, who may call it, and KurrentDB's errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersServiceTest {

    private static final Metadata.Key<String> EXCEPTION = Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> LOGIN = Metadata.Key.of("login-name", Metadata.ASCII_STRING_MARSHALLER);

    SecureTestNode node;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = SecureTestNode.start(dir);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private UsersGrpc.UsersBlockingStub as(String user, String password) {
        return UsersGrpc.newBlockingStub(node.channel(user, password)).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static CreateReq create(String login, String password, String... groups) {
        return CreateReq.newBuilder().setOptions(CreateReq.Options.newBuilder().setLoginName(login)
                .setFullName(login + " full").setPassword(password).addAllGroups(List.of(groups))).build();
    }

    private static DetailsReq details(String login) {
        return DetailsReq.newBuilder().setOptions(DetailsReq.Options.newBuilder().setLoginName(login)).build();
    }

    private static List<DetailsResp.UserDetails> all(UsersGrpc.UsersBlockingStub users, DetailsReq request) {
        List<DetailsResp.UserDetails> found = new ArrayList<>();
        users.details(request).forEachRemaining(r -> found.add(r.getUserDetails()));
        return found;
    }

    private static StatusRuntimeException failure(ThrowingCallable call) {
        try {
            call.call();
        } catch (StatusRuntimeException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void administratorsManageUsersOverTheWire() {
        UsersGrpc.UsersBlockingStub admin = as("admin", "changeit");
        admin.create(create("dora", "dora-pw", "explorers"));

        DetailsResp.UserDetails dora = all(admin, details("dora")).get(0);
        assertThat(dora.getLoginName()).isEqualTo("dora");
        assertThat(dora.getFullName()).isEqualTo("dora full");
        assertThat(dora.getGroupsList()).containsExactly("explorers");
        assertThat(dora.getDisabled()).isFalse();
        Instant updated = Instant.EPOCH.plus(dora.getLastUpdated().getTicksSinceEpoch() / 10, ChronoUnit.MICROS);
        assertThat(updated).isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(5));

        admin.update(UpdateReq.newBuilder().setOptions(UpdateReq.Options.newBuilder().setLoginName("dora")
                .setFullName("Dora").addGroups("maps")).build());
        assertThat(all(admin, details("dora")).get(0).getGroupsList()).containsExactly("maps");

        admin.disable(DisableReq.newBuilder().setOptions(DisableReq.Options.newBuilder().setLoginName("dora")).build());
        assertThat(all(admin, details("dora")).get(0).getDisabled()).isTrue();
        StatusRuntimeException disabled = failure(() -> all(as("dora", "dora-pw"), details("dora")));
        assertThat(disabled.getStatus().getCode()).as("%s", disabled).isEqualTo(Status.Code.UNAUTHENTICATED);
        admin.enable(EnableReq.newBuilder().setOptions(EnableReq.Options.newBuilder().setLoginName("dora")).build());

        // a user reads their own details and changes their own password
        UsersGrpc.UsersBlockingStub asDora = as("dora", "dora-pw");
        assertThat(all(asDora, details("dora"))).hasSize(1);
        asDora.changePassword(ChangePasswordReq.newBuilder().setOptions(ChangePasswordReq.Options.newBuilder()
                .setLoginName("dora").setCurrentPassword("dora-pw").setNewPassword("backpack")).build());
        assertThat(all(as("dora", "backpack"), details("dora"))).hasSize(1);

        admin.resetPassword(ResetPasswordReq.newBuilder().setOptions(ResetPasswordReq.Options.newBuilder()
                .setLoginName("dora").setNewPassword("swiper")).build());
        assertThat(all(as("dora", "swiper"), details("dora"))).hasSize(1);

        assertThat(all(admin, DetailsReq.getDefaultInstance())).extracting(DetailsResp.UserDetails::getLoginName)
                .contains("admin", "dora", "ops").isSorted();

        admin.delete(DeleteReq.newBuilder().setOptions(DeleteReq.Options.newBuilder().setLoginName("dora")).build());
        StatusRuntimeException gone = failure(() -> all(admin, details("dora")));
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(gone.getTrailers().get(EXCEPTION)).isEqualTo("user-not-found");
        assertThat(gone.getTrailers().get(LOGIN)).isEqualTo("dora");
    }

    @Test
    void errorsAreKurrentDbs() {
        UsersGrpc.UsersBlockingStub admin = as("admin", "changeit");
        admin.create(create("eve", "eve-pw"));
        StatusRuntimeException conflict = failure(() -> admin.create(create("eve", "other-pw")));
        assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(conflict.getTrailers().get(EXCEPTION)).isEqualTo("user-conflict");
        assertThat(conflict.getTrailers().get(LOGIN)).isEqualTo("eve");

        for (UsersGrpc.UsersBlockingStub notAdmin : List.of(as("eve", "eve-pw"), as("ops", "changeit"), as(null, null))) {
            StatusRuntimeException denied = failure(() -> notAdmin.create(create("frank", "x")));
            assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(denied.getTrailers().get(EXCEPTION)).isEqualTo("access-denied");
            assertThat(failure(() -> all(notAdmin, DetailsReq.getDefaultInstance())).getStatus().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(failure(() -> all(notAdmin, details("admin"))).getStatus().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        StatusRuntimeException wrongCurrent = failure(() -> as("eve", "eve-pw").changePassword(
                ChangePasswordReq.newBuilder().setOptions(ChangePasswordReq.Options.newBuilder().setLoginName("eve")
                        .setCurrentPassword("nope").setNewPassword("x")).build()));
        assertThat(wrongCurrent.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(failure(() -> as("eve", "nope").create(create("g", "x"))).getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(failure(() -> admin.create(create("", "x"))).getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aSecureNodeListsUserManagementInItsFeatures() {
        var features = ServerFeaturesGrpc.newBlockingStub(node.channel(null, null))
                .getSupportedMethods(Empty.getDefaultInstance());
        assertThat(features.getMethodsList()).anySatisfy(m -> {
            assertThat(m.getServiceName()).isEqualTo("event_store.client.users.users");
            assertThat(m.getMethodName()).isEqualTo("resetpassword");
        });
    }
}
