package dev.chatbus.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * TLS for one client of the load generator: a client-mode {@link SSLEngine} between the client's lines and
 * its non-blocking socket. Encrypts what the client sends ({@link #wrap}) and decrypts what it reads
 * ({@link #unwrap}); while handshaking, says what the handshake needs next. Touched only by its loop's thread.
 */
final class TlsPipe {

  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

  private final SSLEngine engine;
  /** Ciphertext read and not yet decrypted, in write mode: a record at most, and what follows it. */
  final ByteBuffer netIn;
  private final int packet;
  /** What a record adds to the bytes it carries, at most. */
  private final int overhead;

  TlsPipe(SSLContext context, InetSocketAddress server) throws SSLException {
    engine = context.createSSLEngine(server.getHostString(), server.getPort());
    engine.setUseClientMode(true);
    // The server's certificate must name the address connected to, as a client's would be checked.
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    packet = engine.getSession().getPacketBufferSize();
    overhead = packet - engine.getSession().getApplicationBufferSize();
    netIn = ByteBuffer.allocate(packet + (4 << 10));
    engine.beginHandshake();
  }

  /** A context that trusts the certificates in the PEM file {@code authorities}, and checks the server's name. */
  static SSLContext trusting(Path authorities) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(authorities)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** Whether the handshake is over. */
  boolean established() {
    SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
    return hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || hs == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /**
   * Moves the handshake on as far as it goes without reading: runs its tasks and returns what it has to
   * send (empty when nothing), in read mode.
   */
  ByteBuffer handshake() throws SSLException {
    ByteBuffer out = NOTHING;
    while (true) {
      switch (engine.getHandshakeStatus()) {
        case NEED_TASK -> runTasks();
        case NEED_WRAP -> out = concat(out, wrap(NOTHING));
        default -> {
          return out;
        }
      }
    }
  }

  /**
   * {@code plain} (read mode, consumed whole) encrypted, in read mode; with nothing to encrypt, what the
   * handshake sends next.
   */
  ByteBuffer wrap(ByteBuffer plain) throws SSLException {
    int size = plain.hasRemaining() ? plain.remaining() + (plain.remaining() / 16384 + 1) * Math.max(overhead, 256) : packet;
    ByteBuffer out = ByteBuffer.allocate(size);
    while (true) {
      SSLEngineResult r = engine.wrap(plain, out);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        out = ByteBuffer.allocate(out.capacity() * 2).put(out.flip());
        continue;
      }
      if (r.getStatus() != SSLEngineResult.Status.OK) {
        throw new SSLException("cannot encrypt: " + r.getStatus());
      }
      if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
        runTasks();
      }
      if (!plain.hasRemaining()) {
        return out.flip();
      }
      if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
        throw new SSLException("the TLS engine takes nothing to encrypt (" + r.getHandshakeStatus() + ")");
      }
    }
  }

  /**
   * Decrypts what {@link #netIn} holds into {@code plain} (write mode), as far as whole records go; returns
   * false once the server has closed the connection.
   */
  boolean unwrap(ByteBuffer plain) throws IOException {
    netIn.flip();
    try {
      while (netIn.hasRemaining()) {
        SSLEngineResult r = engine.unwrap(netIn, plain);
        switch (r.getStatus()) {
          case BUFFER_UNDERFLOW:
            return true;
          case BUFFER_OVERFLOW:
            throw new IOException("more decrypted at once than the read buffer holds");
          case CLOSED:
            return false;
          default:
            break;
        }
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
          runTasks();
        }
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
          return true;
        }
      }
      return true;
    } finally {
      netIn.compact();
    }
  }

  private void runTasks() {
    for (Runnable t; (t = engine.getDelegatedTask()) != null; ) {
      t.run();
    }
  }

  private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
    if (!a.hasRemaining()) {
      return b;
    }
    return ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
  }
}
