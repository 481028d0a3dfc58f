package dev.chatbus.bus;

/**
 * The session {@code session} has lost its name {@code name} to a session of another node: while the two
 * nodes could not reach each other, the side with the majority found this one's node gone and gave the name
 * out again. Sent, once the network has healed, by the session's home router to the edge instance that holds
 * it ({@link Addresses#edge}), which disconnects it saying why.
 */
public record NameLost(long session, String name) implements Wire.Writable {

  @Override
  public void write(Wire.Writer out) {
    out.i64(session).str(name);
  }

  public static NameLost read(Wire.Reader in) {
    return new NameLost(in.i64(), in.str());
  }
}
