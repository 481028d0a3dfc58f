package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A room this router numbers, as its owner knows it: its epoch and latest sequence number, when it was
 * last used, and where its members are (their nodes, for delivery, and their names, for the leaves a
 * departed node's members are owed). Touched only on the router's context.
 */
final class OwnedRoom {
  /** Where a member is, what it is called, and its {@code user@host} ({@link dev.chatbus.bus.Member#origin}). */
  record At(String node, String name, String origin) {
  }

  final String name;
  /** Where the room's events are published on each node. */
  final String address;
  /** Where the room's events are published in JSON for services. */
  final String apiAddress;
  final long epoch;
  private long seq;
  /** The room's topic; null when it has none. */
  Topic topic;
  /** Whether only operators may set the topic (IRC's {@code +t}). */
  boolean topicLocked = true;
  /** The members who are the room's operators; they end with the room, when it empties. */
  final Set<Long> operators = new LinkedHashSet<>();
  /** When this router took the room up, in epoch milliseconds. */
  final long since = System.currentTimeMillis();
  /** When the room was last used (epoch milliseconds): an event, or a member entering or leaving. */
  long lastUsed = System.currentTimeMillis();
  /** Each member as its entering, renaming and leaving came here. */
  private final Map<Long, At> members = new LinkedHashMap<>();
  /** How many members each node has; a node the last owner sent to may be here with none. */
  final Map<String, Integer> nodes = new HashMap<>();

  OwnedRoom(String name, long epoch, long seq, Topic topic) {
    this.name = name;
    this.topic = topic;
    this.address = Addresses.room(name);
    this.apiAddress = Addresses.apiRoom(name);
    this.epoch = epoch;
    this.seq = seq;
  }

  void enter(long session, String node, String memberName, String origin) {
    lastUsed = System.currentTimeMillis();
    At was = members.put(session, new At(node, memberName, origin));
    if (was == null) {
      nodes.merge(node, 1, Integer::sum);
    }
  }

  void rename(long session, String newName) {
    members.computeIfPresent(session, (s, at) -> new At(at.node(), newName, at.origin()));
  }

  void exit(long session) {
    lastUsed = System.currentTimeMillis();
    operators.remove(session);
    At at = members.remove(session);
    if (at != null && nodes.merge(at.node(), -1, Integer::sum) <= 0) {
      nodes.remove(at.node());
    }
  }

  void alsoTo(String node) {
    nodes.putIfAbsent(node, 0);
  }

  /** Whether {@code session} is counted in. */
  boolean has(long session) {
    return members.containsKey(session);
  }

  /** The session of the member called {@code name} (ignoring case), or 0 if none is. */
  long sessionOf(String name) {
    for (Map.Entry<Long, At> e : members.entrySet()) {
      if (e.getValue().name().equalsIgnoreCase(name)) {
        return e.getKey();
      }
    }
    return 0;
  }

  /** What this router knows of the member {@code session}; null if it is not counted in. */
  At member(long session) {
    return members.get(session);
  }

  /** The names of the operators, in the order they became operators. */
  List<String> operatorNames() {
    List<String> names = new ArrayList<>(operators.size());
    for (long op : operators) {
      At at = members.get(op);
      if (at != null) {
        names.add(at.name());
      }
    }
    return names;
  }

  /** The room's modes as IRC writes them: {@code +n} (only members speak) always, {@code t} when the topic is locked. */
  String modes() {
    return topicLocked ? "+nt" : "+n";
  }

  int size() {
    return members.size();
  }

  /** Forgets {@code node} and its members; returns them by session. */
  Map<Long, At> dropNode(String node) {
    nodes.remove(node);
    Map<Long, At> dropped = new LinkedHashMap<>();
    members.entrySet().removeIf(e -> {
      if (e.getValue().node().equals(node)) {
        operators.remove(e.getKey());
        dropped.put(e.getKey(), e.getValue());
        return true;
      }
      return false;
    });
    return dropped;
  }

  /** Where the room's numbering has got to, for its next owner. */
  PeerMessage.Handover handover() {
    return new PeerMessage.Handover(name, epoch, seq, new ArrayList<>(nodes.keySet()), topic, List.copyOf(operators),
      topicLocked);
  }

  long nextSeq() {
    return ++seq;
  }

  long seq() {
    return seq;
  }
}
