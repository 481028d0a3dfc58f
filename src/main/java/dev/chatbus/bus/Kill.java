package dev.chatbus.bus;

/**
 * The server operator {@code by} disconnects the session {@code session}, for {@code reason}: sent by the
 * operator's home router to the edge instance that holds the session ({@link Addresses#edge}), which closes
 * it as it closes any other, telling the session's rooms who and why.
 */
public record Kill(long session, String by, String reason) implements Wire.Writable {

  @Override
  public void write(Wire.Writer out) {
    out.i64(session).str(by).str(reason);
  }

  public static Kill read(Wire.Reader in) {
    return new Kill(in.i64(), in.str(), in.str());
  }
}
