package dev.cairn.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

/** PBKDF2-HMAC-SHA-256 at the default count, salted per password, and KurrentDB's legacy hashes. */
class PasswordHasherTest {

    @Test
    void hashesSlowlyWithAFreshSaltAndVerifiesInBothDirections() {
        PasswordHasher hasher = new PasswordHasher(SecurityOptions.DEFAULT_PASSWORD_ITERATIONS);
        PasswordHasher.Hash one = hasher.hash("correct horse");
        PasswordHasher.Hash two = hasher.hash("correct horse");
        assertThat(one.algorithm()).isEqualTo("PBKDF2WithHmacSHA256");
        assertThat(one.iterations()).isEqualTo(600_000);
        assertThat(Base64.getDecoder().decode(one.salt())).hasSize(16);
        assertThat(Base64.getDecoder().decode(one.hash())).hasSize(32);
        assertThat(one.salt()).isNotEqualTo(two.salt());
        assertThat(one.hash()).isNotEqualTo(two.hash());
        assertThat(hasher.verify("correct horse", one)).isTrue();
        assertThat(hasher.verify("correct horse!", one)).isFalse();
        // a hash made at another count stays verifiable
        assertThat(new PasswordHasher(1000).verify("correct horse", one)).isTrue();
    }

    @Test
    void verifiesKurrentDbsOwnHashes() throws Exception {
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1")
                .generateSecret(new PBEKeySpec("changeit".toCharArray(), salt, 1000, 160)).getEncoded();
        PasswordHasher.Hash legacy = new PasswordHasher.Hash(null, 0, Base64.getEncoder().encodeToString(salt),
                Base64.getEncoder().encodeToString(derived));
        PasswordHasher hasher = new PasswordHasher(1000);
        assertThat(hasher.verify("changeit", legacy)).isTrue();
        assertThat(hasher.verify("changeme", legacy)).isFalse();
        assertThat(hasher.verify("changeit", new PasswordHasher.Hash("MD5", 1, "AA==", "AA=="))).isFalse();
    }
}
