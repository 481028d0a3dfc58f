package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Registration;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomFlag;
import dev.chatbus.bus.RoomRules;
import dev.chatbus.bus.Topic;
import dev.chatbus.protocol.Masks;
import dev.chatbus.protocol.Names;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
  /** The rules that are on: every new room's ({@link RoomFlag#defaults}) until operators change them. */
  final Set<RoomFlag> flags = RoomFlag.defaults();
  /** The key those who enter must give (IRC's {@code +k}); null for none. */
  String key;
  /** The most members the room lets in (IRC's {@code +l}); 0 for no limit. */
  int limit;
  /** The members who are the room's operators; they end with the room, when it empties, as the rules do. */
  final Set<Long> operators = new LinkedHashSet<>();
  /** The members who may speak when the room is moderated ({@code +v}), as operators may. */
  final Set<Long> voiced = new LinkedHashSet<>();
  /** The bans, by mask in lower case. */
  final Map<String, Reply.Ban> bans = new LinkedHashMap<>();
  /** The room's registration, when it is registered: its rules outlive its members, its operators are accounts. */
  Registration registration;
  /** The sessions of those invited in and not come yet. */
  final Set<Long> invited = new HashSet<>();
  /** When this router took the room up, in epoch milliseconds. */
  final long since = System.currentTimeMillis();
  /** When the room was last used (epoch milliseconds): an event, or a member entering or leaving. */
  long lastUsed = System.currentTimeMillis();
  /** Each member as its entering, renaming and leaving came here. */
  private final Map<Long, At> members = new LinkedHashMap<>();
  /** How many members each node has; a node the last owner sent to may be here with none. */
  final Map<String, Integer> nodes = new HashMap<>();
  /**
   * While a post sent again is looked for among the room's events (its first router may have numbered it
   * before it left): what came for the room since, to be carried out after it, in order. Null otherwise.
   */
  ArrayDeque<Runnable> waiting;

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
    voiced.remove(session);
    At at = members.remove(session);
    if (at != null && nodes.merge(at.node(), -1, Integer::sum) <= 0) {
      nodes.remove(at.node());
    }
    if (at != null && members.isEmpty()) {
      emptied();
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

  /** The members now, by session, in the order they entered: a copy, for going through while they leave. */
  Map<Long, At> membersNow() {
    return new LinkedHashMap<>(members);
  }

  /** What this router knows of the member {@code session}; null if it is not counted in. */
  At member(long session) {
    return members.get(session);
  }

  /** Whether {@code flag} is on. */
  boolean is(RoomFlag flag) {
    return flags.contains(flag);
  }

  /** The names of {@code sessions} (the operators, or the voiced), in the order they were made so. */
  List<String> names(Set<Long> sessions) {
    List<String> names = new ArrayList<>(sessions.size());
    for (long op : sessions) {
      At at = members.get(op);
      if (at != null) {
        names.add(at.name());
      }
    }
    return names;
  }

  /**
   * The room's modes as IRC writes them, in alphabetical order ({@code +iklmnst}), with the key (shown only
   * {@code toMember}) and the limit after them.
   */
  String modes(boolean toMember) {
    StringBuilder letters = new StringBuilder();
    flags.forEach(f -> letters.append(f.letter()));
    String params = "";
    if (key != null) {
      letters.append('k');
      params = " " + (toMember ? key : "*");
    }
    if (limit > 0) {
      letters.append('l');
      params += " " + limit;
    }
    char[] sorted = letters.toString().toCharArray();
    Arrays.sort(sorted);
    return "+" + new String(sorted) + params;
  }

  /** Whether a mask of the room's bans matches {@code name!origin}. */
  boolean banned(String name, String origin) {
    String who = (name + "!" + origin).toLowerCase(Locale.ROOT);
    for (String mask : bans.keySet()) {
      if (Masks.matches(mask, who)) {
        return true;
      }
    }
    return false;
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
        voiced.remove(e.getKey());
        dropped.put(e.getKey(), e.getValue());
        return true;
      }
      return false;
    });
    if (!dropped.isEmpty() && members.isEmpty()) {
      emptied();
    }
    return dropped;
  }

  /** Where the room's numbering has got to, for its next owner. */
  PeerMessage.Handover handover() {
    return new PeerMessage.Handover(name, epoch, seq, new ArrayList<>(nodes.keySet()), topic,
      new RoomRules(List.copyOf(operators), List.copyOf(voiced), flags, key, limit, List.copyOf(bans.values())));
  }

  /** Takes up the rules a last owner handed over, for the members still here. */
  void rules(RoomRules rules) {
    flags.clear();
    flags.addAll(rules.flags());
    key = rules.key();
    limit = rules.limit();
    rules.operators().stream().filter(this::has).forEach(operators::add);
    rules.voiced().stream().filter(this::has).forEach(voiced::add);
    rules.bans().forEach(b -> bans.put(b.mask(), b));
  }

  /**
   * The room is registered as {@code registration} says; when {@code rules}, its flags, key, limit and bans are
   * the registration's (the room was empty, or no one handed it over).
   */
  void register(Registration registration, boolean rules) {
    this.registration = registration;
    if (rules) {
      flags.clear();
      flags.addAll(registration.flags());
      key = registration.key();
      limit = registration.limit();
      bans.clear();
      registration.bans().forEach(b -> bans.put(b.mask(), b));
    }
  }

  /** Whether {@code account} (null for a guest) is one of the registered room's operators. */
  boolean operatorAccount(String account) {
    return registration != null && account != null && registration.operators().contains(Names.nameKey(account));
  }

  /**
   * The room has emptied: operators, invitations and voices end with it; so do bans and modes, and a new
   * room's rules are back, unless it is registered.
   */
  void emptied() {
    operators.clear();
    voiced.clear();
    invited.clear();
    if (registration != null) {
      return;
    }
    bans.clear();
    flags.clear();
    flags.addAll(RoomFlag.defaults());
    key = null;
    limit = 0;
  }

  long nextSeq() {
    return ++seq;
  }

  long seq() {
    return seq;
  }
}
