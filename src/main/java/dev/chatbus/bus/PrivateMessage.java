package dev.chatbus.bus;

/**
 * A private message from {@code from} ({@code origin}, see {@link Member#origin}) to {@code to}, a message,
 * an action or a notice ({@code kind}), sent by the router to the edge instance that holds the recipient's
 * session ({@link Addresses#edge}), and stored.
 */
public record PrivateMessage(long toSession, String to, long fromSession, String from, String origin, String text,
                             RoomEvent.Kind kind, String id, long ts) implements Wire.Writable {

  /** Whether this is an action ({@code /me}). */
  public boolean action() {
    return kind == RoomEvent.Kind.ACTION;
  }

  /** Whether a service, rather than a user, sent this. */
  public boolean byService() {
    return fromSession == RoomEvent.SERVICE;
  }

  @Override
  public void write(Wire.Writer out) {
    out.i64(toSession).str(to).i64(fromSession).str(from).str(origin).str(text).u8(kind.ordinal()).str(id).i64(ts);
  }

  public static PrivateMessage read(Wire.Reader in) {
    return new PrivateMessage(in.i64(), in.str(), in.i64(), in.str(), in.str(), in.str(), RoomEvent.Kind.ofOrdinal(in.u8()),
      in.str(), in.i64());
  }
}
