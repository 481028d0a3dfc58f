package dev.chatbus.support;

import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * A bridge client written from the wire format alone, as a service in another language would be: each
 * frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON. Every read has a deadline.
 */
public final class BridgeClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int replies;
  /** Frames a {@link #read(Predicate)} passed over, for the next reads. */
  private final Deque<JsonObject> skipped = new ArrayDeque<>();

  private BridgeClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static BridgeClient connect(int port) {
    return connect(port, 0);
  }

  /** Connects with the socket's receive buffer fixed at {@code receiveBufferBytes} (0 leaves it to the kernel). */
  public static BridgeClient connect(int port, int receiveBufferBytes) {
    try {
      Socket s = new Socket();
      if (receiveBufferBytes > 0) {
        s.setReceiveBufferSize(receiveBufferBytes);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) TestClient.READ_TIMEOUT.toMillis());
      return new BridgeClient(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect to the bridge on port " + port, e);
    }
  }

  /** Connects over TLS with {@code tls}, completing the handshake. */
  public static BridgeClient connect(int port, SSLContext tls) {
    try {
      SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      s.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
      s.startHandshake();
      return new BridgeClient(s);
    } catch (IOException e) {
      throw new AssertionError("cannot connect over TLS to the bridge on port " + port, e);
    }
  }

  /** Writes one frame. */
  public BridgeClient frame(JsonObject frame) {
    return raw(encode(frame));
  }

  /** Writes bytes as they are. */
  public BridgeClient raw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("cannot write to the bridge", e);
    }
  }

  public static byte[] encode(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array();
  }

  public BridgeClient register(String address) {
    return frame(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends a request and returns the reply frame ({@code message} or {@code err}). */
  public JsonObject request(String address, JsonObject body) {
    return request(address, body, new JsonObject());
  }

  public JsonObject request(String address, JsonObject body, JsonObject headers) {
    String replyAddress = "reply." + (++replies);
    frame(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
      .put("headers", headers).put("body", body));
    return read(f -> replyAddress.equals(f.getString("address")));
  }

  /** The next frame (first those a {@link #read(Predicate)} passed over). */
  public JsonObject read() {
    if (!skipped.isEmpty()) {
      return skipped.poll();
    }
    return readSocket();
  }

  private JsonObject readSocket() {
    try {
      int length = in.readInt();
      byte[] json = new byte[length];
      in.readFully(json);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the bridge within " + TestClient.READ_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new AssertionError("the bridge connection ended", e);
    }
  }

  /** The next frame if one comes within {@code millis}, else null. */
  public JsonObject poll(int millis) {
    if (!skipped.isEmpty()) {
      return skipped.poll();
    }
    try {
      socket.setSoTimeout(millis);
      if (in.available() == 0) {
        // Wait for the first byte only: once a frame has begun, the rest is read with the usual deadline.
        int first = in.read();
        if (first < 0) {
          throw new AssertionError("the bridge connection ended");
        }
        socket.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
        byte[] rest = new byte[3];
        in.readFully(rest);
        int length = (first << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
        byte[] json = new byte[length];
        in.readFully(json);
        return new JsonObject(new String(json, StandardCharsets.UTF_8));
      }
      socket.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
      return readSocket();
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new AssertionError("the bridge connection ended", e);
    } finally {
      try {
        socket.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
      } catch (IOException e) {
        // the next read fails then
      }
    }
  }

  /** The first frame that matches; the others before it are kept for {@link #read()}. */
  public JsonObject read(Predicate<JsonObject> match) {
    for (Iterator<JsonObject> it = skipped.iterator(); it.hasNext(); ) {
      JsonObject f = it.next();
      if (match.test(f)) {
        it.remove();
        return f;
      }
    }
    while (true) {
      JsonObject f = readSocket();
      if (match.test(f)) {
        return f;
      }
      skipped.add(f);
    }
  }

  /** Reads until the server closes the connection; fails if it does not within the read deadline. */
  public void expectClosed() {
    try {
      while (true) {
        int length = in.readInt();
        in.skipNBytes(length);
      }
    } catch (EOFException e) {
      return;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the bridge did not close the connection");
    } catch (IOException e) {
      // A reset is a close too.
    }
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
