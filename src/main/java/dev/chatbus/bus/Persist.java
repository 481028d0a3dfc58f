package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Messages between the router and the persistence worker, on {@link Addresses#persist}. The worker takes
 * them in the order sent.
 */
public sealed interface Persist extends Wire.Writable {

  /**
   * Events to store, numbered by the router, as a request without a timeout: the worker answers it (with no
   * body) once the batch is committed, or fails it with {@link ErrorCode#NOT_STORED} when it had to be
   * dropped; batches are answered in the order sent.
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
   * A read of a room's stored events, for a history answer, sent to one of the node's history readers and
   * answered with {@link Stored}; fields as in {@link SessionCommand.History}.
   */
  record Query(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly) implements Persist {
    /** Whether the query reads forwards from {@code afterSeq}, rather than back from {@code beforeSeq}. */
    public boolean forwards() {
      return afterSeq >= 0;
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly);
    }

    public static Query read(Wire.Reader in) {
      return new Query(in.str(), in.i32(), in.i64(), in.i64(), in.bool());
    }
  }

  /**
   * The answer to {@link Query}: the events stored, oldest first, with the first number the room still
   * keeps (everything before it was pruned) and the latest number given out in it.
   */
  record Stored(List<RoomEvent> events, long firstSeq, long lastSeq) implements Persist {
    public Stored {
      events = List.copyOf(events);
    }

    @Override
    public void write(Wire.Writer out) {
      Wire.writeEvents(out, events);
      out.i64(firstSeq).i64(lastSeq);
    }

    public static Stored read(Wire.Reader in) {
      return new Stored(Wire.readEvents(in), in.i64(), in.i64());
    }
  }

  /**
   * Asks a history reader where a mark falls among the stored events of {@code room}: the message whose id
   * is {@code value}, or (when {@code byTime}) the time {@code value}. Answered with {@link Located}.
   */
  record Locate(String room, boolean byTime, long value) implements Persist {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).bool(byTime).i64(value);
    }

    public static Locate read(Wire.Reader in) {
      return new Locate(in.str(), in.bool(), in.i64());
    }
  }

  /**
   * The answer to {@link Locate}, from what is stored: the number of the message ({@code -1} when it is not
   * stored) or of the first event at the time or later ({@code -1} when none is), and, for a time, of the
   * first event later than it ({@code -1} when none is); with the latest number given out in the room, and,
   * for a message found, its time ({@code -1} otherwise).
   */
  record Located(long seq, long later, long lastSeq, long ts) implements Persist {
    public Located(long seq, long later, long lastSeq) {
      this(seq, later, lastSeq, -1);
    }

    @Override
    public void write(Wire.Writer out) {
      out.i64(seq).i64(later).i64(lastSeq).i64(ts);
    }

    public static Located read(Wire.Reader in) {
      return new Located(in.i64(), in.i64(), in.i64(), in.i64());
    }
  }

  /**
   * Takes up the numbering of {@code room} for this node's router, in an epoch of at least {@code atLeast}:
   * answered with {@link Claimed}, or failed when the store cannot be reached. {@code run} names this run of
   * the router, recorded with the epoch (see {@link Look}).
   */
  record Claim(String room, long atLeast, String run) implements Persist {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(atLeast).str(run);
    }

    public static Claim read(Wire.Reader in) {
      return new Claim(in.str(), in.i64(), in.str());
    }
  }

  /**
   * The answer to {@link Claim}: the room's new {@code epoch} and the latest sequence number given out in it
   * that the store knows of (stored, waiting to be, or given to events that could not be stored), and its
   * stored {@code topic} (null when none was ever set).
   */
  record Claimed(String room, long epoch, long lastSeq, Topic topic) implements Persist {
    public Claimed(String room, long epoch, long lastSeq) {
      this(room, epoch, lastSeq, null);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(epoch).i64(lastSeq);
      Topic.write(out, topic);
    }

    public static Claimed read(Wire.Reader in) {
      return new Claimed(in.str(), in.i64(), in.i64(), Topic.read(in));
    }
  }

  /**
   * Asks a history reader where a room's numbering stands in the store, to take up again a room its router
   * set aside: answered with {@link Claimed} (the epoch and latest number) when {@code run} took up the
   * room's current epoch, and with an epoch of 0 when it did not (then the room must be claimed anew).
   */
  record Look(String room, String run) implements Persist {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).str(run);
    }

    public static Look read(Wire.Reader in) {
      return new Look(in.str(), in.str());
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

  /**
   * The answer to a {@link Batch} some of whose events were not stored because another router has claimed
   * their rooms since they were numbered: each such room with its epoch now. (A batch stored whole is
   * answered with no body.)
   */
  record Fenced(Map<String, Long> rooms) implements Persist {
    public Fenced {
      rooms = Map.copyOf(rooms);
    }

    @Override
    public void write(Wire.Writer out) {
      out.i32(rooms.size());
      rooms.forEach((room, epoch) -> out.str(room).i64(epoch));
    }

    public static Fenced read(Wire.Reader in) {
      int n = in.i32();
      Map<String, Long> rooms = new java.util.HashMap<>(n);
      for (int i = 0; i < n; i++) {
        rooms.put(in.str(), in.i64());
      }
      return new Fenced(rooms);
    }
  }
}
