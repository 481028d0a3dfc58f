package dev.chatbus.account;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms server operators closed, with why: held by each node (loaded from the store when it starts,
 * changed as operators close and open rooms anywhere in the cluster), so a room's owner refuses entry
 * without asking anyone. Thread-safe: the router and the accounts workers share one.
 */
public final class ClosedRooms {

  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  /** Why {@code room} is closed, or null when it is open. */
  public String reason(String room) {
    return reasons.isEmpty() ? null : reasons.get(room);
  }

  /** Closes {@code room} for {@code reason}, or, with a null reason, opens it. */
  public void set(String room, String reason) {
    if (reason == null) {
      reasons.remove(room);
    } else {
      reasons.put(room, reason);
    }
  }

  void load(Map<String, String> loaded) {
    reasons.putAll(loaded);
  }
}
