package dev.chatbus.bus;

/**
 * A room's topic: what it is about, who set it and when. Kept by the room's owner, handed over with the
 * room, and stored with the room's state, so that it outlives the room's members and the node.
 *
 * @param text the topic; empty when it was cleared
 * @param by   the name of who set it
 * @param at   when, in epoch milliseconds
 */
public record Topic(String text, String by, long at) {

  /** The later of two topics, either of which may be null. */
  public static Topic later(Topic a, Topic b) {
    if (a == null) {
      return b;
    }
    return b == null || a.at >= b.at ? a : b;
  }

  /** Whether there is a topic to show: set, and not cleared. */
  public static boolean shown(Topic t) {
    return t != null && !t.text.isEmpty();
  }

  static void write(Wire.Writer out, Topic t) {
    out.bool(t != null);
    if (t != null) {
      out.str(t.text).str(t.by).i64(t.at);
    }
  }

  static Topic read(Wire.Reader in) {
    return in.bool() ? new Topic(in.str(), in.str(), in.i64()) : null;
  }
}
