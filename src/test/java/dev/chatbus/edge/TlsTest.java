package dev.chatbus.edge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.support.BridgeClient;
import dev.chatbus.support.IrcClient;
import dev.chatbus.support.Programs;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import dev.chatbus.support.TestTls;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every listener over TLS (client, IRC, HTTP, bridge), with real TLS sockets and certificates of a test authority. */
@ExtendWith(VertxExtension.class)
class TlsTest {

  private static TestNode node(Vertx vertx, JsonObject tls) {
    return TestNode.start(vertx, new JsonObject().put("tls", tls));
  }

  private static SSLSession session(TestClient c) {
    return ((SSLSocket) c.socket()).getSession();
  }

  private static String subject(SSLSession s) throws IOException {
    return ((X509Certificate) s.getPeerCertificates()[0]).getSubjectX500Principal().getName();
  }

  @Test
  void clientsOverTlsTalkWithPlainOnesInTheSameRooms(Vertx vertx) throws Exception {
    TestTls certs = TestTls.create();
    TestNode node = node(vertx, certs.settings());
    assertThat(node.tlsPort()).isPositive().isNotEqualTo(node.port());
    try (TestClient secure = TestClient.connect(node.tlsPort(), certs.client(false));
         TestClient plain = TestClient.text(node.port(), "plain")) {
      SSLSession s = session(secure);
      assertThat(s.getProtocol()).isEqualTo("TLSv1.3");
      assertThat(subject(s)).isEqualTo("CN=localhost");
      secure.expectStartsWith("* chatbus");
      secure.send("sam");
      secure.expectStartsWith("* welcome sam.");
      plain.expect("* sam has joined #lobby");
      plain.send("hello over there");
      secure.expect("plain: hello over there");
      secure.send("héllo back, in UTF-8");
      plain.expect("sam: héllo back, in UTF-8");

      try (IrcClient irc = IrcClient.connect(node.ircTlsPort(), certs.client(false))) {
        irc.send("NICK ivy").send("USER ivy 0 * :Ivy");
        irc.readUntil(l -> l.contains(" 422 ") || l.contains(" 376 "));
        irc.join("#lobby");
        plain.expect("* ivy has joined #lobby");
        plain.send("and to IRC");
        irc.expect(":plain!text@test PRIVMSG #lobby :and to IRC");
        // WHOIS says who is connected over TLS, and who is not.
        irc.send("WHOIS ivy");
        irc.readUntil(l -> l.contains(" 312 ivy ivy "));
        irc.expect(":irc.test 671 ivy ivy :is using a secure connection");
        irc.expect(":irc.test 378 ivy ivy :is connecting from *@127.0.0.1 127.0.0.1");
        irc.expect(":irc.test 318 ivy ivy :End of /WHOIS list");
        irc.send("WHOIS plain");
        irc.readUntil(l -> l.contains(" 312 ivy plain "));
        irc.expect(":irc.test 318 ivy plain :End of /WHOIS list");
      }
    }
  }

