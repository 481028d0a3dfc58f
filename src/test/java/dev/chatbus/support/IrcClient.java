package dev.chatbus.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scripted IRC client for tests, over a real socket: sends lines with CR LF, and checks that every line
 * the server sends ends with CR LF, is valid UTF-8 and fits IRC's 512 bytes.
 */
public final class IrcClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int pings;

  private IrcClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static IrcClient connect(int port) {
    try {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
      return new IrcClient(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect to " + port, e);
    }
  }

  /** Connects over TLS with {@code tls}, completing the handshake. */
  public static IrcClient connect(int port, SSLContext tls) {
    try {
      SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      s.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
      s.startHandshake();
      return new IrcClient(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect over TLS to " + port, e);
    }
  }

  /** Connects and registers as {@code nick} (user {@code nick}), reading up to the end of the welcome. */
  public static IrcClient registered(int port, String nick) {
    IrcClient c = connect(port);
    c.send("NICK " + nick).send("USER " + nick + " 0 * :" + nick + " the tester");
    c.readUntil(l -> l.contains(" 376 ") || l.contains(" 422 "));
    return c;
  }

  /** {@link #registered(int, String)}, with the IRCv3 capabilities {@code caps} (space-separated) turned on. */
  public static IrcClient registered(int port, String nick, String caps) {
    IrcClient c = connect(port);
    c.send("CAP LS 302").send("CAP REQ :" + caps).send("NICK " + nick).send("USER " + nick + " 0 * :" + nick + " the tester");
    c.readUntil(l -> l.equals(":irc.test CAP * ACK :" + caps));
    c.send("CAP END");
    c.readUntil(l -> l.contains(" 376 ") || l.contains(" 422 "));
    return c;
  }

  /** Joins {@code channel} and reads up to the end of its names list: the join is done. */
  public IrcClient join(String channel) {
    send("JOIN " + channel);
    readUntil(l -> l.contains(" 366 ") && l.contains(" " + channel + " :"));
    return this;
  }

  /** Sends {@code bytes} as they are: a line the test builds byte by byte, CR LF included. */
  public IrcClient sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
  }

  public IrcClient send(String line) {
    try {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
  }

  /** The next line, without its CR LF; fails if none comes in time or the server closed the connection. */
  public String readLine() {
    String line = readLineOrNull();
    if (line == null) {
      throw new AssertionError("the server closed the connection");
    }
    return line;
  }

  private String readLineOrNull() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
    try {
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          assertThat(buf.size()).as("a partial line before the end: %s", buf).isZero();
          return null;
        }
        buf.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no line within " + TestClient.READ_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      return null;
    }
    byte[] bytes = buf.toByteArray();
    String line = new String(bytes, 0, Math.max(0, bytes.length - 1), StandardCharsets.UTF_8);
    assertThat(bytes.length).as("line %s", line).isPositive();
    assertThat(bytes[bytes.length - 1]).as("CR before LF in %s", line).isEqualTo((byte) '\r');
    int body = line.startsWith("@") ? bytes.length - 1 - line.indexOf(' ') - 1 : bytes.length - 1;
    assertThat(body).as("bytes of %s", line).isLessThanOrEqualTo(510);
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new AssertionError("not UTF-8: " + line, e);
    }
    return line;
  }

  public String expect(String line) {
    String got = readLine();
    assertThat(got).isEqualTo(line);
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

  /**
   * Pings the server and returns every line that arrived before its pong: all the server had to say,
   * since a pong comes after what came before the ping.
   */
  public List<String> drain() {
    String token = "drain" + (++pings);
    send("PING " + token);
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); !line.endsWith(" PONG irc.test :" + token); line = readLine()) {
      lines.add(line);
    }
    return lines;
  }

  /** The first line of a batch the server sends: {@code BATCH +id type [parameter]}. */
  public static final Pattern BATCH_OPEN = Pattern.compile(":irc\\.test BATCH \\+(\\S+) (\\S+)(?: (\\S+))?");

  /**
   * Sends {@code command} and returns the lines of the batch of {@code type} (with its parameter) that
   * answers it, without their batch tag, checking its frame; what the client was sent before is passed over.
   */
  public List<String> batch(String command, String type) {
    drain();
    send(command);
    String first = readLine();
    Matcher open = BATCH_OPEN.matcher(first);
    assertThat(open.matches()).as("a batch opens: %s", first).isTrue();
    assertThat(open.group(2) + (open.group(3) == null ? "" : " " + open.group(3))).isEqualTo(type);
    String tag = "@batch=" + open.group(1);
    List<String> lines = new ArrayList<>();
    for (String l = readLine(); !l.equals(":irc.test BATCH -" + open.group(1)); l = readLine()) {
      assertThat(l).startsWith(tag);
      lines.add(l.substring(tag.length() + 1));
    }
    return lines;
  }

  /** The texts of the messages (PRIVMSGs) among {@code lines}. */
  public static List<String> texts(List<String> lines) {
    List<String> texts = new ArrayList<>();
    for (String l : lines) {
      int said = l.indexOf(" PRIVMSG ");
      if (said >= 0) {
        texts.add(l.substring(l.indexOf(" :", said) + 2));
      }
    }
    return texts;
  }

  /** Reads until the server closes the connection, and returns the lines that came before. */
  public List<String> readUntilClosed() {
    List<String> lines = new ArrayList<>();
    for (String line = readLineOrNull(); line != null; line = readLineOrNull()) {
      lines.add(line);
    }
    return lines;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
