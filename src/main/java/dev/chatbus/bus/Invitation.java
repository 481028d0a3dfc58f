package dev.chatbus.bus;

/**
 * {@code from} ({@code origin}, see {@link Member#origin}) invites the session {@code toSession} into
 * {@code room}: sent by the room's owner to the edge instance that holds the guest ({@link Addresses#edge}).
 */
public record Invitation(long toSession, String room, String from, String origin) implements Wire.Writable {

  @Override
  public void write(Wire.Writer out) {
    out.i64(toSession).str(room).str(from).str(origin);
  }

  public static Invitation read(Wire.Reader in) {
    return new Invitation(in.i64(), in.str(), in.str(), in.str());
  }
}