  @Test
  void onlyTls12And13WithForwardSecrecyAndAuthenticatedEncryption(Vertx vertx) throws Exception {
    TestTls certs = TestTls.create();
    TestNode node = node(vertx, certs.settings());
    SSLContext client = certs.client(false);
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", node.tlsPort())) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(s.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "_CHACHA20_");
    }
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", node.tlsPort())) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
      assertThatThrownBy(s::startHandshake).as("a suite without authenticated encryption").isInstanceOf(IOException.class);
    }
  }

  @Test
  void aRenewedCertificateServesNewConnectionsWhileOpenOnesGoOn(Vertx vertx) throws Exception {
    TestTls certs = TestTls.create();
    TestNode node = node(vertx, certs.settings().put("checkEvery", "20ms"));
    SSLContext client = certs.client(false);
    try (TestClient early = TestClient.connect(node.tlsPort(), client)) {
      early.expectStartsWith("* chatbus");
      early.send("early");
      early.expectStartsWith("* welcome early.");
      certs.renewServer("renewed.test", Duration.ofDays(2));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (TestClient late = TestClient.connect(node.tlsPort(), client)) {
          assertThat(subject(session(late))).isEqualTo("CN=renewed.test");
        }
      });
      assertThat(subject(session(early))).as("the open connection keeps its certificate").isEqualTo("CN=localhost");
      early.send("/who");
      early.expect("* 1 in #lobby: early");

      // Files that cannot serve (a certificate with another key) leave the certificate in use.
      certs.renewServerWithAnotherKey("mismatched.test");
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        try (TestClient late = TestClient.connect(node.tlsPort(), client)) {
          assertThat(subject(session(late))).isEqualTo("CN=renewed.test");
        }
      });
    }
  }

  @Test
  void aNodeThatRequiresClientCertificatesRefusesClientsWithout(Vertx vertx) throws Exception {
    TestTls certs = TestTls.create();
    TestNode node = node(vertx, certs.settings("require"));
    try (TestClient known = TestClient.connect(node.tlsPort(), certs.client(true))) {
      known.expectStartsWith("* chatbus");
    }
    // TLS 1.3 tells a client its certificate was wanted after the client's side of the handshake is done: the
    // refusal comes on the first read at the latest.
    assertThatThrownBy(() -> {
      try (SSLSocket s = (SSLSocket) certs.client(false).getSocketFactory().createSocket("127.0.0.1", node.tlsPort())) {
        s.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
        s.startHandshake();
        InputStream in = s.getInputStream();
        if (in.read() < 0) {
          throw new IOException("closed");
        }
      }
    }).isInstanceOf(IOException.class);
    assertThat(node.port()).as("the plain port asks for nothing").isPositive();
  }

  @Test
  void opensslPythonAndCurlOverTls(Vertx vertx) throws Exception {
    Programs.needs("openssl", "version");
    Programs.needs("python3");
    Programs.needs("curl");
    TestTls certs = TestTls.create();
    TestNode node = node(vertx, certs.settings());
    try (TestClient plain = TestClient.text(node.port(), "plain")) {
      Process openssl = new ProcessBuilder("openssl", "s_client", "-quiet", "-verify_return_error", "-CAfile",
        certs.authorityFile(), "-connect", "127.0.0.1:" + node.tlsPort()).redirectErrorStream(true).start();
      try {
        try (Writer in = new OutputStreamWriter(openssl.getOutputStream(), StandardCharsets.UTF_8)) {
          in.write("ossl\nhi from openssl\n");
          in.flush();
          plain.expect("* ossl has joined #lobby");
          plain.expect("ossl: hi from openssl");
          in.write("/quit\n");
        }
        // The server closes the connection, and s_client exits.
        assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
      } finally {
        openssl.destroyForcibly();
      }
      plain.expect("* ossl has left #lobby (quit)");
      // Python's ssl module, verifying the server's certificate for its name, on the IRC port.
      String script = String.join("\n",
        "import socket, ssl, sys",
        "ctx = ssl.create_default_context(cafile=sys.argv[1])",
        "with ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2]))), server_hostname='localhost') as s:",
        "    s.sendall(b'NICK py\\r\\nUSER py 0 * :Py\\r\\n')",
        "    got = b''",
        "    while b' 422 ' not in got and b' 376 ' not in got:",
        "        got += s.recv(4096)",
        "    s.sendall(b'JOIN #lobby\\r\\nPRIVMSG #lobby :hi from python\\r\\nQUIT\\r\\n')",
        "    while s.recv(4096):",
        "        pass",
        "    print(s.version())");
      Process python = new ProcessBuilder("python3", "-c", script, certs.authorityFile(), Integer.toString(node.ircTlsPort()))
        .redirectErrorStream(true).start();
      try {
        plain.expect("* py has joined #lobby");
        plain.expect("py: hi from python");
        assertThat(python.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("TLSv1.3\n");
        assertThat(python.exitValue()).isZero();
      } finally {
        python.destroyForcibly();
      }
    }
    Process curl = new ProcessBuilder("curl", "-sS", "--cacert", certs.authorityFile(),
      "https://localhost:" + node.httpTlsPort() + "/health/live").redirectErrorStream(true).start();
    try {
      assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("\"UP\"");
      assertThat(curl.exitValue()).isZero();
    } finally {
      curl.destroyForcibly();
    }
  }

  /** The subject of the certificate the TLS server on {@code port} presents now. */
  private static String presented(SSLContext client, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return subject(s.getSession());
    }
  }

  @Test
  void httpsAndTheBridgeOverTlsWithTheSameCertificate(Vertx vertx) throws Exception {
    TestTls certs = TestTls.create();
    TestNode node = node(vertx, certs.settings().put("checkEvery", "20ms"));
    SSLContext client = certs.client(false);
    HttpClient https = HttpClient.newBuilder().sslContext(client).build();
    HttpResponse<String> live = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + node.httpTlsPort()
      + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("UP");
    assertThat(node.httpPort()).as("plain HTTP still").isPositive();

    try (TestClient alice = TestClient.text(node.port(), "alice");
         BridgeClient bot = BridgeClient.connect(node.bridgeTlsPort(), client)) {
      JsonObject rooms = bot.request(Addresses.API_ROOMS, new JsonObject()).getJsonObject("body");
      assertThat(rooms.getJsonArray("rooms").getJsonObject(0).getString("room")).isEqualTo("lobby");
    }

    certs.renewServer("renewed.test", Duration.ofDays(2));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(presented(client, node.httpTlsPort())).isEqualTo("CN=renewed.test");
      assertThat(presented(client, node.bridgeTlsPort())).isEqualTo("CN=renewed.test");
    });
  }
}
