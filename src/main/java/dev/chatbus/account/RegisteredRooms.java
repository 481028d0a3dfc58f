package dev.chatbus.account;

import dev.chatbus.bus.Registration;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every registered room, held by each node: loaded from the store when it starts, and changed as rooms are
 * registered, moderated and dropped anywhere in the cluster (newest first, by {@link Registration#changedAt},
 * so a change heard late does not undo a later one). The room's owner reads it when it takes the room up.
 * Thread-safe: the router and the accounts workers share one.
 */
public final class RegisteredRooms {

  /** By room; a dropped registration stays as such, so that an older one heard after it does not come back. */
  private final Map<String, Registration> rooms = new ConcurrentHashMap<>();

  /** {@code room}'s registration, or null when it is not registered. */
  public Registration get(String room) {
    Registration r = rooms.get(room);
    return r == null || r.isDropped() ? null : r;
  }

  /** Takes {@code r} in, unless what is held of its room is newer. */
  public void apply(Registration r) {
    rooms.merge(r.room(), r, (held, heard) -> heard.changedAt() >= held.changedAt() ? heard : held);
  }

  void load(Collection<Registration> loaded) {
    loaded.forEach(this::apply);
  }
}
