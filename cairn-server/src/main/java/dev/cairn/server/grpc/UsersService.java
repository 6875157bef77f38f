package dev.cairn.server.grpc;

import com.linecorp.armeria.server.annotation.Blocking;
import dev.cairn.api.UserDetails;
import dev.cairn.api.UserManager;
import dev.cairn.engine.security.Security;
import dev.cairn.protocol.users.ChangePasswordReq;
import dev.cairn.protocol.users.ChangePasswordResp;
import dev.cairn.protocol.users.CreateReq;
import dev.cairn.protocol.users.CreateResp;
import dev.cairn.protocol.users.DeleteReq;
import dev.cairn.protocol.users.DeleteResp;
import dev.cairn.protocol.users.DetailsReq;
import dev.cairn.protocol.users.DetailsResp;
import dev.cairn.protocol.users.DisableReq;
import dev.cairn.protocol.users.DisableResp;
import dev.cairn.protocol.users.EnableReq;
import dev.cairn.protocol.users.EnableResp;
import dev.cairn.protocol.users.ResetPasswordReq;
import dev.cairn.protocol.users.ResetPasswordResp;
import dev.cairn.protocol.users.UpdateReq;
import dev.cairn.protocol.users.UpdateResp;
import dev.cairn.protocol.users.UsersGrpc;
import dev.cairn.server.security.CallPrincipal;
import io.grpc.stub.StreamObserver;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code event_store.client.users.Users}, KurrentDB's user management, over {@link Security}'s
 * {@link UserManager} for the calling principal. Served only by secure nodes. Like KurrentDB,
 * {@code Update} changes the full name and groups and ignores the password field. Errors: access
 * denied, {@code user-not-found} (NOT_FOUND) and {@code user-conflict} (FAILED_PRECONDITION), with
 * the {@code login-name} trailer. Thread-safe (stateless).
 *
 * <p>Runs on Armeria's blocking-task executor ({@link Blocking}): user changes wait for the store
 * and password changes hash.
 */
@Blocking
public final class UsersService extends UsersGrpc.UsersImplBase {

    private final Security security;

    public UsersService(Security security) {
        this.security = security;
    }

    private UserManager users() {
        return security.users(CallPrincipal.current());
    }

    @Override
    public void create(CreateReq request, StreamObserver<CreateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            CreateReq.Options o = request.getOptions();
            users().createUser(o.getLoginName(), o.getFullName(), o.getGroupsList(), o.getPassword());
            return CreateResp.getDefaultInstance();
        });
    }

    @Override
    public void update(UpdateReq request, StreamObserver<UpdateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            UpdateReq.Options o = request.getOptions();
            users().updateUser(o.getLoginName(), o.getFullName(), o.getGroupsList());
            return UpdateResp.getDefaultInstance();
        });
    }

    @Override
    public void delete(DeleteReq request, StreamObserver<DeleteResp> responses) {
        GrpcErrors.answer(responses, () -> {
            users().deleteUser(request.getOptions().getLoginName());
            return DeleteResp.getDefaultInstance();
        });
    }

    @Override
    public void disable(DisableReq request, StreamObserver<DisableResp> responses) {
        GrpcErrors.answer(responses, () -> {
            users().disableUser(request.getOptions().getLoginName());
            return DisableResp.getDefaultInstance();
        });
    }

    @Override
    public void enable(EnableReq request, StreamObserver<EnableResp> responses) {
        GrpcErrors.answer(responses, () -> {
            users().enableUser(request.getOptions().getLoginName());
            return EnableResp.getDefaultInstance();
        });
    }

    @Override
    public void details(DetailsReq request, StreamObserver<DetailsResp> responses) {
        List<UserDetails> found;
        try {
            String login = request.hasOptions() ? request.getOptions().getLoginName() : "";
            found = login.isBlank() ? users().listUsers() : List.of(users().getUser(login));
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        for (UserDetails user : found) {
            responses.onNext(DetailsResp.newBuilder().setUserDetails(details(user)).build());
        }
        responses.onCompleted();
    }

    private static DetailsResp.UserDetails details(UserDetails user) {
        DetailsResp.UserDetails.Builder b = DetailsResp.UserDetails.newBuilder()
                .setLoginName(user.loginName())
                .setFullName(user.fullName())
                .addAllGroups(user.groups())
                .setDisabled(user.disabled());
        if (user.lastUpdated() != null) {
            // .NET ticks (100 ns) since the Unix epoch
            long micros = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, user.lastUpdated());
            b.setLastUpdated(DetailsResp.UserDetails.DateTime.newBuilder().setTicksSinceEpoch(micros * 10));
        }
        return b.build();
    }

    @Override
    public void changePassword(ChangePasswordReq request, StreamObserver<ChangePasswordResp> responses) {
        GrpcErrors.answer(responses, () -> {
            ChangePasswordReq.Options o = request.getOptions();
            users().changePassword(o.getLoginName(), o.getCurrentPassword(), o.getNewPassword());
            return ChangePasswordResp.getDefaultInstance();
        });
    }

    @Override
    public void resetPassword(ResetPasswordReq request, StreamObserver<ResetPasswordResp> responses) {
        GrpcErrors.answer(responses, () -> {
            ResetPasswordReq.Options o = request.getOptions();
            users().resetPassword(o.getLoginName(), o.getNewPassword());
            return ResetPasswordResp.getDefaultInstance();
        });
    }
}
