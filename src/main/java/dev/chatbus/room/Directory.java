package dev.chatbus.room;

import dev.chatbus.bus.Member;
import dev.chatbus.protocol.Names;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every logged-in user of the network, kept by each router: who is called what, which node holds them,
 * who is in which room. Each node's sessions are told by that node's router, in numbered versions, so a
 * router can tell when it has missed one. Touched only on the router's context.
 */
final class Directory {

  /** What is known of one node's sessions. */
  private static final class Home {
    long version;
    final Map<Long, Member> sessions = new HashMap<>();
  }

  private final Map<String, Home> homes = new HashMap<>();
  private final Map<Long, Member> sessions = new HashMap<>();
  private final Map<String, Member> byName = new HashMap<>();
  /**
   * Sessions named as another in {@link #byName} is, by name key: for a moment after a partition heals, when
   * each side gave the name out, until one of them is disconnected ({@link Home#claimNamesAgain}).
   */
  private final Map<String, List<Member>> sameName = new HashMap<>();
  /** The members of each room with members, in the order they were known to enter. */
  private final Map<String, LinkedHashMap<Long, Member>> rooms = new HashMap<>();

  Member session(long id) {
    return sessions.get(id);
  }

  /** Every session in the network. */
  Collection<Member> all() {
    return sessions.values();
  }

  /** How many nodes' sessions are known, this one's included. */
  int nodes() {
    return homes.size();
  }

  Member byName(String name) {
    return byName.get(Names.nameKey(name));
  }

  /** The members of {@code room}, in the order they entered; empty when it has none. */
  Collection<Member> members(String room) {
    LinkedHashMap<Long, Member> members = rooms.get(room);
    return members == null ? Collections.emptyList() : members.values();
  }

  int count(String room) {
    LinkedHashMap<Long, Member> members = rooms.get(room);
    return members == null ? 0 : members.size();
  }

  boolean isIn(String room, long session) {
    LinkedHashMap<Long, Member> members = rooms.get(room);
    return members != null && members.containsKey(session);
  }

  /** Every room with members and how many. */
  Map<String, Integer> roomSizes() {
    Map<String, Integer> sizes = new HashMap<>();
    rooms.forEach((room, members) -> sizes.put(room, members.size()));
    return sizes;
  }

  /** The version of {@code node}'s sessions known here; -1 if the node is not known. */
  long version(String node) {
    Home h = homes.get(node);
    return h == null ? -1 : h.version;
  }

  boolean knows(String node) {
    return homes.containsKey(node);
  }

  /** The sessions of {@code node}. */
  List<Member> sessionsOf(String node) {
    Home h = homes.get(node);
    return h == null ? List.of() : new ArrayList<>(h.sessions.values());
  }

  /** {@code node}'s sessions are now exactly {@code members}, as of {@code version}. Returns those no longer there. */
  List<Member> replace(String node, long version, List<Member> members) {
    Home h = homes.computeIfAbsent(node, n -> new Home());
    Map<Long, Member> fresh = new HashMap<>();
    for (Member m : members) {
      fresh.put(m.session(), m);
    }
    List<Member> gone = new ArrayList<>();
    for (Member old : new ArrayList<>(h.sessions.values())) {
      if (!fresh.containsKey(old.session())) {
        gone.add(remove(old.session()));
      }
    }
    for (Member m : members) {
      put(m);
    }
    h.version = version;
    return gone;
  }

  /** Adds or updates a session; its home's version becomes {@code version}. */
  void put(String node, long version, Member m) {
    put(m);
    homes.computeIfAbsent(node, n -> new Home()).version = version;
  }

  /** Removes a session; its home's version becomes {@code version}. Returns what it was, or null. */
  Member remove(String node, long version, long session) {
    Member m = remove(session);
    homes.computeIfAbsent(node, n -> new Home()).version = version;
    return m;
  }

  /** Forgets {@code node} and its sessions, and returns them. */
  List<Member> drop(String node) {
    Home h = homes.remove(node);
    if (h == null) {
      return List.of();
    }
    List<Member> gone = new ArrayList<>(h.sessions.values());
    for (Member m : gone) {
      remove(m.session());
    }
    return gone;
  }

  private void put(Member m) {
    // Boxed once, the key of every map it goes in.
    Long session = m.session();
    Member old = sessions.put(session, m);
    homes.computeIfAbsent(m.node(), n -> new Home()).sessions.put(session, m);
    if (old != null) {
      unindex(old);
      for (String room : old.rooms()) {
        if (!m.rooms().contains(room)) {
          leaveRoom(room, m.session());
        }
      }
    }
    index(m);
    for (String room : m.rooms()) {
      // Replaced in place: a member keeps its place in the order of the room.
      rooms.computeIfAbsent(room, r -> new LinkedHashMap<>()).put(session, m);
    }
  }

  private Member remove(long session) {
    Member m = sessions.remove(session);
    if (m == null) {
      return null;
    }
    Home h = homes.get(m.node());
    if (h != null) {
      h.sessions.remove(session);
    }
    unindex(m);
    for (String room : m.rooms()) {
      leaveRoom(room, session);
    }
    return m;
  }

  private void index(Member m) {
    String key = Names.nameKey(m.name());
    Member first = byName.putIfAbsent(key, m);
    if (first != null) {
      sameName.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
    }
  }

  /** Takes {@code m} out of the index by name; another session of that name, if there is one, is found by it. */
  private void unindex(Member m) {
    String key = Names.nameKey(m.name());
    List<Member> others = sameName.get(key);
    if (byName.remove(key, m)) {
      if (others != null) {
        byName.put(key, others.remove(0));
      }
    } else if (others != null) {
      others.removeIf(o -> o.session() == m.session());
    }
    if (others != null && others.isEmpty()) {
      sameName.remove(key);
    }
  }

  private void leaveRoom(String room, long session) {
    LinkedHashMap<Long, Member> members = rooms.get(room);
    if (members != null) {
      members.remove(session);
      if (members.isEmpty()) {
        rooms.remove(room);
      }
    }
  }

  /** The names of some members of a room, and each one's {@code user@host}, in the same order. */
  record Listing(List<String> names, List<String> origins) {
  }

  /**
   * The first {@code limit} members of {@code room} in the order they entered, and {@code plus} (or null);
   * the invisible ones only {@code withInvisible}.
   */
  Listing listing(String room, int limit, Member plus, boolean withInvisible) {
    List<String> names = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    for (Member m : members(room)) {
      if (names.size() == limit) {
        break;
      }
      if (m.invisible() && !withInvisible) {
        continue;
      }
      names.add(m.name());
      origins.add(m.origin());
    }
    if (plus != null && names.size() < limit) {
      names.add(plus.name());
      origins.add(plus.origin());
    }
    return new Listing(names, origins);
  }
}
