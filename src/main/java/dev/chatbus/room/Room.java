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

  /**
   * @param seq the sequence number of the room's latest event, when it had members before
   */
  Room(String name, long seq) {
    this.name = name;
    this.seq = seq;
  }

  /** The sequence number of the room's next event. */
  long nextSeq() {
    return ++seq;
  }

  /** The sequence number of the room's latest event. */
  long seq() {
    return seq;
  }

  /** The names of the first {@code limit} members, in join order. */
  List<String> memberNames(int limit) {
    List<String> names = new ArrayList<>(Math.min(limit, members.size()));
    for (Session s : members.values()) {
      if (names.size() == limit) {
        break;
      }
      names.add(s.name);
    }
    return names;
  }
}
