package dev.chatbus.bus;

import java.util.List;

/**
 * A command to the room router ({@link Addresses#router}), sent as an event-bus request.
 * <p>
 * The router answers with a {@link Reply}, or fails the request with an {@link ErrorCode} number and a
 * message meant for the user. Commands from one sender are handled in the order sent.
 * <p>
 * A session is named by a number its edge assigned before logging in (see {@code SessionIds}), so that
 * a {@link Disconnect} can follow a {@link Login} still in flight.
 */
public sealed interface Command extends Wire.Writable {

  /**
   * Register {@code name} for {@code session}, reachable at edge address {@code edge}, and enter
   * {@code room}. Replies {@link Reply.LoggedIn}; fails with {@code BAD_NAME} or {@code NAME_TAKEN}.
   */
  record Login(long session, String name, String edge, String remote, String room) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(name).str(edge).str(remote).str(room);
    }

    public static Login read(Wire.Reader in) {
      return new Login(in.i64(), in.str(), in.str(), in.str(), in.str());
    }
  }

  /**
   * Enter {@code room} and, when {@code leave} is not null, leave that room in the same step (text clients
   * switch rooms this way). Replies {@link Reply.Joined}; joining a room twice is not an error.
   */
  record Join(long session, String room, String leave) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(leave);
    }

    public static Join read(Wire.Reader in) {
      return new Join(in.i64(), in.str(), in.str());
    }
  }

  /** Leave {@code room}. Replies {@link Reply.Left}; fails with {@code NOT_IN_ROOM}. */
  record Leave(long session, String room) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room);
    }

    public static Leave read(Wire.Reader in) {
      return new Leave(in.i64(), in.str());
    }
  }

  /**
   * Say {@code text} in {@code room} ({@code action} for {@code /me}). Replies {@link Reply.Accepted} at
   * once, or with {@code durable} only once the message is stored (failing with {@code NOT_STORED} if the
   * store could not take it).
   */
  record Say(long session, String room, String text, boolean action, boolean durable) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(text).bool(action).bool(durable);
    }

    public static Say read(Wire.Reader in) {
      return new Say(in.i64(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * Send {@code text} privately to the user named {@code to}. Replies {@link Reply.Accepted} as
   * {@link Say} does; fails with {@code NO_SUCH_USER}.
   */
  record Tell(long session, String to, String text, boolean action, boolean durable) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(to).str(text).bool(action).bool(durable);
    }

    public static Tell read(Wire.Reader in) {
      return new Tell(in.i64(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * A service's message to {@code room}, under the name {@code service}, which no user may hold at the time.
   * The service need not be a member. Replies {@link Reply.Accepted} as {@link Say} does.
   */
  record ServiceSay(String service, String room, String text, boolean action, boolean durable) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(service).str(room).str(text).bool(action).bool(durable);
    }

    public static ServiceSay read(Wire.Reader in) {
      return new ServiceSay(in.str(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /** A service's private message to the user named {@code to}. Replies and fails as {@link Tell} does. */
  record ServiceTell(String service, String to, String text, boolean action, boolean durable) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(service).str(to).str(text).bool(action).bool(durable);
    }

    public static ServiceTell read(Wire.Reader in) {
      return new ServiceTell(in.str(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * The stored events of {@code room}: those after {@code afterSeq} (when it is not negative), else the
   * last {@code limit} before {@code beforeSeq} ({@link Long#MAX_VALUE} for the newest); only messages
   * and actions when {@code messagesOnly}. Replies {@link Reply.History}.
   */
  record History(long session, String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly)
    implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly);
    }

    public static History read(Wire.Reader in) {
      return new History(in.i64(), in.str(), in.i32(), in.i64(), in.i64(), in.bool());
    }
  }

  /** Change the session's name. Replies {@link Reply.Renamed}; fails with {@code BAD_NAME} or {@code NAME_TAKEN}. */
  record Rename(long session, String name) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(name);
    }

    public static Rename read(Wire.Reader in) {
      return new Rename(in.i64(), in.str());
    }
  }

  /** List the members of {@code room}. Replies {@link Reply.Members}; fails with {@code NO_SUCH_ROOM}. */
  record Who(String room) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room);
    }

    public static Who read(Wire.Reader in) {
      return new Who(in.str());
    }
  }

  /** List the rooms that have members. Replies {@link Reply.RoomList}. */
  record ListRooms() implements Command {
    @Override
    public void write(Wire.Writer out) {
    }

    public static ListRooms read(Wire.Reader in) {
      return new ListRooms();
    }
  }

  /**
   * The session is gone (quit, closed, timed out, ...): leave every room with {@code reason} and free the
   * name. Sent without waiting for a reply; a session the router does not know is ignored.
   */
  record Disconnect(long session, String reason) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(reason);
    }

    public static Disconnect read(Wire.Reader in) {
      return new Disconnect(in.i64(), in.str());
    }
  }

  // What routers say to each other. A room's events are numbered by one router in the network, the room's
  // owner; each of the commands below that names a room goes to the owner, and is passed on once
  // ({@code forwarded}) by a router that finds it is not the owner after all.

  /**
   * A router is ready: its node, cluster node id and sessions, as in the {@link Reply.Directory} it is
   * answered with by the router asked.
   */
  record Hello(Reply.Directory sender) implements Command {
    @Override
    public void write(Wire.Writer out) {
      sender.write(out);
    }

    public static Hello read(Wire.Reader in) {
      return new Hello(Reply.Directory.read(in));
    }
  }

  /** A session held by {@code node} is new or has changed: the {@code version}th change of its directory. */
  record Update(String node, long version, Member member) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(node).i64(version);
      member.write(out);
    }

    public static Update read(Wire.Reader in) {
      return new Update(in.str(), in.i64(), Member.read(in));
    }
  }

  /** A session held by {@code node} has ended: the {@code version}th change of its directory. */
  record Gone(String node, long version, long session) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(node).i64(version).i64(session);
    }

    public static Gone read(Wire.Reader in) {
      return new Gone(in.str(), in.i64(), in.i64());
    }
  }

  /**
   * The router of {@code node} is stopping: it numbers no room from now on, and {@code rooms} are where it
   * got to in each room it numbered, for their next owners to go on from.
   */
  record Bye(String node, List<Handover> rooms) implements Command {
    public Bye {
      rooms = List.copyOf(rooms);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(node).i32(rooms.size());
      for (Handover h : rooms) {
        h.write(out);
      }
    }

    public static Bye read(Wire.Reader in) {
      String node = in.str();
      int n = in.i32();
      List<Handover> rooms = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rooms.add(Handover.read(in));
      }
      return new Bye(node, rooms);
    }
  }

  /** Where the numbering of {@code room} got to: its {@code epoch}, latest {@code seq}, and the {@code nodes} with members. */
  record Handover(String room, long epoch, long seq, List<String> nodes) {
    public Handover {
      nodes = List.copyOf(nodes);
    }

    void write(Wire.Writer out) {
      out.str(room).i64(epoch).i64(seq).strs(nodes);
    }

    static Handover read(Wire.Reader in) {
      return new Handover(in.str(), in.i64(), in.i64(), in.strs());
    }

    /** Of two accounts of where a room got to, the later one. */
    public static Handover later(Handover a, Handover b) {
      return a.epoch > b.epoch || (a.epoch == b.epoch && a.seq >= b.seq) ? a : b;
    }
  }

  /**
   * The router of {@code node} takes up the numbering of {@code room}: whoever numbered it stops, and
   * replies where it got to ({@link Reply.Released}).
   */
  record Release(String room, String node) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).str(node);
    }

    public static Release read(Wire.Reader in) {
      return new Release(in.str(), in.str());
    }
  }

  /**
   * {@code member} enters {@code room} (announced when the room is small enough); with {@code again}, it is
   * in already and only wants the answer. Replies {@link Reply.Joined}.
   */
  record Enter(String room, Member member, boolean again, boolean forwarded) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room);
      member.write(out);
      out.bool(again).bool(forwarded);
    }

    public static Enter read(Wire.Reader in) {
      return new Enter(in.str(), Member.read(in), in.bool(), in.bool());
    }
  }

  /** The session {@code session}, called {@code name}, leaves {@code room} for {@code reason} (or none). Replies {@link Reply.Left}. */
  record Exit(String room, long session, String name, String reason, boolean forwarded) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(reason).bool(forwarded);
    }

    public static Exit read(Wire.Reader in) {
      return new Exit(in.str(), in.i64(), in.str(), in.str(), in.bool());
    }
  }

  /**
   * A member's message to {@code room}, already checked by its home router. Replies {@link Reply.Accepted}
   * as {@link Say} does.
   */
  record Post(String room, long session, String name, String text, boolean action, boolean durable,
              boolean forwarded) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(text).bool(action).bool(durable).bool(forwarded);
    }

    public static Post read(Wire.Reader in) {
      return new Post(in.str(), in.i64(), in.str(), in.str(), in.bool(), in.bool(), in.bool());
    }
  }

  /** A member of {@code room} changed its name: announced there when the room is small enough. No reply. */
  record RenameIn(String room, long session, String oldName, String newName, boolean forwarded) implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(oldName).str(newName).bool(forwarded);
    }

    public static RenameIn read(Wire.Reader in) {
      return new RenameIn(in.str(), in.i64(), in.str(), in.str(), in.bool());
    }
  }

  /** {@link History}, as the home router passes it to the room's owner. Replies {@link Reply.History}. */
  record RoomHistory(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly, boolean forwarded)
    implements Command {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly).bool(forwarded);
    }

    public static RoomHistory read(Wire.Reader in) {
      return new RoomHistory(in.str(), in.i32(), in.i64(), in.i64(), in.bool(), in.bool());
    }
  }
}
