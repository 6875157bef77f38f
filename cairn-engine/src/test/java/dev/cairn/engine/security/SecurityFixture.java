package dev.cairn.engine.security;

import dev.cairn.api.EventStore;
import dev.cairn.api.Principal;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded store with security on, per test. Password hashing uses the minimum iteration
 * count so that tests stay fast; the hashing itself is tested at the default count.
 */
abstract class SecurityFixture {

    static final int FAST_ITERATIONS = SecurityOptions.MIN_PASSWORD_ITERATIONS;

    @TempDir
    Path dir;

    EventStore store;
    Security security;
    Principal admin;

    @BeforeEach
    void open() {
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(100_000).build());
        security = Security.open(store, options().build());
        admin = security.authenticate("admin", "changeit");
    }

    SecurityOptions.Builder options() {
        return SecurityOptions.builder().passwordIterations(FAST_ITERATIONS);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** Reopens the store and security over the same directory. */
    void reopen() {
        store.close();
        store = Cairn.open(CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(100_000).build());
        security = Security.open(store, options().build());
    }

    /** Creates a user with these groups and returns its principal, logged in. */
    Principal user(String login, String... groups) {
        security.users(admin).createUser(login, login + " full", List.of(groups), login + "-pw");
        return security.authenticate(login, login + "-pw");
    }
}
