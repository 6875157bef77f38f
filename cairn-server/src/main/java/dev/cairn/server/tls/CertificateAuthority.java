package dev.cairn.server.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority: it creates itself (a self-signed CA certificate) and
 * signs node certificates (TLS servers) and user certificates (TLS clients, for client-certificate
 * authentication). What {@code cairn certs} runs; KurrentDB users need a separate tool for it.
 *
 * <p>Keys are ECDSA on P-256 (NIST curve secp256r1, about as strong as RSA 3072, and understood by
 * every TLS stack the official clients use), signatures SHA-256 with ECDSA. Serial numbers are 128
 * random bits. Validity: {@link #CA_VALIDITY} for the CA, {@link #LEAF_VALIDITY} for what it signs;
 * both start an hour in the past so that a slightly slow clock elsewhere does not reject them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param certificate the CA certificate
 * @param key the CA's private key
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

    /** How long a CA certificate is valid: five years. */
    public static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
    /** How long a node or user certificate is valid: one year (renew with {@code cairn certs}). */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);

    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    public CertificateAuthority {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** A certificate and the private key that goes with it. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /** Creates a new CA whose certificate names it {@code commonName}. */
    public static CertificateAuthority create(String commonName, Instant now) {
        KeyPair pair = newKeyPair();
        X500Name subject = name(commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, pair, now, CA_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a node (TLS server) certificate for these IP addresses and DNS names, which clients
     * check against the address they connect to. It may also authenticate the node as a TLS
     * client, as KurrentDB's node certificates do.
     */
    public Issued issueNode(String commonName, List<InetAddress> ips, List<String> dnsNames, Instant now) {
        if (ips.isEmpty() && dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a node certificate needs at least one IP address or DNS name");
        }
        List<GeneralName> names = new ArrayList<>();
        ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress())));
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        return issue(commonName, new GeneralNames(names.toArray(GeneralName[]::new)),
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, now);
    }

    /** Issues a user (TLS client) certificate whose common name is the user's login name. */
    public Issued issueUser(String login, Instant now) {
        if (login == null || login.isBlank()) {
            throw new IllegalArgumentException("a user certificate needs a login name");
        }
        return issue(login, null, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, now);
    }

    private Issued issue(String commonName, GeneralNames altNames, KeyPurposeId[] purposes, Instant now) {
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = builder(issuer, name(commonName), pair, now, LEAF_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new Issued(sign(builder, key), pair.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Instant now,
            Duration validity) {
        BigInteger serial = new BigInteger(128, RANDOM).setBit(127); // positive, full length
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(validity)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    }

    private static X500Name name(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate needs a common name");
        }
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot create P-256 keys: " + e.getMessage(), e);
        }
    }
}
