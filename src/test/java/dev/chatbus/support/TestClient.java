package dev.chatbus.support;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client on a real socket, as a person with {@code nc} or a program would be: writes lines, reads
 * lines. Every read has a deadline, so a missing line fails the test instead of hanging it.
 */
public final class TestClient implements AutoCloseable {

  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  private TestClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /** Connects to the server on loopback, without reading anything. */
  public static TestClient connect(int port) {
    return connect(port, s -> {
    });
  }

  /** Connects after {@code setup} has configured the socket (for example a small receive buffer). */
  public static TestClient connect(int port, Consumer<Socket> setup) {
    try {
      Socket s = new Socket();
      setup.accept(s);
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
      return new TestClient(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect to port " + port, e);
    }
  }

  /** Connects over TLS with {@code tls}, completing the handshake, without reading anything. */
  public static TestClient connect(int port, SSLContext tls) {
    try {
      SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      s.setSoTimeout((int) READ_TIMEOUT.toMillis());
      s.startHandshake();
      return new TestClient(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect over TLS to port " + port, e);
    }
  }

  /** The socket, for what TLS agreed on. */
  public Socket socket() {
    return socket;
  }

  /** Connects, reads the greeting, logs in as {@code name} in text mode and reads the welcome. */
  public static TestClient text(int port, String name) {
    TestClient c = connect(port);
    c.expectStartsWith("* chatbus");
    c.send(name);
    c.expectStartsWith("* welcome " + name + ".");
    return c;
  }

  /**
   * Like {@link #text(int, String)}, with the socket's receive buffer fixed at {@code receiveBufferBytes}
   * (which also turns off the kernel's growing of it): a small one makes a client that does not read
   * fall behind quickly.
   */
  public static TestClient text(int port, String name, int receiveBufferBytes) {
    TestClient c = connect(port, s -> {
      try {
        s.setReceiveBufferSize(receiveBufferBytes);
      } catch (SocketException e) {
        throw new AssertionError(e);
      }
    });
    c.expectStartsWith("* chatbus");
    c.send(name);
    c.expectStartsWith("* welcome " + name + ".");
    return c;
  }

  /** Connects, skips the greeting, logs in as {@code name} in JSON mode and reads welcome and joined. */
  public static TestClient json(int port, String name) {
    TestClient c = hello(port, name);
    assertThat(c.readJson().getString("type")).isEqualTo("joined");
    return c;
  }

  /** Connects, skips the greeting, says hello as {@code name} in JSON mode and reads the welcome: what comes next is the client's. */
  public static TestClient hello(int port, String name) {
    TestClient c = connect(port);
    c.expectStartsWith("* chatbus");
    c.send(new JsonObject().put("op", "hello").put("name", name).encode());
    assertThat(c.readJson().getString("type")).isEqualTo("welcome");
    return c;
  }

  /** The server port this client is connected to. */
  public int port() {
    return socket.getPort();
  }

  public TestClient send(String line) {
    return sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public TestClient send(JsonObject op) {
    return send(op.encode());
  }

  public TestClient sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
  }

  /** The next line; fails if none arrives in time or the server closed the connection. */
  public String readLine() {
    try {
      String line = in.readLine();
      if (line == null) {
        throw new AssertionError("the server closed the connection");
      }
      return line;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no line within " + READ_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new AssertionError("read failed", e);
    }
  }

  public JsonObject readJson() {
    return new JsonObject(readLine());
  }

  /** Reads JSON lines until one of {@code type}, and returns it. */
  public JsonObject readJson(String type) {
    while (true) {
      JsonObject o = readJson();
      if (type.equals(o.getString("type"))) {
        return o;
      }
    }
  }

  public String expect(String line) {
    String got = readLine();
    assertThat(got).isEqualTo(line);
    return got;
  }

  public String expectStartsWith(String prefix) {
    String got = readLine();
    assertThat(got).startsWith(prefix);
    return got;
  }

  /** Reads lines until one matches, returning it; lines before it are skipped. */
  public String readUntil(Predicate<String> match) {
    while (true) {
      String line = readLine();
      if (match.test(line)) {
        return line;
      }
    }
  }

  /** Asks for a pong and returns every line that arrived before it: what the server had sent until now. */
  public List<String> drain() {
    send("/ping");
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); !line.equals("* pong"); line = readLine()) {
      lines.add(line);
    }
    return lines;
  }

  /** Reads until the server closes the connection, and returns the lines that came before. */
  public List<String> readUntilClosed() {
    List<String> lines = new ArrayList<>();
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
      return lines;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + READ_TIMEOUT.toSeconds() + "s; read " + lines);
    } catch (IOException e) {
      // A reset after the last line also means closed.
      return lines;
    }
  }

  /** Shuts down the sending side only (a half-close, as {@code nc -N} does at end of input). */
  public void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Closes with a reset instead of a clean close. */
  public void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a client that is already gone
    }
  }
}
