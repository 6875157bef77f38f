package dev.cairn.server.grpc;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.HttpHeaderNames;
import dev.cairn.api.UserDetails;
import dev.cairn.protocol.users.CreateReq;
import dev.cairn.protocol.users.DeleteReq;
import dev.cairn.protocol.users.DetailsReq;
import dev.cairn.protocol.users.DetailsResp;
import dev.cairn.protocol.users.DisableReq;
import dev.cairn.protocol.users.EnableReq;
import dev.cairn.protocol.users.ResetPasswordReq;
import dev.cairn.protocol.users.UpdateReq;
import dev.cairn.protocol.users.UsersGrpc;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A client of a node's {@code Users} service for the command line ({@code cairn users}): plain Java
 * in, plain Java out, over TLS trusting a CA file (or the JDK's trust store), as one user.
 * Failures are {@link UsersClient.Failure}s carrying the gRPC status name and description.
 * Not thread-safe; close it when done.
 */
public final class UsersClient implements AutoCloseable {

    /** A call the node refused or could not serve. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String status;

        Failure(StatusRuntimeException e) {
            super(e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
                    : ": " + e.getStatus().getDescription()), e);
            this.status = e.getStatus().getCode().name();
        }

        /** The gRPC status code name, such as {@code PERMISSION_DENIED}. */
        public String status() {
            return status;
        }
    }

    static {
        // as the server does: the JDK's TLS is enough, and skipping the BoringSSL probe is faster
        if (System.getProperty("com.linecorp.armeria.useOpenSsl") == null) {
            System.setProperty("com.linecorp.armeria.useOpenSsl", "false");
        }
    }

    private final ClientFactory factory;
    private final UsersGrpc.UsersBlockingStub users;

    /**
     * @param node the node's address, such as {@code https://localhost:2113}
     * @param caFile the CA to trust, or null for the JDK's trust store
     */
    public UsersClient(String node, Path caFile, String login, String password) {
        var factoryBuilder = ClientFactory.builder();
        if (caFile != null) {
            factoryBuilder.tlsCustomizer(tls -> tls.trustManager(caFile.toFile()));
        }
        this.factory = factoryBuilder.build();
        String basic = Base64.getEncoder().encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.users = GrpcClients.builder(node).factory(factory).responseTimeout(Duration.ofSeconds(30))
                .addHeader(HttpHeaderNames.AUTHORIZATION, "Basic " + basic)
                .build(UsersGrpc.UsersBlockingStub.class);
    }

    private interface Call<T> {
        T run();
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (StatusRuntimeException e) {
            throw new Failure(e);
        }
    }

    public void create(String login, String fullName, List<String> groups, String password) {
        call(() -> users.create(CreateReq.newBuilder().setOptions(CreateReq.Options.newBuilder().setLoginName(login)
                .setFullName(fullName).addAllGroups(groups).setPassword(password)).build()));
    }

    public void update(String login, String fullName, List<String> groups) {
        call(() -> users.update(UpdateReq.newBuilder().setOptions(UpdateReq.Options.newBuilder().setLoginName(login)
                .setFullName(fullName).addAllGroups(groups)).build()));
    }

    public void delete(String login) {
        call(() -> users.delete(DeleteReq.newBuilder().setOptions(DeleteReq.Options.newBuilder().setLoginName(login))
                .build()));
    }

    public void disable(String login) {
        call(() -> users.disable(DisableReq.newBuilder().setOptions(DisableReq.Options.newBuilder()
                .setLoginName(login)).build()));
    }

    public void enable(String login) {
        call(() -> users.enable(EnableReq.newBuilder().setOptions(EnableReq.Options.newBuilder().setLoginName(login))
                .build()));
    }

    public void resetPassword(String login, String newPassword) {
        call(() -> users.resetPassword(ResetPasswordReq.newBuilder().setOptions(ResetPasswordReq.Options.newBuilder()
                .setLoginName(login).setNewPassword(newPassword)).build()));
    }

    /** One user ({@code login} given) or all of them (null). */
    public List<UserDetails> details(String login) {
        return call(() -> {
            DetailsReq.Options.Builder options = DetailsReq.Options.newBuilder();
            if (login != null) {
                options.setLoginName(login);
            }
            List<UserDetails> found = new ArrayList<>();
            users.details(DetailsReq.newBuilder().setOptions(options).build()).forEachRemaining(r -> {
                DetailsResp.UserDetails d = r.getUserDetails();
                Instant updated = d.hasLastUpdated()
                        ? Instant.EPOCH.plus(d.getLastUpdated().getTicksSinceEpoch() / 10, ChronoUnit.MICROS) : null;
                found.add(new UserDetails(d.getLoginName(), d.getFullName(), d.getGroupsList(), d.getDisabled(),
                        updated));
            });
            return found;
        });
    }

    @Override
    public void close() {
        factory.close();
    }
}
