package dev.chatbus.bus;

/**
 * Something that happened in a room, published by the router on {@link Addresses#room} to every edge
 * instance with members there. This is the hot path: one instance is shared by every local consumer.
 *
 * @param kind          what happened
 * @param room          the room's normalized name
 * @param seq           the room's sequence number for this event; every member sees events in seq order
 * @param id            the event's unique id
 * @param ts            when the router accepted it, in epoch milliseconds
 * @param senderSession the session that caused it, which is not sent its own event; {@link #SERVICE} for a
 *                      service's message
 * @param from          the name of that session's user
 * @param text          the message text for {@code MESSAGE}/{@code ACTION}, the new name for {@code RENAME},
 *                      the reason (or null) for {@code LEAVE}, null for {@code JOIN}
 * @param epoch         the room's epoch: it goes up each time the room gets a new ordering point (another
 *                      node took it over, or its node restarted). Within an epoch the seqs are consecutive;
 *                      across a new epoch they continue from what the store holds, so a seq seen live in an
 *                      earlier epoch but never stored may stand for another event in the new one.
 */
public record RoomEvent(Kind kind, String room, long seq, String id, long ts, long senderSession, String from,
                        String text, long epoch) implements Wire.Writable {

  /**
   * The sender "session" of a service's messages. A session number's counter part is never 0, so neither
   * this nor {@link #NO_SESSION} is ever a client's session.
   */
  public static final long SERVICE = Long.MIN_VALUE;
  /** The sender session of an event read from the store, which does not keep sessions. */
  public static final long NO_SESSION = 0;

  /** Whether a service, rather than a user, sent this. */
  public boolean byService() {
    return senderSession == SERVICE;
  }

  /** The kinds of room events. The ordinal is the wire form: append only. */
  public enum Kind {
    MESSAGE, ACTION, JOIN, LEAVE, RENAME;

    private static final Kind[] VALUES = values();

    static Kind ofOrdinal(int ordinal) {
      return VALUES[ordinal];
    }
  }

  @Override
  public void write(Wire.Writer out) {
    out.u8(kind.ordinal()).str(room).i64(seq).str(id).i64(ts).i64(senderSession).str(from).str(text).i64(epoch);
  }

  public static RoomEvent read(Wire.Reader in) {
    return new RoomEvent(Kind.ofOrdinal(in.u8()), in.str(), in.i64(), in.str(), in.i64(), in.i64(), in.str(), in.str(), in.i64());
  }
}
