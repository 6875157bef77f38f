package dev.cairn.server.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where a node's TLS material lives, with KurrentDB's option names: the node's certificate
 * ({@code --certificate-file}, PEM, the node's certificate first, then any intermediates), its
 * private key ({@code --certificate-private-key-file}, unencrypted PEM) and, optionally, the
 * trusted root certificates ({@code --trusted-root-certificates-path}, a PEM file or a directory of
 * them) that the node's certificate must chain to and that client certificates are checked
 * against.
 *
 * @param certificateFile the node's certificate chain
 * @param privateKeyFile the node's private key
 * @param trustedRootsPath the trusted roots, or null for none (then client certificates are not
 *     asked for)
 */
public record TlsSettings(Path certificateFile, Path privateKeyFile, Path trustedRootsPath) {

    public TlsSettings {
        Objects.requireNonNull(certificateFile, "certificate file");
        Objects.requireNonNull(privateKeyFile, "private key file");
    }

    /**
     * TLS material checked and ready to serve.
     *
     * @param key the node's private key
     * @param chain the node's certificate first, then intermediates
     * @param trustedRoots roots for client certificates; empty when none were configured
     */
    public record Material(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustedRoots) {
        public Material {
            chain = List.copyOf(chain);
            trustedRoots = List.copyOf(trustedRoots);
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    /**
     * Reads and checks the files: they exist and parse, the key belongs to the certificate, the
     * certificate is valid at {@code now}, and it chains to a trusted root when roots are given.
     *
     * @throws IllegalArgumentException saying which file is wrong and how
     */
    public Material load(Instant now) {
        List<X509Certificate> chain = PemFiles.readCertificates(certificateFile, "certificate file");
        PrivateKey key = PemFiles.readPrivateKey(privateKeyFile, "certificate private key file");
        X509Certificate leaf = chain.get(0);
        requireKeyMatches(leaf, key);
        requireValid(leaf, now);
        List<X509Certificate> roots = List.of();
        if (trustedRootsPath != null) {
            roots = PemFiles.readTrustedRoots(trustedRootsPath);
            requireChainsToRoot(chain, roots, now);
        }
        return new Material(key, chain, roots);
    }

    private void requireKeyMatches(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // an unusual key type: the TLS handshake will tell
        }
        byte[] probe = "cairn key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key in " + privateKeyFile
                    + " does not belong to the certificate in " + certificateFile);
        }
    }

    private void requireValid(X509Certificate certificate, Instant now) {
        try {
            certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("the certificate in " + certificateFile + " expired on "
                    + certificate.getNotAfter().toInstant() + "; create a new one (cairn certs create-node)");
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate in " + certificateFile + " is not valid before "
                    + certificate.getNotBefore().toInstant());
        }
    }

    private void requireChainsToRoot(List<X509Certificate> chain, List<X509Certificate> roots, Instant now) {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            roots.forEach(r -> anchors.add(new TrustAnchor(r, null)));
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            // a root the file carries at the end of its chain is an anchor, not part of the path
            List<X509Certificate> path = chain.stream().filter(c -> !roots.contains(c)).toList();
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate in " + certificateFile
                    + " is not signed by a root in " + trustedRootsPath + ": " + e.getMessage(), e);
        }
    }
}
