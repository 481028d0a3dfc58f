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
 */
public record Member(long session, String name, String node, String edge, List<String> rooms) implements Wire.Writable {

  public Member {
    rooms = List.copyOf(rooms);
  }

  /** This member with {@code room} added or (when {@code in} is false) removed. */
  public Member in(String room, boolean in) {
    List<String> now = new ArrayList<>(rooms);
    now.remove(room);
    if (in) {
      now.add(room);
    }
    return new Member(session, name, node, edge, now);
  }

  /** This member renamed. */
  public Member named(String newName) {
    return new Member(session, newName, node, edge, rooms);
  }

  @Override
  public void write(Wire.Writer out) {
    out.i64(session).str(name).str(node).str(edge).strs(rooms);
  }

  public static Member read(Wire.Reader in) {
    return new Member(in.i64(), in.str(), in.str(), in.str(), in.strs());
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
