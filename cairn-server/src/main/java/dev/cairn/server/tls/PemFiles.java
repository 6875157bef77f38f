package dev.cairn.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes PEM files: certificates ({@code CERTIFICATE} blocks) and unencrypted private
 * keys. Keys are written as PKCS#8 ({@code PRIVATE KEY}), the encoding every TLS stack the official
 * clients use reads; they are read in PKCS#8, PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
 * ({@code EC PRIVATE KEY}). Every failure is an {@link IllegalArgumentException} whose message
 * names the file and what is wrong with it. Stateless, thread-safe.
 */
public final class PemFiles {

    private static final int LINE = 64;

    private PemFiles() {
    }

    /** The certificates of a PEM file, in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file, String what) {
        byte[] bytes = readable(file, what);
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " holds no certificate");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + " " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The trusted root certificates at {@code path}: a PEM file, or a directory whose {@code .crt},
     * {@code .pem} and {@code .cer} files are read.
     */
    public static List<X509Certificate> readTrustedRoots(Path path) {
        String what = "trusted root certificates";
        if (!Files.isDirectory(path)) {
            return readCertificates(path, what + " file");
        }
        List<X509Certificate> roots = new ArrayList<>();
        try (Stream<Path> files = Files.list(path)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(file) && (name.endsWith(".crt") || name.endsWith(".pem") || name.endsWith(".cer"))) {
                    roots.addAll(readCertificates(file, what + " file"));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + what + " directory " + path + ": " + e.getMessage(), e);
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException(what + " directory " + path + " holds no .crt, .pem or .cer file");
        }
        return roots;
    }

    /** The unencrypted private key of a PEM file. */
    public static PrivateKey readPrivateKey(Path file, String what) {
        String text = new String(readable(file, what), StandardCharsets.US_ASCII);
        try (Reader reader = new StringReader(text); PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                switch (object) {
                    case PrivateKeyInfo info -> {
                        return jdkKey(info, converter);
                    }
                    case PEMKeyPair pair -> {
                        return jdkKey(pair.getPrivateKeyInfo(), converter);
                    }
                    case PKCS8EncryptedPrivateKeyInfo encrypted -> throw encrypted(file, what);
                    case PEMEncryptedKeyPair encrypted -> throw encrypted(file, what);
                    default -> {
                        // parameters or certificates next to the key: skip them
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " is not a PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(what + " " + file + " holds no private key");
    }

    /**
     * The key as the JDK's own providers make it, so that TLS and signatures never depend on
     * whether a Bouncy Castle provider happens to be installed; Bouncy Castle's otherwise.
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info, JcaPEMKeyConverter converter) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(info.getEncoded());
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        return converter.getPrivateKey(info);
    }

    private static IllegalArgumentException encrypted(Path file, String what) {
        return new IllegalArgumentException(what + " " + file
                + " is encrypted; Cairn reads unencrypted PEM keys (protect the file's permissions instead)");
    }

    private static byte[] readable(Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not a file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e, e);
        }
    }

    /** Writes a certificate as PEM; fails if the file exists. */
    public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            write(file, pem("CERTIFICATE", certificate.getEncoded()), false);
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a private key as unencrypted PKCS#8 PEM, readable by its owner only where the file
     * system has POSIX permissions; fails if the file exists.
     */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        write(file, pem("PRIVATE KEY", key.getEncoded()), true);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(LINE, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void write(Path file, String content, boolean secret) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite it");
        }
        Files.createFile(file);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
