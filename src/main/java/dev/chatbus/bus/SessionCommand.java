package dev.chatbus.bus;

/**
 * What the edges and the API ask of a session's home, the router of the node the session is on
 * ({@link Addresses#router}): log in, join, leave, say, tell, rename, ask who is where, read history,
 * disconnect, and speak as a service. Sent as requests, except a {@link Disconnect} and a text client's
 * {@link Say}; answered with a {@link Reply}, or failed with an {@link ErrorCode} number and a message meant
 * for the user. Commands from one sender are handled in the order sent.
 * <p>
 * A session is named by a number its edge assigned before logging in (see {@code SessionIds}), so that
 * a {@link Disconnect} can follow a {@link Login} still in flight.
 */
public sealed interface SessionCommand extends RouterMessage {

  /**
   * Register {@code name} for {@code session}, reachable at edge address {@code edge}, and enter
   * {@code room} (none when null: IRC clients join their channels themselves). {@code user} and
   * {@code realname} are what {@link Member} keeps of them, {@code secure} whether the client connected
   * over TLS, and {@code account} the account it identified as (null for a guest; the edge checked the
   * password). Replies {@link Reply.LoggedIn}; fails with
   * {@code BAD_NAME} or {@code NAME_TAKEN}.
   */
  record Login(long session, String name, String edge, String remote, String room, String user, String realname,
               boolean secure, String account) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(name).str(edge).str(remote).str(room).str(user).str(realname).bool(secure).str(account);
    }

    public static Login read(Wire.Reader in) {
      return new Login(in.i64(), in.str(), in.str(), in.str(), in.str(), in.str(), in.str(), in.bool(), in.str());
    }
  }

  /**
   * Enter {@code room}, with {@code key} (or null) for a room that asks for one, and, when {@code leave} is
   * not null, leave that room in the same step (text clients switch rooms this way). Replies
   * {@link Reply.Joined}; joining a room twice is not an error.
   */
  record Join(long session, String room, String key, String leave) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(key).str(leave);
    }

    public static Join read(Wire.Reader in) {
      return new Join(in.i64(), in.str(), in.str(), in.str());
    }
  }

  /** Invite the user named {@code guest} into {@code room}. Replies {@link Reply.Done}; see {@link RoomCommand.Invite}. */
  record Invite(long session, String guest, String room) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(guest).str(room);
    }

    public static Invite read(Wire.Reader in) {
      return new Invite(in.i64(), in.str(), in.str());
    }
  }

  /** Leave {@code room}, saying {@code reason} (or nothing). Replies {@link Reply.Left}; fails with {@code NOT_IN_ROOM}. */
  record Leave(long session, String room, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(reason);
    }

    public static Leave read(Wire.Reader in) {
      return new Leave(in.i64(), in.str(), in.str());
    }
  }

  /**
   * Say {@code text} in {@code room}, as a message, an action ({@code /me}) or a notice ({@code kind}).
   * Replies {@link Reply.Accepted} at once, or with {@code durable} only once the message is stored (failing
   * with {@code NOT_STORED} if the store could not take it).
   */
  record Say(long session, String room, String text, RoomEvent.Kind kind, boolean durable) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(text).u8(kind.ordinal()).bool(durable);
    }

    public static Say read(Wire.Reader in) {
      return new Say(in.i64(), in.str(), in.str(), RoomEvent.Kind.ofOrdinal(in.u8()), in.bool());
    }
  }

  /**
   * Send {@code text} privately to the user named {@code to}, as {@link Say} says it. Replies
   * {@link Reply.Accepted} as {@link Say} does; fails with {@code NO_SUCH_USER}.
   */
  record Tell(long session, String to, String text, RoomEvent.Kind kind, boolean durable) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(to).str(text).u8(kind.ordinal()).bool(durable);
    }

    public static Tell read(Wire.Reader in) {
      return new Tell(in.i64(), in.str(), in.str(), RoomEvent.Kind.ofOrdinal(in.u8()), in.bool());
    }
  }

  /**
   * A service's message to {@code room}, under the name {@code service}, which no user may hold at the time.
   * The service need not be a member. Replies {@link Reply.Accepted} as {@link Say} does.
   */
  record ServiceSay(String service, String room, String text, boolean action, boolean durable) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(service).str(room).str(text).bool(action).bool(durable);
    }

    public static ServiceSay read(Wire.Reader in) {
      return new ServiceSay(in.str(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * A service acts as an operator of {@code room}, under the name {@code service}: sets its topic
   * ({@code action} null, {@code target} the topic), or does {@code action} as {@link Moderate} does. The
   * service need not be a member, and is every room's operator. Replies {@link Reply.Accepted} (the event it
   * made) or, setting the topic, {@link Reply.TopicIs}.
   */
  record ServiceModerate(String service, String room, Moderation action, String target, String reason)
    implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(service).str(room).bool(action != null).u8(action == null ? 0 : action.ordinal()).str(target).str(reason);
    }

    public static ServiceModerate read(Wire.Reader in) {
      String service = in.str();
      String room = in.str();
      boolean acts = in.bool();
      int action = in.u8();
      return new ServiceModerate(service, room, acts ? Moderation.ofOrdinal(action) : null, in.str(), in.str());
    }
  }

  /** A service's private message to the user named {@code to}. Replies and fails as {@link Tell} does. */
  record ServiceTell(String service, String to, String text, boolean action, boolean durable) implements SessionCommand {
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
    implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly);
    }

    public static History read(Wire.Reader in) {
      return new History(in.i64(), in.str(), in.i32(), in.i64(), in.i64(), in.bool());
    }
  }

  /**
   * Where a mark falls in the numbering of {@code room}: the message whose id is {@code value}, or (when
   * {@code byTime}) the time {@code value}, in milliseconds since 1970. Replies {@link Reply.Located}; read
   * as history is, so refused where history is.
   */
  record Locate(long session, String room, boolean byTime, long value) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).bool(byTime).i64(value);
    }

    public static Locate read(Wire.Reader in) {
      return new Locate(in.i64(), in.str(), in.bool(), in.i64());
    }
  }

  /** Change the session's name. Replies {@link Reply.Renamed}; fails with {@code BAD_NAME} or {@code NAME_TAKEN}. */
  record Rename(long session, String name) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(name);
    }

    public static Rename read(Wire.Reader in) {
      return new Rename(in.i64(), in.str());
    }
  }

  /**
   * Set the topic of {@code room} to {@code text} (empty clears it), or, when it is null, ask what it is.
   * Replies {@link Reply.TopicIs}; fails with {@code NO_SUCH_ROOM}, or, setting it, {@code NOT_IN_ROOM}.
   */
  record RoomTopic(long session, String room, String text) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(text);
    }

    public static RoomTopic read(Wire.Reader in) {
      return new RoomTopic(in.i64(), in.str(), in.str());
    }
  }

  /**
   * As an operator of {@code room}, do {@code action} to the member named {@code target} (null for what
   * acts on the room), with {@code reason} (a kick's; null for the operator's name). Replies
   * {@link Reply.Accepted} with the number of the event it made; fails with {@code NO_SUCH_ROOM},
   * {@code NOT_IN_ROOM}, {@code NOT_OPERATOR}, {@code NO_SUCH_USER} or {@code NOT_A_MEMBER}.
   */
  record Moderate(long session, String room, Moderation action, String target, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).u8(action.ordinal()).str(target).str(reason);
    }

    public static Moderate read(Wire.Reader in) {
      return new Moderate(in.i64(), in.str(), Moderation.ofOrdinal(in.u8()), in.str(), in.str());
    }
  }

  /**
   * The modes of {@code room} ({@link Reply.Modes}; its key only to its members), or, with {@code bans}, its
   * bans ({@link Reply.Bans}). Fails with {@code NO_SUCH_ROOM}.
   */
  record Modes(long session, String room, boolean bans) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).bool(bans);
    }

    public static Modes read(Wire.Reader in) {
      return new Modes(in.i64(), in.str(), in.bool());
    }
  }

  /**
   * Sent by the owner of {@code room} to the home of {@code session}: an operator put the session out of
   * the room. No reply.
   */
  record Removed(long session, String room) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room);
    }

    public static Removed read(Wire.Reader in) {
      return new Removed(in.i64(), in.str());
    }
  }

  /** Mark the session away for {@code reason}, or back when it is null. Replies {@link Reply.Done}. */
  record Away(long session, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(reason);
    }

    public static Away read(Wire.Reader in) {
      return new Away(in.i64(), in.str());
    }
  }

  /**
   * Turn one of the session's own modes on or off: {@code INVISIBLE} (IRC's {@code +i}: not listed to those
   * who share no room with it) or {@code SERVER_OPERATOR} (IRC's {@code +o}, given by {@code OPER} once the
   * edge has checked the operator's password). Replies {@link Reply.Done}.
   */
  record UserMode(long session, Member.Mode mode, boolean on) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).u8(mode.ordinal()).bool(on);
    }

    public static UserMode read(Wire.Reader in) {
      return new UserMode(in.i64(), Member.Mode.ofOrdinal(in.u8()), in.bool());
    }
  }

  /**
   * The server operator {@code session} disconnects the user called {@code name}, for {@code reason} (IRC's
   * {@code KILL}). Replies {@link Reply.Done}; fails with {@code NOT_OPERATOR} or {@code NO_SUCH_USER}.
   */
  record Kill(long session, String name, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(name).str(reason);
    }

    public static Kill read(Wire.Reader in) {
      return new Kill(in.i64(), in.str(), in.str());
    }
  }

  /**
   * Sent by the owner of {@code room} to the home of {@code session}: the session is now an operator of the
   * room ({@code operator}) or voiced in it, or (when {@code on} is false) no longer, which the directory
   * shows to everyone. No reply.
   */
  record Status(long session, String room, boolean operator, boolean on) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).bool(operator).bool(on);
    }

    public static Status read(Wire.Reader in) {
      return new Status(in.i64(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * The users {@code mask} names, as the session {@code asker} may see them: the members of a room
   * ({@code #room}), or those whose name (or {@code name!user@host}) matches it, the invisible only when
   * they share a room with the asker; with {@code one}, the user named {@code mask} alone (IRC's
   * {@code WHOIS}), its rooms only those the asker may see. Replies {@link Reply.People}; fails with
   * {@code NO_SUCH_USER} for a {@code one} nobody is.
   */
  record Lookup(long asker, String mask, boolean one) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(asker).str(mask).bool(one);
    }

    public static Lookup read(Wire.Reader in) {
      return new Lookup(in.i64(), in.str(), in.bool());
    }
  }

  /** How many users, invisible users, rooms and nodes the network has (IRC's {@code LUSERS}). Replies {@link Reply.Census}. */
  record Census() implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
    }

    public static Census read(Wire.Reader in) {
      return new Census();
    }
  }

  /**
   * List the members of {@code room} as {@code session} (a service: {@link RoomEvent#SERVICE}) may see them.
   * Replies {@link Reply.Members}; fails with {@code NO_SUCH_ROOM}.
   */
  record Who(long session, String room) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room);
    }

    public static Who read(Wire.Reader in) {
      return new Who(in.i64(), in.str());
    }
  }

  /**
   * List the rooms that have members, with their topics, as {@code session} (a service:
   * {@link RoomEvent#SERVICE}) may see them: a secret room only to its members. Replies {@link Reply.RoomList}.
   */
  record ListRooms(long session) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session);
    }

    public static ListRooms read(Wire.Reader in) {
      return new ListRooms(in.i64());
    }
  }

  /**
   * Answers once the router has handled every command sent before it from the same edge, and has sent on
   * the room events they made: an IRC client's {@code PONG} comes after what its {@code PING} followed.
   * Replies {@link Reply.Done}.
   */
  record Sync(long session) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session);
    }

    public static Sync read(Wire.Reader in) {
      return new Sync(in.i64());
    }
  }

  /**
   * The session is gone (quit, closed, timed out, ...): leave every room with {@code reason} and free the
   * name. Sent without waiting for a reply; a session the router does not know is ignored.
   */
  record Disconnect(long session, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(reason);
    }

    public static Disconnect read(Wire.Reader in) {
      return new Disconnect(in.i64(), in.str());
    }
  }

  /** The session has identified as {@code account} (the edge checked the password). Replies {@link Reply.Done}. */
  record Identified(long session, String account) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(account);
    }

    public static Identified read(Wire.Reader in) {
      return new Identified(in.i64(), in.str());
    }
  }

  /**
   * A server operator bans {@code address} from the whole network for {@code reason} (its users there are
   * disconnected, and no new connection from it is taken), or, with a null reason, lifts the ban. Replies
   * {@link Reply.Done}; fails with {@code NOT_OPERATOR} or {@code BAD_PARAMETER}.
   */
  record BanAddress(long session, String address, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(address).str(reason);
    }

    public static BanAddress read(Wire.Reader in) {
      return new BanAddress(in.i64(), in.str(), in.str());
    }
  }

  /** Register {@code room} (a room the session is in) to the session's account ({@code on}), or drop that. */
  record RegisterRoom(long session, String room, boolean on) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).bool(on);
    }

    public static RegisterRoom read(Wire.Reader in) {
      return new RegisterRoom(in.i64(), in.str(), in.bool());
    }
  }

  /**
   * A server operator closes {@code room} for {@code reason} (its members are put out, and no one but server
   * operators enters it), or, with a null reason, opens it again. Replies {@link Reply.Done}; fails with
   * {@code NOT_OPERATOR} or {@code BAD_ROOM}.
   */
  record CloseRoom(long session, String room, String reason) implements SessionCommand {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).str(room).str(reason);
    }

    public static CloseRoom read(Wire.Reader in) {
      return new CloseRoom(in.i64(), in.str(), in.str());
    }
  }
}
