package dev.cairn.engine.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes: PBKDF2 with HMAC-SHA-256, a 16-byte random salt per password and
 * a 32-byte result, at an iteration count that makes each guess cost an attacker hundreds of
 * milliseconds (OWASP's 2023 advice for PBKDF2-SHA-256 is 600,000). The count is stored with each
 * hash, so raising it later keeps old hashes verifiable.
 *
 * <p>It also verifies the hashes KurrentDB itself writes (no algorithm recorded: PBKDF2 with
 * HMAC-SHA-1, 1,000 iterations, 20 bytes), so user records copied from KurrentDB keep working.
 *
 * <p>Thread-safe.
 */
final class PasswordHasher {

    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String KURRENTDB_ALGORITHM = "PBKDF2WithHmacSHA1";
    private static final int KURRENTDB_ITERATIONS = 1000;
    private static final int KURRENTDB_BYTES = 20;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    PasswordHasher(int iterations) {
        this.iterations = iterations;
    }

    /**
     * A stored hash.
     *
     * @param algorithm the JCA name of the PBKDF2 variant; null for KurrentDB's legacy hashes
     * @param iterations the iteration count
     * @param salt the salt, base64
     * @param hash the derived key, base64
     */
    record Hash(String algorithm, int iterations, String salt, String hash) {
    }

    Hash hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] derived = derive(ALGORITHM, password, salt, iterations, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder();
        return new Hash(ALGORITHM, iterations, b64.encodeToString(salt), b64.encodeToString(derived));
    }

    /** Whether the password matches; compares in constant time. False for a malformed hash. */
    boolean verify(String password, Hash stored) {
        try {
            byte[] salt = Base64.getDecoder().decode(stored.salt());
            byte[] expected = Base64.getDecoder().decode(stored.hash());
            byte[] actual = stored.algorithm() == null
                    ? derive(KURRENTDB_ALGORITHM, password, salt, KURRENTDB_ITERATIONS, KURRENTDB_BYTES)
                    : derive(stored.algorithm(), password, salt, stored.iterations(), expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(String algorithm, String password, byte[] salt, int iterations, int bytes) {
        if (!algorithm.startsWith("PBKDF2With") || iterations <= 0 || bytes <= 0 || salt.length == 0) {
            throw new IllegalArgumentException("unsupported password hash");
        }
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unsupported password hash " + algorithm, e);
        } finally {
            spec.clearPassword();
        }
    }
}
