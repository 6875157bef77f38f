package dev.cairn.server.tls;

import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS material a running node serves, which can be read again from its files without a
 * restart, as KurrentDB does on {@code POST /admin/reloadconfig} or {@code SIGHUP}: certificates
 * are renewed before they expire, and a node that holds business records should not have to stop
 * for that.
 *
 * <p>The server's TLS context is built once, over a key manager and a trust manager that look up
 * the current material at every handshake. So after {@link #reload()} every new connection gets
 * the new certificate and has its client certificate checked against the new roots, while
 * connections already open keep the session they negotiated. A reload whose files do not pass
 * {@link TlsSettings#load} changes nothing: the node goes on serving what it served.
 *
 * <p>Thread-safe.
 */
public final class NodeTls {

    private static final Logger LOG = LoggerFactory.getLogger(NodeTls.class);
    private static final char[] NO_PASSWORD = new char[0];

    /**
     * One loaded set of files. Its key sits under an alias of its own, so a handshake that chose
     * an alias just before a reload still gets that alias's certificate and key together, never
     * one from each set.
     */
    private record Generation(String alias, TlsSettings.Material material, X509ExtendedKeyManager keys,
            X509ExtendedTrustManager trust) {
    }

    private final TlsSettings settings;
    private final Clock clock;
    private final Object reloading = new Object();
    private int generations;
    private volatile Generation current;
    /** The generation before the current one, for a handshake under way across a reload. */
    private volatile Generation previous;

    private NodeTls(TlsSettings settings, Clock clock, TlsSettings.Material material) {
        this.settings = settings;
        this.clock = clock;
        this.current = generation(material);
    }

    /**
     * Reads and checks the files ({@link TlsSettings#load}) at the clock's current time.
     *
     * @throws IllegalArgumentException saying which file is wrong and how
     */
    public static NodeTls load(TlsSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        return new NodeTls(settings, clock, settings.load(clock.instant()));
    }

    /** Where the files are. */
    public TlsSettings settings() {
        return settings;
    }

    /** The material served now. */
    public TlsSettings.Material material() {
        return current.material();
    }

    /**
     * Whether clients are asked for a certificate: when trusted roots are configured. Fixed for
     * the node's life (the roots' path is, though the roots in it may change).
     */
    public boolean asksForClientCertificates() {
        return settings.trustedRootsPath() != null;
    }

    /**
     * Reads the files again and serves what they hold from the next handshake on.
     *
     * @return the material now served
     * @throws IllegalArgumentException when the files do not pass the checks of
     *     {@link TlsSettings#load}; the node then serves what it served before
     */
    public TlsSettings.Material reload() {
        synchronized (reloading) {
            TlsSettings.Material material;
            try {
                material = settings.load(clock.instant());
            } catch (IllegalArgumentException e) {
                LOG.error("the certificates were not reloaded, the node still serves the previous ones: {}",
                        e.getMessage());
                throw e;
            }
            Generation next = generation(material);
            previous = current;
            current = next;
            X509Certificate certificate = material.certificate();
            LOG.info("reloaded the certificates: now serving '{}', issued by '{}', valid until {}{}",
                    certificate.getSubjectX500Principal().getName(), certificate.getIssuerX500Principal().getName(),
                    certificate.getNotAfter().toInstant(), material.trustedRoots().isEmpty() ? ""
                            : "; " + material.trustedRoots().size() + " trusted root(s) for client certificates");
            return material;
        }
    }

    /** A key manager factory whose key manager serves the current certificate at every handshake. */
    public KeyManagerFactory keyManagerFactory() {
        return new KeyManagerFactoryWrapper(new CurrentKeys());
    }

    /**
     * A trust manager that checks client certificates against the current trusted roots. Only for
     * a node that {@link #asksForClientCertificates()}.
     */
    public TrustManager trustManager() {
        if (!asksForClientCertificates()) {
            throw new IllegalStateException("no trusted roots are configured");
        }
        return new CurrentTrust();
    }

    private Generation generation(TlsSettings.Material material) {
        synchronized (reloading) {
            String alias = "cairn-node-" + (++generations);
            try {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry(alias, material.key(), NO_PASSWORD, material.chain().toArray(new X509Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, NO_PASSWORD);
                X509ExtendedKeyManager keyManager = only(kmf.getKeyManagers(), X509ExtendedKeyManager.class);
                X509ExtendedTrustManager trustManager = null;
                if (!material.trustedRoots().isEmpty()) {
                    KeyStore roots = KeyStore.getInstance("PKCS12");
                    roots.load(null, null);
                    List<X509Certificate> trusted = material.trustedRoots();
                    for (int i = 0; i < trusted.size(); i++) {
                        roots.setCertificateEntry("root-" + i, trusted.get(i));
                    }
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(roots);
                    trustManager = only(tmf.getTrustManagers(), X509ExtendedTrustManager.class);
                }
                return new Generation(alias, material, keyManager, trustManager);
            } catch (GeneralSecurityException | IOException e) {
                // the material was already parsed and checked: only the JDK lacking PKCS12 gets here
                throw new IllegalStateException("cannot hold the TLS material in a key store: " + e.getMessage(), e);
            }
        }
    }

    private static <T> T only(Object[] managers, Class<T> type) {
        for (Object m : managers) {
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
        throw new IllegalStateException("the JDK gave no " + type.getSimpleName());
    }

    /** The generation that owns an alias a handshake chose, or null. */
    private Generation owner(String alias) {
        Generation now = current;
        if (now.alias().equals(alias)) {
            return now;
        }
        Generation before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    /** Server side only: the node never makes TLS connections of its own with this material. */
    private final class CurrentKeys extends X509ExtendedKeyManager {

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.keys().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Generation g = owner(alias);
            return g == null ? null : g.keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Generation g = owner(alias);
            return g == null ? null : g.keys().getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }
    }

    /** Checks client certificates; the node checks no server certificates with it. */
    private final class CurrentTrust extends X509ExtendedTrustManager {

        private X509ExtendedTrustManager trust() throws CertificateException {
            X509ExtendedTrustManager trust = current.trust();
            if (trust == null) {
                // cannot happen (load() refuses a roots path without roots), and trusting none is
                // the safe reading if it did
                throw new CertificateException("no trusted roots are loaded");
            }
            return trust;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            trust().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            trust().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the node checks no server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the node checks no server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the node checks no server certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return current.material().trustedRoots().toArray(new X509Certificate[0]);
        }
    }
}
