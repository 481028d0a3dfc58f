package dev.chatbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that says "PREFIX-1", "PREFIX-2", ... every 60 ms into the room: one whose messages are
 * acknowledged (JSON, over TCP or a WebSocket) records each answer by its number; one whose are not (text,
 * IRC) records the error lines it is told. Each kind opens its connection, says a line and reads what comes
 * its own way; the loop is this one's.
 */
abstract class Sender extends Client {
  static final long SAY_EVERY_MS = 60;

  final String kind;
  final String prefix;
  final boolean acked;
  final AtomicInteger sent = new AtomicInteger();
  /** By number: "ack", or the error code. */
  final Map<Integer, String> answers = new ConcurrentHashMap<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  Sender(String kind, String prefix, boolean acked, String host, int port, String name, String room) {
    super(host, port, name, room);
    this.kind = kind;
    this.prefix = prefix;
    this.acked = acked;
  }

  /** Connects, logs in and enters the room. */
  abstract void open() throws IOException;

  /** Whether it is in the room, to say things; until then the first line waits. */
  boolean ready() {
    return true;
  }

  /** Says line {@code n}. */
  abstract void say(int n) throws IOException;

  /** The next thing the server said, or null if nothing came for a moment. */
  String receive() throws IOException {
    return poll();
  }

  /** What the server said. */
  abstract void heard(String line) throws IOException;

  /** Says goodbye, once done. */
  void close() throws IOException {
  }

  @Override
  public final void run() {
    try {
      open();
      long next = System.currentTimeMillis();
      long stopped = Long.MAX_VALUE;
      while (going(stopped)) {
        long now = System.currentTimeMillis();
        if (stop) {
          stopped = Math.min(stopped, now);
        } else if (!ready()) {
          next = now;
        } else if (now >= next) {
          say(sent.incrementAndGet());
          next += SAY_EVERY_MS;
        }
        String line = receive();
        if (line != null) {
          heard(line);
        }
      }
      close();
    } catch (IOException e) {
      cutOff = e.getMessage();
      FaultHarness.log(name + " stopped: " + e.getMessage());
    }
  }

  /**
   * Whether to go on: until stopped, then (when acknowledged) until the last answers came, or 5 s after
   * {@code stopped} (when it saw it was stopped; {@code Long.MAX_VALUE} until then).
   */
  private boolean going(long stopped) {
    return !stop || acked && answers.size() < sent.get()
      && (stopped == Long.MAX_VALUE || System.currentTimeMillis() < stopped + 5_000);
  }

  /** A JSON line's answer to a numbered say, if it is one. */
  void answer(JsonObject o) {
    if (o.getValue("ref") instanceof Integer ref && ("ack".equals(o.getString("type"))
      || "error".equals(o.getString("type")))) {
      answers.put(ref, "ack".equals(o.getString("type")) ? "ack" : o.getString("code"));
      if (!"ack".equals(o.getString("type"))) {
        FaultHarness.log(name + " was refused " + prefix + ref + ": " + o.getString("code") + ", "
          + o.getString("message"));
      }
    }
  }

  void error(String line) {
    errors.add(line);
    FaultHarness.log(name + " was told: " + line);
  }

  /** The JSON say of line {@code n}, its number as its {@code ref}. */
  JsonObject says(int n) {
    return new JsonObject().put("op", "say").put("room", room).put("text", prefix + n).put("ref", n);
  }
}
