package dev.chatbus.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client written frame by frame on a plain socket, for what a library client will not do: a
 * single frame of any size, a socket whose reader stops for good. Every read has a deadline.
 */
public final class RawWebSocket implements AutoCloseable {

  /** A frame as it came: its opcode (1 text, 8 close) and payload. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** A close frame's status code. */
    public int status() {
      return (payload[0] & 0xff) << 8 | payload[1] & 0xff;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Opens the chat's WebSocket on {@code httpPort}, with a receive buffer of {@code receiveBufferBytes} (0 for
   * the system's), and reads the handshake's answer.
   */
  public static RawWebSocket open(int httpPort, int receiveBufferBytes) {
    try {
      Socket s = new Socket();
      if (receiveBufferBytes > 0) {
        s.setReceiveBufferSize(receiveBufferBytes);
      }
      s.connect(new InetSocketAddress("127.0.0.1", httpPort), 5000);
      s.setSoTimeout((int) TestClient.READ_TIMEOUT.toMillis());
      RawWebSocket ws = new RawWebSocket(s);
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      ws.out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = ws.in.read();
        if (b < 0) {
          throw new IOException("closed during the handshake: " + head);
        }
        head.append((char) b);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      return ws;
    } catch (IOException e) {
      throw new AssertionError("cannot open the WebSocket on port " + httpPort, e);
    }
  }

  /** Sends {@code text} as one text frame, masked as a client's must be. */
  public RawWebSocket send(String text) {
    return send(0x81, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers the server's close frame with one of its own (status 1000), as a client should. */
  public RawWebSocket sendClose() {
    return send(0x88, new byte[] {0x03, (byte) 0xe8});
  }

  private RawWebSocket send(int first, byte[] payload) {
    try {
      out.write(first);
      if (payload.length < 126) {
        out.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        out.write(0x80 | 126);
        out.write(payload.length >>> 8);
        out.write(payload.length);
      } else {
        out.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          out.write((int) ((long) payload.length >>> shift));
        }
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      out.write(mask);
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
      out.write(payload);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
  }

  /** The next frame from the server, which sends them unmasked. */
  public Frame read() {
    try {
      int first = in.readUnsignedByte();
      int len = in.readUnsignedByte() & 0x7f;
      long length = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(first & 0x0f, payload);
    } catch (IOException e) {
      throw new AssertionError("no frame", e);
    }
  }

  /** Whether the server has closed the connection: the next read finds its end. */
  public boolean ended() {
    try {
      InputStream raw = socket.getInputStream();
      return raw.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
