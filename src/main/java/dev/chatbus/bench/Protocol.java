package dev.chatbus.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a benchmark client speaks to the server under test: how it registers, enters a room, sends a
 * message and answers keep-alives. Lines are handed over without their line ending.
 */
abstract class Protocol {

  /** Chatbus text mode: the name as the first line, {@code /join ROOM}, then plain lines. */
  static final Protocol CHATBUS = new Protocol("chatbus", false) {
    @Override
    String register(String name) {
      return name + "\n";
    }

    @Override
    boolean registered(String line) {
      return line.startsWith("* welcome ");
    }

    @Override
    String join(String room, boolean defaultRoom) {
      return defaultRoom ? null : "/join " + room + "\n";
    }

    @Override
    boolean joined(String line) {
      return line.startsWith("* you are now in #");
    }

    @Override
    boolean refused(String line) {
      return line.startsWith("! ");
    }

    @Override
    void message(ByteBuffer out, byte[] room, byte[] payload, int len) {
      out.put(payload, 0, len).put((byte) '\n');
    }

    @Override
    int messageBytes(int roomBytes, int payloadBytes) {
      return payloadBytes + 1;
    }
  };

  /** IRC: NICK and USER, then wait for 001; JOIN, then wait for the end of the names list (366). */
  static final Protocol IRC = new Protocol("irc", false) {
    @Override
    String register(String name) {
      return "NICK " + name + "\r\nUSER " + name + " 0 * :chatbus bench\r\n";
    }

    @Override
    boolean registered(String line) {
      return numeric(line, "001");
    }

    @Override
    String join(String room, boolean defaultRoom) {
      return "JOIN #" + room + "\r\n";
    }

    @Override
    boolean joined(String line) {
      return numeric(line, "366");
    }

    @Override
    boolean refused(String line) {
      return line.startsWith("ERROR") || numeric(line, "433") || numeric(line, "432") || numeric(line, "471");
    }

    @Override
    String answer(String line) {
      return line.startsWith("PING ") ? "PONG " + line.substring(5) + "\r\n" : null;
    }

    @Override
    boolean mayNeedAnswer(byte first) {
      return first == 'P';
    }

    @Override
    void message(ByteBuffer out, byte[] room, byte[] payload, int len) {
      out.put(PRIVMSG).put(room).put((byte) ' ').put((byte) ':').put(payload, 0, len).put((byte) '\r').put((byte) '\n');
    }

    @Override
    int messageBytes(int roomBytes, int payloadBytes) {
      return PRIVMSG.length + roomBytes + 2 + payloadBytes + 2;
    }

    private final byte[] PRIVMSG = "PRIVMSG #".getBytes(StandardCharsets.US_ASCII);

    private boolean numeric(String line, String code) {
      int sp = line.indexOf(' ');
      return line.startsWith(":") && sp > 0 && line.startsWith(code + " ", sp + 1);
    }
  };

