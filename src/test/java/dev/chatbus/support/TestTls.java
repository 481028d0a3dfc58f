package dev.chatbus.support;

import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for the TLS tests, made with BouncyCastle: an authority, a server certificate it signs (for
 * 127.0.0.1 and localhost) and a client certificate, written as PEM files under {@code target/}, with
 * what a client needs to trust the authority and to present its certificate.
 */
public final class TestTls {

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final KeyPair clientKeys;
  private final X509Certificate client;
  private X509Certificate server;

  private TestTls(Path dir) throws Exception {
    this.dir = dir;
    caKeys = keys();
    ca = sign(new X500Name("CN=Chatbus Test CA"), caKeys, "CN=Chatbus Test CA", caKeys, true, null, Duration.ofDays(1));
    clientKeys = keys();
    client = sign(new X500Name("CN=Chatbus Test CA"), caKeys, "CN=test client", clientKeys, false,
      KeyPurposeId.id_kp_clientAuth, Duration.ofDays(1));
    write("ca.pem", pem(ca));
    renewServer("localhost", Duration.ofDays(1));
    KeyPair nodeKeys = keys();
    write("node-key.pem", pkcs8(nodeKeys));
    write("node.pem", pem(sign(new X500Name("CN=Chatbus Test CA"), caKeys, "CN=chatbus node", nodeKeys, false, null,
      Duration.ofDays(1))) + pem(ca));
  }

  /** A new authority with its certificates, in a directory of their own. */
  public static TestTls create() {
    try {
      Path dir = Path.of("target", "test-tls", UUID.randomUUID().toString());
      Files.createDirectories(dir);
      return new TestTls(dir);
    } catch (Exception e) {
      throw new AssertionError("cannot make the test certificates", e);
    }
  }

  /** The {@code tls} settings of a node serving the server certificate; client certificates are not asked for. */
  public JsonObject settings() {
    return new JsonObject().put("cert", file("server.pem")).put("key", file("server-key.pem"));
  }

  /** {@link #settings()}, asking for client certificates signed by this authority ({@code request} or {@code require}). */
  public JsonObject settings(String clientAuth) {
    return settings().put("clientCa", authorityFile()).put("clientAuth", clientAuth);
  }

  /**
   * The {@code cluster.tls} settings of a node whose certificate this authority signed (the server
   * certificate, which the client's purpose is added to for the nodes' outgoing connections).
   */
  public JsonObject clusterSettings() {
    return new JsonObject().put("cert", file("node.pem")).put("key", file("node-key.pem")).put("ca", authorityFile());
  }

  /** {@link #clusterSettings()} with a node certificate of this authority that expired a day ago. */
  public JsonObject expiredClusterSettings() {
    try {
      KeyPair keys = keys();
      write("expired-key.pem", pkcs8(keys));
      write("expired.pem", pem(sign(new X500Name("CN=Chatbus Test CA"), caKeys, "CN=expired node", keys, false, null,
        Duration.ofDays(-1))) + pem(ca));
      return new JsonObject().put("cert", file("expired.pem")).put("key", file("expired-key.pem")).put("ca", authorityFile());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The PEM file of the authority's certificate, for clients to trust. */
  public String authorityFile() {
    return file("ca.pem");
  }

  /** The server certificate in use. */
  public X509Certificate server() {
    return server;
  }

  /**
   * Writes a new server certificate, for {@code commonName}, valid for {@code validity} from now (negative:
   * expired that long ago), over the files the settings name.
   */
  public void renewServer(String commonName, Duration validity) throws Exception {
    KeyPair keys = keys();
    server = sign(new X500Name("CN=Chatbus Test CA"), caKeys, "CN=" + commonName, keys, false,
      KeyPurposeId.id_kp_serverAuth, validity);
    // The key first: a check between the two writes sees a certificate that does not match it, and keeps
    // the one in use.
    write("server-key.pem", pkcs8(keys));
    write("server.pem", pem(server) + pem(ca));
  }

  /** Writes a new server certificate for {@code commonName} with a key that is not its own: files that cannot serve. */
  public void renewServerWithAnotherKey(String commonName) throws Exception {
    X509Certificate cert = sign(new X500Name("CN=Chatbus Test CA"), caKeys, "CN=" + commonName, keys(), false,
      KeyPurposeId.id_kp_serverAuth, Duration.ofDays(1));
    write("server-key.pem", pkcs8(keys()));
    write("server.pem", pem(cert) + pem(ca));
  }

  /** A client context that trusts this authority, presenting the client certificate when {@code withCertificate}. */
  public SSLContext client(boolean withCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (withCertificate) {
        KeyStore mine = KeyStore.getInstance("PKCS12");
        mine.load(null, null);
        mine.setKeyEntry("client", clientKeys.getPrivate(), new char[0], new X509Certificate[] {client, ca});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(mine, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private void write(String name, String content) throws IOException {
    Path tmp = dir.resolve(name + ".new");
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
      java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, String subject, KeyPair subjectKeys,
                                      boolean authority, KeyPurposeId purpose, Duration validity) throws Exception {
    Instant now = Instant.now();
    Instant from = validity.isNegative() ? now.plus(validity).minus(Duration.ofDays(1)) : now.minus(Duration.ofMinutes(5));
    Instant to = validity.isNegative() ? now.plus(validity) : now.plus(validity);
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
      Date.from(from), Date.from(to), new X500Name(subject), subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
    if (authority) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      // A cluster node's certificate (purpose null) serves both ends of the nodes' connections.
      b.addExtension(Extension.extendedKeyUsage, false, purpose == null
        ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
        : new ExtendedKeyUsage(purpose));
      if (purpose != KeyPurposeId.id_kp_clientAuth) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      }
    }
    return new JcaX509CertificateConverter().getCertificate(
      b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  private static String pkcs8(KeyPair keys) throws Exception {
    return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
  }
}
