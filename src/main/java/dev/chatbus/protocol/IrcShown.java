package dev.chatbus.protocol;

import dev.chatbus.bus.RoomEvent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The quits and renames one IRC client has been shown: IRC shows each once, where Chatbus has an event of
 * it in every room the client shared with the user. The last few hundred are remembered, which covers the
 * copies of one quit or rename arriving from the rooms' owners.
 */
final class IrcShown {

  /** How many quits and renames of others are remembered. */
  private static final int REMEMBERED = 256;

  private final Map<Long, Boolean> quits = remembered();
  private final Map<Long, String> renames = remembered();

  /** Whether {@code e} is to be shown: anything but a quit or a rename the client has seen in another room. */
  boolean first(RoomEvent e) {
    if (e.kind() == RoomEvent.Kind.QUIT) {
      return quits.put(e.senderSession(), Boolean.TRUE) == null;
    }
    if (e.kind() == RoomEvent.Kind.RENAME) {
      String change = e.from() + " " + e.text();
      return !change.equals(renames.put(e.senderSession(), change));
    }
    return true;
  }

  private static <V> Map<Long, V> remembered() {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
