package dev.chatbus.account;

import dev.chatbus.protocol.Names;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of every registered name, held by each node: loaded from the store when the node starts, and
 * added to as names are registered, on this node or (told over the event bus) on another. So a login
 * under a name that is no account's costs no trip to the store, and a registered name stays protected
 * while the store is down. Thread-safe: the edge instances and the accounts workers share one.
 */
public final class RegisteredNames {

  private final Set<String> keys = ConcurrentHashMap.newKeySet();

  /** Whether {@code name} (any case) is registered. */
  public boolean contains(String name) {
    return keys.contains(Names.nameKey(name));
  }

  /** {@code name} is registered now. */
  public void add(String name) {
    keys.add(Names.nameKey(name));
  }

  void addKeys(Collection<String> loaded) {
    keys.addAll(loaded);
  }

  public int size() {
    return keys.size();
  }
}
