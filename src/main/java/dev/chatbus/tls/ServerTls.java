package dev.chatbus.tls;

import dev.chatbus.config.ChatbusConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TCPSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The server side of TLS for a node's listeners: the context every new TLS connection starts from, made from
 * the PEM files of {@link ChatbusConfig.Tls}, and made again when one of them changes ({@link #reloadIfChanged}),
 * so that a renewed certificate serves new connections without a restart while open ones go on with theirs.
 * <p>
 * TLS 1.3 and 1.2 only, with the cipher suites of Netty's list for HTTP/2 (forward secrecy and
 * authenticated encryption: ECDHE with AES-GCM or ChaCha20-Poly1305). OpenSSL (netty-tcnative's
 * BoringSSL) where it loads, else the JDK's TLS. Thread-safe: the context is swapped whole.
 */
public final class ServerTls {

  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";

  private final ChatbusConfig.Tls config;
  private final List<File> files = new ArrayList<>();
  private volatile SslContext context;
  /** The files' times and sizes when the context was made. */
  private List<Long> stamps;

  private ServerTls(ChatbusConfig.Tls config) {
    this.config = config;
    files.add(new File(config.cert()));
    files.add(new File(config.key()));
    if (!config.clientCa().isEmpty()) {
      files.add(new File(config.clientCa()));
    }
  }

  /**
   * Reads the files and makes the first context. Blocks.
   *
   * @throws IllegalStateException saying which file could not be used and why
   */
  public static ServerTls load(ChatbusConfig.Tls config) {
    ServerTls tls = new ServerTls(config);
    tls.stamps = tls.stamps();
    try {
      tls.context = tls.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("tls: cannot use " + String.join(", ", config.cert(), config.key())
        + (config.clientCa().isEmpty() ? "" : ", " + config.clientCa()) + ": " + rootMessage(e), e);
    }
    return tls;
  }

  /** A handler for a new connection's channel, from the current context. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    return context.newHandler(alloc);
  }

  /**
   * {@code options} made the TLS server of this configuration, for the servers Vert.x runs (HTTP, the
   * bridge): the same files, protocols, cipher suites and client certificates as {@link #newHandler}'s.
   */
  public <T extends NetServerOptions> T applyTo(T options) {
    ServerSSLOptions ssl = vertxOptions();
    options.setClientAuth(ssl.getClientAuth());
    copy(ssl, options);
    return options;
  }

  /**
   * The clustered event bus over TLS with mutual authentication, as {@code cluster.tls} says: each node
   * presents its certificate, and takes connections from, and connects to, only nodes whose certificates the
   * cluster's authority signed.
   */
  public static void secure(EventBusOptions options, ChatbusConfig.Tls cluster) {
    ServerSSLOptions ssl = vertxOptions(cluster);
    options.setClientAuth(ssl.getClientAuth());
    copy(ssl, options);
  }

  private static void copy(ServerSSLOptions ssl, TCPSSLOptions options) {
    options.setSsl(true)
      .setSslEngineOptions(OpenSsl.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions())
      .setKeyCertOptions(ssl.getKeyCertOptions()).setTrustOptions(ssl.getTrustOptions())
      .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
    ssl.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
  }

  /** What {@link #applyTo} sets, for a Vert.x server to read the files again once they changed. */
  public ServerSSLOptions vertxOptions() {
    return vertxOptions(config);
  }

  private static ServerSSLOptions vertxOptions(ChatbusConfig.Tls config) {
    ServerSSLOptions ssl = new ServerSSLOptions()
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.cert()).setKeyPath(config.key()))
      .setClientAuth(switch (config.clientAuth()) {
        case NONE -> io.vertx.core.http.ClientAuth.NONE;
        case REQUEST -> io.vertx.core.http.ClientAuth.REQUEST;
        case REQUIRE -> io.vertx.core.http.ClientAuth.REQUIRED;
      })
      .setEnabledSecureTransportProtocols(Set.of(PROTOCOLS));
    if (!config.clientCa().isEmpty()) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(config.clientCa()));
    }
    Http2SecurityUtil.CIPHERS.forEach(ssl::addEnabledCipherSuite);
    return ssl;
  }


  /** Which TLS implementation serves: {@code OpenSSL} or {@code JDK}. */
  public String provider() {
    return OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
  }

  /**
   * Makes the context again if a file changed since it was last made, and returns whether it did. Files that
   * cannot be used (half written, a key that does not match) leave the current context in place, and are
   * tried again at the next change. Blocks.
   */
  public synchronized boolean reloadIfChanged() {
    List<Long> now = stamps();
    if (now.equals(stamps)) {
      return false;
    }
    stamps = now;
    try {
      context = build();
      log.info("tls: {} read again; new connections get it", config.cert());
      return true;
    } catch (SSLException | IllegalArgumentException e) {
      log.warn("tls: the changed files cannot be used, so the certificate in use stays: {}", rootMessage(e));
      return false;
    }
  }

  private SslContext build() throws SSLException {
    checkKeyMatches();
    SslContextBuilder b = SslContextBuilder.forServer(files.get(0), files.get(1))
      .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
      .protocols(PROTOCOLS)
      .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
    if (!config.clientCa().isEmpty()) {
      b.trustManager(files.get(2));
    }
    b.clientAuth(switch (config.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case REQUEST -> ClientAuth.OPTIONAL;
      case REQUIRE -> ClientAuth.REQUIRE;
    });
    return b.build();
  }

  /**
   * Fails unless the key is the private half of the certificate's public key: a context made of a
   * certificate and another key would fail every handshake. The key signs a random challenge that the
   * certificate's public key must verify.
   */
  private void checkKeyMatches() {
    try {
      X509Certificate cert;
      try (InputStream in = Files.newInputStream(files.get(0).toPath())) {
        cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      String pem = Files.readString(files.get(1).toPath(), StandardCharsets.US_ASCII);
      int begin = pem.indexOf(PKCS8_BEGIN);
      int end = pem.indexOf("-----END PRIVATE KEY-----");
      if (begin < 0 || end < begin) {
        throw new IllegalArgumentException(config.key() + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
      PublicKey pub = cert.getPublicKey();
      PrivateKey key = KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
      String algorithm = switch (pub.getAlgorithm()) {
        case "EC" -> "SHA256withECDSA";
        case "RSA" -> "SHA256withRSA";
        default -> pub.getAlgorithm();
      };
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(challenge);
      if (!verifier.verify(signer.sign())) {
        throw new IllegalArgumentException(config.key() + " is not the key of the certificate in " + config.cert());
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(config.cert() + " and " + config.key() + " cannot be read as a certificate and "
        + "its key: " + rootMessage(e), e);
    }
  }

  private List<Long> stamps() {
    List<Long> s = new ArrayList<>();
    for (File f : files) {
      s.add(f.lastModified());
      s.add(f.length());
    }
    return s;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
