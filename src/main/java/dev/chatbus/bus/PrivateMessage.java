package dev.chatbus.bus;

/**
 * A private message from {@code from} to {@code to}, sent by the router to the edge instance that holds
 * the recipient's session ({@link Addresses#edge}), and stored.
 */
public record PrivateMessage(long toSession, String to, long fromSession, String from, String text, boolean action,
                             String id, long ts) implements Wire.Writable {

  /** Whether a service, rather than a user, sent this. */
  public boolean byService() {
    return fromSession == RoomEvent.SERVICE;
  }

  @Override
  public void write(Wire.Writer out) {
    out.i64(toSession).str(to).i64(fromSession).str(from).str(text).bool(action).str(id).i64(ts);
  }

  public static PrivateMessage read(Wire.Reader in) {
    return new PrivateMessage(in.i64(), in.str(), in.i64(), in.str(), in.str(), in.bool(), in.str(), in.i64());
  }
}
