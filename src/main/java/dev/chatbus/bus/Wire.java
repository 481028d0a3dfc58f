package dev.chatbus.bus;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of bus records when they cross nodes: fixed-width numbers, length-prefixed
 * UTF-8 strings ({@code -1} for null), count-prefixed lists.
 */
public final class Wire {

  private Wire() {
  }

  /** Writes a list of room events: their count, then each. */
  public static void writeEvents(Writer out, List<RoomEvent> events) {
    out.i32(events.size());
    for (RoomEvent e : events) {
      e.write(out);
    }
  }

  /** Reads what {@link #writeEvents} wrote. */
  public static List<RoomEvent> readEvents(Reader in) {
    int n = in.i32();
    List<RoomEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(RoomEvent.read(in));
    }
    return events;
  }

  /** A record that can write itself in wire form; its class has a matching {@code read(Reader)}. */
  public interface Writable {
    void write(Writer out);
  }

  /** Appends values to a buffer. */
  public static final class Writer {
    private final Buffer buffer;

    public Writer(Buffer buffer) {
      this.buffer = buffer;
    }

    public Writer bool(boolean value) {
      buffer.appendByte(value ? (byte) 1 : (byte) 0);
      return this;
    }

    public Writer u8(int value) {
      buffer.appendByte((byte) value);
      return this;
    }

    public Writer i32(int value) {
      buffer.appendInt(value);
      return this;
    }

    public Writer i64(long value) {
      buffer.appendLong(value);
      return this;
    }

    public Writer str(String value) {
      if (value == null) {
        buffer.appendInt(-1);
      } else {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.appendInt(bytes.length).appendBytes(bytes);
      }
      return this;
    }

    public Writer strs(List<String> values) {
      buffer.appendInt(values.size());
      for (String v : values) {
        str(v);
      }
      return this;
    }
  }

  /** Reads values from a buffer, front to back. */
  public static final class Reader {
    private final Buffer buffer;
    private int pos;

    public Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    public boolean bool() {
      return buffer.getByte(pos++) != 0;
    }

    public int u8() {
      return buffer.getByte(pos++) & 0xff;
    }

    public int i32() {
      int v = buffer.getInt(pos);
      pos += 4;
      return v;
    }

    public long i64() {
      long v = buffer.getLong(pos);
      pos += 8;
      return v;
    }

    public String str() {
      int len = i32();
      if (len < 0) {
        return null;
      }
      String s = buffer.getString(pos, pos + len, "UTF-8");
      pos += len;
      return s;
    }

    public List<String> strs() {
      int n = i32();
      List<String> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        values.add(str());
      }
      return List.copyOf(values);
    }
  }
}
