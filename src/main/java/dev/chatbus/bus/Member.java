package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.List;

/**
 * A logged-in user as every router in the network knows it: told by the router of the node that holds
 * the user's connection (its home) to every other router, whenever it changes.
 *
 * @param session the session's number, unique in the network
 * @param name    the user's name
 * @param node    the home node's name
 * @param edge    the address of the edge instance that holds the connection (private messages go there)
 * @param rooms   the rooms the user is in, in the order entered
 * @param user    the user part of the user's IRC mask: {@code ~} and what an IRC client gave in USER, or the
 *                protocol a client of another kind speaks ({@code text}, {@code json})
 * @param realname what an IRC client gave as its real name; the protocol's name for others
 * @param away     why the user is away (IRC's {@code AWAY}); null when it is not
 * @param invisible whether the user asked not to be listed to those who share no room with it (IRC's {@code +i})
 * @param serverOperator whether the user is a server operator (IRC's {@code +o}, by {@code OPER}): an operator of
 *                every room
 * @param operatorOf the rooms among {@code rooms} whose operator the user is, as their owners said
 * @param voicedIn   the rooms among {@code rooms} where the user is voiced ({@code +v}), as their owners said
 * @param secure     whether the user's connection is over TLS (IRC's {@code WHOIS} says so, {@code 671})
 * @param account    the account the user identified as, or null for a guest (IRC's {@code WHOIS} says so, {@code 330})
 * @param address    the IP address the user connects from, or null (a service); shown to server operators only
 */
public record Member(long session, String name, String node, String edge, List<String> rooms, String user,
                     String realname, String away, boolean invisible, boolean serverOperator, List<String> operatorOf,
                     List<String> voicedIn, boolean secure, String account, String address) implements Wire.Writable {

  /** A mode the user sets on itself, or is given. The ordinal is the wire form: append only. */
  public enum Mode {
    INVISIBLE, SERVER_OPERATOR;

    private static final Mode[] VALUES = values();

    static Mode ofOrdinal(int ordinal) {
      return VALUES[ordinal];
    }
  }

  public Member {
    rooms = List.copyOf(rooms);
    operatorOf = List.copyOf(operatorOf);
    voicedIn = List.copyOf(voicedIn);
  }

  /** A member just logged in: in no room, not away, not invisible, over plain TCP. */
  public Member(long session, String name, String node, String edge, List<String> rooms, String user, String realname) {
    this(session, name, node, edge, rooms, user, realname, false);
  }

  /** A member just logged in: in no room, not away, not invisible; over TLS when {@code secure}; a guest. */
  public Member(long session, String name, String node, String edge, List<String> rooms, String user, String realname,
                boolean secure) {
    this(session, name, node, edge, rooms, user, realname, secure, null, null);
  }

  /**
   * A member just logged in from {@code address}: in no room, not away, not invisible; over TLS when
   * {@code secure}; as {@code account}.
   */
  public Member(long session, String name, String node, String edge, List<String> rooms, String user, String realname,
                boolean secure, String account, String address) {
    this(session, name, node, edge, rooms, user, realname, null, false, false, List.of(), List.of(), secure, account, address);
  }

  /** This member as others who are not server operators see it: without its address. */
  public Member withoutAddress() {
    return address == null ? this : new Member(session, name, node, edge, rooms, user, realname, away, invisible,
      serverOperator, operatorOf, voicedIn, secure, account, null);
  }

  /** This member with {@code room} added or (when {@code in} is false) removed. */
  public Member in(String room, boolean in) {
    List<String> now = new ArrayList<>(rooms);
    now.remove(room);
    if (in) {
      now.add(room);
    }
    return new Member(session, name, node, edge, now, user, realname, away, invisible, serverOperator,
      in ? operatorOf : without(operatorOf, room), in ? voicedIn : without(voicedIn, room), secure, account, address);
  }

  /** This member renamed. */
  public Member named(String newName) {
    return new Member(session, newName, node, edge, rooms, user, realname, away, invisible, serverOperator, operatorOf, voicedIn,
      secure, account, address);
  }

  /** This member away for {@code reason}, or back (null). */
  public Member away(String reason) {
    return new Member(session, name, node, edge, rooms, user, realname, reason, invisible, serverOperator, operatorOf, voicedIn,
      secure, account, address);
  }

  /** This member identified as {@code account}. */
  public Member identified(String account) {
    return new Member(session, name, node, edge, rooms, user, realname, away, invisible, serverOperator, operatorOf, voicedIn,
      secure, account, address);
  }

  /** This member with {@code mode} on or off. */
  public Member with(Mode mode, boolean on) {
    return mode == Mode.INVISIBLE
      ? new Member(session, name, node, edge, rooms, user, realname, away, on, serverOperator, operatorOf, voicedIn, secure,
        account, address)
      : new Member(session, name, node, edge, rooms, user, realname, away, invisible, on, operatorOf, voicedIn, secure,
        account, address);
  }


  /** This member an operator of {@code room} ({@code operator}) or voiced in it, or (when {@code on} is false) no longer. */
  public Member status(String room, boolean operator, boolean on) {
    List<String> list = operator ? operatorOf : voicedIn;
    List<String> changed = on && rooms.contains(room) ? with(list, room) : without(list, room);
    return new Member(session, name, node, edge, rooms, user, realname, away, invisible, serverOperator,
      operator ? changed : operatorOf, operator ? voicedIn : changed, secure, account, address);
  }

  private static List<String> with(List<String> rooms, String room) {
    List<String> now = without(rooms, room);
    now.add(room);
    return now;
  }

  private static List<String> without(List<String> rooms, String room) {
    List<String> now = new ArrayList<>(rooms);
    now.remove(room);
    return now;
  }

  /**
   * {@code user@host} of the user's IRC mask ({@code name!user@host}): the host is the node the user is on,
   * so that no one's address is shown to everyone.
   */
  public String origin() {
    return user + "@" + node;
  }

  @Override
  public void write(Wire.Writer out) {
    out.i64(session).str(name).str(node).str(edge).strs(rooms).str(user).str(realname).str(away).bool(invisible)
      .bool(serverOperator).strs(operatorOf).strs(voicedIn).bool(secure).str(account).str(address);
  }

  public static Member read(Wire.Reader in) {
    return new Member(in.i64(), in.str(), in.str(), in.str(), in.strs(), in.str(), in.str(), in.str(), in.bool(),
      in.bool(), in.strs(), in.strs(), in.bool(), in.str(), in.str());
  }

  static void writeAll(Wire.Writer out, List<Member> members) {
    out.i32(members.size());
    for (Member m : members) {
      m.write(out);
    }
  }

  static List<Member> readAll(Wire.Reader in) {
    int n = in.i32();
    List<Member> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      members.add(read(in));
    }
    return members;
  }
}