  /**
   * Chatbus's JSON-lines protocol over its WebSocket on the HTTP port, as the web client speaks it: the
   * upgrade, then {@code hello}, {@code join} and {@code say}, one JSON object per frame. The load generator
   * frames what it sends and unframes what it reads ({@link WsFrames}); lines here are frames' payloads.
   */
  static final Protocol WEBSOCKET = new Protocol("websocket", false) {
    @Override
    String register(String name) {
      // The handshake; hello follows once it is answered (see hello).
      return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: Y2hhdGJ1cyBiZW5jaG1hcms=\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    @Override
    String hello(String name) {
      return "{\"op\":\"hello\",\"name\":\"" + name + "\"}";
    }

    @Override
    boolean registered(String line) {
      // The welcome comes with the lobby, where every client starts: a join of another room follows that.
      return line.startsWith("{\"type\":\"joined\",\"room\":\"lobby\"");
    }

    @Override
    String join(String room, boolean defaultRoom) {
      return defaultRoom ? null : "{\"op\":\"join\",\"room\":\"" + room + "\"}";
    }

    @Override
    boolean joined(String line) {
      return line.startsWith("{\"type\":\"joined\"");
    }

    @Override
    boolean refused(String line) {
      return line.startsWith("{\"type\":\"error\"") || line.startsWith("{\"type\":\"bye\"");
    }

    @Override
    void message(ByteBuffer out, byte[] room, byte[] payload, int len) {
      // The payload is ASCII without quotes or backslashes: it goes into the JSON as it is.
      WsFrames.header(out, SAY.length + room.length + TEXT.length + len + END.length);
      out.put(SAY).put(room).put(TEXT).put(payload, 0, len).put(END);
    }

    @Override
    int messageBytes(int roomBytes, int payloadBytes) {
      return WsFrames.OVERHEAD + SAY.length + roomBytes + TEXT.length + payloadBytes + END.length;
    }

    private final byte[] SAY = "{\"op\":\"say\",\"room\":\"".getBytes(StandardCharsets.US_ASCII);
    private final byte[] TEXT = "\",\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    private final byte[] END = "\"}".getBytes(StandardCharsets.US_ASCII);
  };

  /**
   * Redis pub/sub: receivers SUBSCRIBE to the room's channel; a subscribed connection may not publish, so
   * each sender is a connection of its own that PUBLISHes.
   */
  static final Protocol REDIS = new Protocol("redis", true) {
    @Override
    String register(String name) {
      return "PING\r\n";
    }

    @Override
    boolean registered(String line) {
      return line.equals("+PONG");
    }

    @Override
    String join(String room, boolean defaultRoom) {
      return "SUBSCRIBE " + room + "\r\n";
    }

    @Override
    boolean joined(String line) {
      // The subscription count ends the reply to SUBSCRIBE.
      return line.startsWith(":");
    }

    @Override
    boolean refused(String line) {
      return line.startsWith("-");
    }

    @Override
    void message(ByteBuffer out, byte[] room, byte[] payload, int len) {
      out.put(PUBLISH);
      bulk(out, room, room.length);
      bulk(out, payload, len);
    }

    @Override
    int messageBytes(int roomBytes, int payloadBytes) {
      return PUBLISH.length + 2 * 16 + roomBytes + payloadBytes;
    }

    private final byte[] PUBLISH = "*3\r\n$7\r\nPUBLISH\r\n".getBytes(StandardCharsets.US_ASCII);

    private void bulk(ByteBuffer out, byte[] b, int len) {
      out.put((byte) '$').put(Integer.toString(len).getBytes(StandardCharsets.US_ASCII))
        .put((byte) '\r').put((byte) '\n').put(b, 0, len).put((byte) '\r').put((byte) '\n');
    }
  };

  final String name;
  /** True if senders are connections of their own that receive nothing (Redis). */
  final boolean separateSenders;

  private Protocol(String name, boolean separateSenders) {
    this.name = name;
    this.separateSenders = separateSenders;
  }

  static Protocol named(String name) {
    switch (name) {
      case "chatbus":
        return CHATBUS;
      case "irc":
        return IRC;
      case "redis":
        return REDIS;
      case "websocket":
        return WEBSOCKET;
      default:
        throw new IllegalArgumentException("unknown protocol " + name + " (chatbus, irc, redis, websocket)");
    }
  }

  /** What a new connection sends to register under {@code name}. */
  abstract String register(String name);

  /** True if {@code line} says that registration succeeded. */
  abstract boolean registered(String line);

  /** What a registered connection sends to enter {@code room}, or null if it is already there. */
  abstract String join(String room, boolean defaultRoom);

  /** True if {@code line} says that the room was entered. */
  abstract boolean joined(String line);

  /** True if {@code line} refuses a registration or join. */
  abstract boolean refused(String line);

  /**
   * For a protocol over WebSocket, the first message once the upgrade is answered (its login); null for
   * those on plain TCP, which register with {@link #register}.
   */
  String hello(String name) {
    return null;
  }

  /** The answer a keep-alive needs, or null. */
  String answer(String line) {
    return null;
  }

  /** A cheap first test, on the line's first byte, of whether a line may need an answer. */
  boolean mayNeedAnswer(byte first) {
    return false;
  }

  /** Writes one message, the first {@code len} bytes of {@code payload}, to {@code room} into {@code out}. */
  abstract void message(ByteBuffer out, byte[] room, byte[] payload, int len);

  /** An upper bound of what {@link #message} writes. */
  abstract int messageBytes(int roomBytes, int payloadBytes);
}
