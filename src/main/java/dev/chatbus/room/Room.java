package dev.chatbus.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A room with members, as the router knows it: its members in join order and its sequence. */
final class Room {

  final String name;
  final Map<Long, Session> members = new LinkedHashMap<>();
  private long seq;

  Room(String name) {
    this.name = name;
  }

  /** The sequence number of the room's next event. */
  long nextSeq() {
    return ++seq;
  }

  /** The sequence number of the room's latest event. */
  long seq() {
    return seq;
  }

  List<String> memberNames() {
    List<String> names = new ArrayList<>(members.size());
    for (Session s : members.values()) {
      names.add(s.name);
    }
    return names;
  }
}
