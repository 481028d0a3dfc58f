package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages between the router and the persistence worker, on {@link Addresses#persist}. The worker takes
 * them in the order sent.
 */
public sealed interface Persist extends Wire.Writable {

  /**
   * Events to store, numbered by the router; the worker answers each number with a
   * {@link Command.Persisted} sent to the router, once the batch is committed or when it had to be dropped.
   *
   * @param node the node whose router accepted the events
   */
  record Batch(long no, String node, List<RoomEvent> events, List<PrivateMessage> privates) implements Persist {
    public Batch {
      events = List.copyOf(events);
      privates = List.copyOf(privates);
    }

    public int size() {
      return events.size() + privates.size();
    }

    @Override
    public void write(Wire.Writer out) {
      out.i64(no).str(node);
      Wire.writeEvents(out, events);
      out.i32(privates.size());
      for (PrivateMessage pm : privates) {
        pm.write(out);
      }
    }

    public static Batch read(Wire.Reader in) {
      long no = in.i64();
      String node = in.str();
      List<RoomEvent> events = Wire.readEvents(in);
      int n = in.i32();
      List<PrivateMessage> privates = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        privates.add(PrivateMessage.read(in));
      }
      return new Batch(no, node, events, privates);
    }
  }

  /**
   * A history request, answered with {@link Reply.History}; fields as in {@link Command.History}.
   * {@code lastSeq} is the room's latest sequence number, which the answer's completeness is judged by;
   * -1 when the router does not number the room, for the store's.
   */
  record Query(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly, long lastSeq)
    implements Persist {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly).i64(lastSeq);
    }

    public static Query read(Wire.Reader in) {
      return new Query(in.str(), in.i32(), in.i64(), in.i64(), in.bool(), in.i64());
    }
  }

  /**
   * Takes up the numbering of {@code room} for this node's router, in an epoch of at least {@code atLeast}:
   * answered with {@link Claimed}, or failed when the store cannot be reached.
   */
  record Claim(String room, long atLeast) implements Persist {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(atLeast);
    }

    public static Claim read(Wire.Reader in) {
      return new Claim(in.str(), in.i64());
    }
  }

  /**
   * The answer to {@link Claim}: the room's new {@code epoch} and the latest sequence number given out in it
   * that the store knows of (stored, waiting to be, or given to events that could not be stored).
   */
  record Claimed(String room, long epoch, long lastSeq) implements Persist {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(epoch).i64(lastSeq);
    }

    public static Claimed read(Wire.Reader in) {
      return new Claimed(in.str(), in.i64(), in.i64());
    }
  }

  /** Echoed back once the worker has taken every batch sent before it. */
  record Sync() implements Persist {
    @Override
    public void write(Wire.Writer out) {
    }

    public static Sync read(Wire.Reader in) {
      return new Sync();
    }
  }
}
