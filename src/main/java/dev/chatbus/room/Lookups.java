package dev.chatbus.room;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.protocol.Masks;
import dev.chatbus.protocol.Names;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who is who, answered from the directory of the whole network (IRC's {@code WHO} and {@code WHOIS}): a
 * user who asked to be invisible is found by a search (a mask with wildcards) only by those who share a room
 * with it, and shows only them the rooms they share; by its exact name, anyone finds it.
 */
final class Lookups {

  private final Directory directory;

  Lookups(Directory directory) {
    this.directory = directory;
  }

  /** How many users, invisible users, server operators, rooms and nodes the network has; {@code node}'s users are local. */
  Reply census(String node) {
    int invisible = 0;
    int operators = 0;
    int local = 0;
    for (Member m : directory.all()) {
      invisible += m.invisible() ? 1 : 0;
      operators += m.serverOperator() ? 1 : 0;
      local += m.node().equals(node) ? 1 : 0;
    }
    return new Reply.Census(directory.all().size(), invisible, operators, directory.roomSizes().size(), Math.max(1, directory.nodes()),
      local);
  }

  /**
   * The users {@code l} names, as its asker may see them; {@code secret} are the rooms that are secret
   * ({@code +s}), which only their members (and server operators) see anyone in, or anyone in.
   */
  Reply lookup(SessionCommand.Lookup l, Set<String> secret) {
    Member asker = directory.session(l.asker());
    List<Member> found = new ArrayList<>();
    if (l.one()) {
      Member m = directory.byName(l.mask());
      if (m == null) {
        throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + l.mask());
      }
      found.add(shownTo(m, asker, secret));
    } else if (l.mask().startsWith("#")) {
      // A room's invisible members are listed to its members only, and a secret room's no one else.
      String room = Names.room(l.mask());
      boolean member = room != null && asker != null && (asker.rooms().contains(room) || asker.serverOperator());
      if (room != null && (member || !secret.contains(room))) {
        for (Member m : directory.members(room)) {
          if (member || !m.invisible()) {
            found.add(m);
          }
        }
      }
    } else {
      String mask = l.mask().toLowerCase(Locale.ROOT);
      String full = mask.indexOf('!') >= 0 || mask.indexOf('@') >= 0 ? Masks.normalize(mask) : null;
      // A user named exactly is found, invisible or not: invisibility hides from searches, not from the name.
      boolean search = mask.indexOf('*') >= 0 || mask.indexOf('?') >= 0 || full != null;
      for (Member m : directory.all()) {
        boolean matches = full != null ? Masks.matches(full, (m.name() + "!" + m.origin()).toLowerCase(Locale.ROOT))
          : Masks.matches(mask, Names.nameKey(m.name()));
        if (matches && (!search || !m.invisible() || sharesARoom(m, asker))) {
          found.add(m);
          if (found.size() == Reply.LIST_LIMIT) {
            break;
          }
        }
      }
    }
    return new Reply.People(found);
  }

  /**
   * {@code m} as {@code asker} may see it: an invisible user's rooms, and secret rooms, only those they share;
   * where it connects from, only to itself and server operators.
   */
  private static Member shownTo(Member m, Member asker, Set<String> secret) {
    if (asker != null && (asker.session() == m.session() || asker.serverOperator())) {
      return m;
    }
    Member shown = m.withoutAddress();
    for (String room : m.rooms()) {
      boolean shared = asker != null && asker.rooms().contains(room);
      if (!shared && (m.invisible() || secret.contains(room))) {
        shown = shown.in(room, false);
      }
    }
    return shown;
  }

  private static boolean sharesARoom(Member m, Member asker) {
    if (asker == null) {
      return false;
    }
    if (asker.session() == m.session()) {
      return true;
    }
    for (String room : m.rooms()) {
      if (asker.rooms().contains(room)) {
        return true;
      }
    }
    return false;
  }
}
