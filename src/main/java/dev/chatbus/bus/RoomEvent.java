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
 * @param text          the message text for {@code MESSAGE}/{@code ACTION}/{@code NOTICE}, the new name for
 *                      {@code RENAME}, the reason (or null) for {@code LEAVE}/{@code QUIT}, the topic for
 *                      {@code TOPIC}, null for {@code JOIN}
 * @param epoch         the room's epoch: it goes up each time the room gets a new ordering point (another
 *                      node took it over, or its node restarted). Within an epoch the seqs are consecutive;
 *                      across a new epoch they continue from what the store holds, so a seq seen live in an
 *                      earlier epoch but never stored may stand for another event in the new one.
 * @param origin        {@code user@host} of the sender as IRC shows it ({@link Member#origin}); null for an
 *                      event read from the store, which does not keep it
 * @param target        whom a {@code KICK} put out, whom a {@code MODE} acted on (null when it acted on the
 *                      room)
 * @param targetSession the session of that member; 0 when there is none, or read from the store
 */
public record RoomEvent(Kind kind, String room, long seq, String id, long ts, long senderSession, String from,
                        String text, long epoch, String origin, String target, long targetSession)
  implements Wire.Writable {

  /**
   * The sender "session" of a service's messages. A session number's counter part is never 0, so neither
   * this nor {@link #NO_SESSION} is ever a client's session.
   */
  public static final long SERVICE = Long.MIN_VALUE;
  /** The sender session of an event read from the store, which does not keep sessions. */
  public static final long NO_SESSION = 0;

  /** An event without its sender's origin, as the store keeps it. */
  public RoomEvent(Kind kind, String room, long seq, String id, long ts, long senderSession, String from, String text,
                   long epoch) {
    this(kind, room, seq, id, ts, senderSession, from, text, epoch, null, null, 0);
  }


  /** {@code user@host} of a service speaking through {@code node}'s API, as IRC shows it. */
  public static String serviceOrigin(String node) {
    return "service@" + node;
  }

  /** Whether a service, rather than a user, sent this. */
  public boolean byService() {
    return senderSession == SERVICE;
  }

  /**
   * The kinds of room events. The ordinal is the wire form and the stored one: append only. A {@code LEAVE}
   * is a member leaving the room; a {@code QUIT} one leaving the server (its text is why), which IRC shows
   * once for all the rooms it shared with the quitter. A {@code NOTICE} is a message that asks for no
   * answer (IRC's NOTICE: bots speak so, and no program answers it). A {@code TOPIC} is the room's topic
   * set (its text the topic, empty when cleared). A {@code MODE} is an operator's change to the room or to a
   * member (its text the IRC mode change, {@code +o} or {@code -t}, its target the member); a {@code KICK}
   * an operator putting a member out (its text the reason, its target the member).
   */
  public enum Kind {
    MESSAGE, ACTION, JOIN, LEAVE, RENAME, QUIT, NOTICE, TOPIC, MODE, KICK;

    private static final Kind[] VALUES = values();

    static Kind ofOrdinal(int ordinal) {
      return VALUES[ordinal];
    }
  }

  /** Whether this is something said (a message, an action or a notice), not a join, leave or rename. */
  public boolean chat() {
    return kind == Kind.MESSAGE || kind == Kind.ACTION || kind == Kind.NOTICE;
  }

  /** Whether this is a member going: leaving the room, or the server, or put out of the room. */
  public boolean departure() {
    return kind == Kind.LEAVE || kind == Kind.QUIT || kind == Kind.KICK;
  }

  @Override
  public void write(Wire.Writer out) {
    out.u8(kind.ordinal()).str(room).i64(seq).str(id).i64(ts).i64(senderSession).str(from).str(text).i64(epoch)
      .str(origin).str(target).i64(targetSession);
  }

  public static RoomEvent read(Wire.Reader in) {
    return new RoomEvent(Kind.ofOrdinal(in.u8()), in.str(), in.i64(), in.str(), in.i64(), in.i64(), in.str(), in.str(),
      in.i64(), in.str(), in.str(), in.i64());
  }
}
