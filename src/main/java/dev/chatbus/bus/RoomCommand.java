package dev.chatbus.bus;

/**
 * What is done to a room, at its owner: the one router of the network that numbers the room's events
 * ({@code Ring}). A session's home sends each to the owner's router ({@link Addresses#router}); a router
 * that finds it is not the owner after all passes it on once, marked {@link #forwarded}.
 */
public sealed interface RoomCommand extends RouterMessage {

  /** The room, by its normalized name. */
  String room();

  /** Whether a router has passed this on already, having found it was not the room's owner. */
  boolean forwarded();

  /** This command, marked as passed on ({@code passed}) or not. */
  RoomCommand asForwarded(boolean passed);

  /**
   * {@code member} enters {@code room} (announced when the room is small enough), giving {@code key} (or
   * null) for a room that asks for one; with {@code again}, it is in already and only wants the answer.
   * Replies {@link Reply.Joined}; fails with {@code BANNED}, {@code INVITE_ONLY}, {@code BAD_KEY} or
   * {@code ROOM_FULL}.
   */
  record Enter(String room, Member member, String key, boolean again, boolean forwarded) implements RoomCommand {
    @Override
    public Enter asForwarded(boolean passed) {
      return new Enter(room, member, key, again, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room);
      member.write(out);
      out.str(key).bool(again).bool(forwarded);
    }

    public static Enter read(Wire.Reader in) {
      return new Enter(in.str(), Member.read(in), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * The member {@code session} ({@code name}, {@code origin}) invites {@code guest} (the session
   * {@code guestSession}, reachable at edge address {@code guestEdge}) into {@code room}, which lets the
   * guest past {@code +i}. Replies {@link Reply.Done}; fails with {@code NOT_IN_ROOM}, {@code NOT_OPERATOR}
   * (a room closed to outsiders) or {@code ALREADY_IN_ROOM}.
   */
  record Invite(String room, long session, String name, String origin, String guest, long guestSession, String guestEdge,
                boolean forwarded) implements RoomCommand {
    @Override
    public Invite asForwarded(boolean passed) {
      return new Invite(room, session, name, origin, guest, guestSession, guestEdge, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).str(guest).i64(guestSession).str(guestEdge).bool(forwarded);
    }

    public static Invite read(Wire.Reader in) {
      return new Invite(in.str(), in.i64(), in.str(), in.str(), in.str(), in.i64(), in.str(), in.bool());
    }
  }

  /**
   * The session {@code session}, called {@code name} ({@code origin}, see {@link Member#origin}), leaves
   * {@code room} for {@code reason} (or none); with {@code quit}, it is leaving the server. Replies
   * {@link Reply.Left}.
   */
  record Exit(String room, long session, String name, String origin, String reason, boolean quit, boolean forwarded)
    implements RoomCommand {
    @Override
    public Exit asForwarded(boolean passed) {
      return new Exit(room, session, name, origin, reason, quit, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).str(reason).bool(quit).bool(forwarded);
    }

    public static Exit read(Wire.Reader in) {
      return new Exit(in.str(), in.i64(), in.str(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * A member's message ({@code kind} a message, an action or a notice) to {@code room}, already checked by its
   * home router, which gave it its {@code id}. Replies {@link Reply.Accepted} as {@link SessionCommand.Say}
   * does. With {@code again}, it is sent once more because the router it went to left the network before
   * answering: that router may have numbered and stored it already, which the owner looks for by its id.
   */
  record Post(String room, long session, String name, String origin, String text, RoomEvent.Kind kind, boolean durable,
              String id, boolean again, boolean forwarded) implements RoomCommand {
    @Override
    public Post asForwarded(boolean passed) {
      return new Post(room, session, name, origin, text, kind, durable, id, again, passed);
    }

    /** This post, to be sent once more. */
    public Post sentAgain() {
      return new Post(room, session, name, origin, text, kind, durable, id, true, forwarded);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).str(text).u8(kind.ordinal()).bool(durable).str(id).bool(again)
        .bool(forwarded);
    }

    public static Post read(Wire.Reader in) {
      return new Post(in.str(), in.i64(), in.str(), in.str(), in.str(), RoomEvent.Kind.ofOrdinal(in.u8()), in.bool(),
        in.str(), in.bool(), in.bool());
    }
  }

  /** A member of {@code room} changed its name: announced there when the room is small enough. No reply. */
  record RenameIn(String room, long session, String oldName, String newName, String origin, boolean forwarded)
    implements RoomCommand {
    @Override
    public RenameIn asForwarded(boolean passed) {
      return new RenameIn(room, session, oldName, newName, origin, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(oldName).str(newName).str(origin).bool(forwarded);
    }

    public static RenameIn read(Wire.Reader in) {
      return new RenameIn(in.str(), in.i64(), in.str(), in.str(), in.str(), in.bool());
    }
  }

  /**
   * {@link SessionCommand.RoomTopic}, as the home router of {@code session} (called {@code name},
   * {@code origin}) passes it to the room's owner. Replies {@link Reply.TopicIs}.
   */
  record SetTopic(String room, long session, String name, String origin, String text, boolean forwarded)
    implements RoomCommand {
    @Override
    public SetTopic asForwarded(boolean passed) {
      return new SetTopic(room, session, name, origin, text, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).str(text).bool(forwarded);
    }

    public static SetTopic read(Wire.Reader in) {
      return new SetTopic(in.str(), in.i64(), in.str(), in.str(), in.str(), in.bool());
    }
  }

  /**
   * {@link SessionCommand.Moderate}, as the home router of {@code session} (called {@code name},
   * {@code origin}) passes it to the room's owner.
   */
  record Moderate(String room, long session, String name, String origin, Moderation action, String target,
                  String reason, boolean forwarded) implements RoomCommand {
    @Override
    public Moderate asForwarded(boolean passed) {
      return new Moderate(room, session, name, origin, action, target, reason, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).u8(action.ordinal()).str(target).str(reason).bool(forwarded);
    }

    public static Moderate read(Wire.Reader in) {
      return new Moderate(in.str(), in.i64(), in.str(), in.str(), Moderation.ofOrdinal(in.u8()), in.str(), in.str(),
        in.bool());
    }
  }

  /**
   * What {@code room} is like: its members with its operators ({@link Reply.Members}), its modes
   * ({@link Reply.Modes}), or its bans ({@link Reply.Bans}); the modes' key is shown to members only (the
   * session {@code asker}).
   */
  record Describe(String room, What what, long asker, boolean forwarded) implements RoomCommand {

    /** What is described. The ordinal is the wire form: append only. */
    public enum What {
      MEMBERS, MODES, BANS
    }

    @Override
    public Describe asForwarded(boolean passed) {
      return new Describe(room, what, asker, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).u8(what.ordinal()).i64(asker).bool(forwarded);
    }

    public static Describe read(Wire.Reader in) {
      return new Describe(in.str(), What.values()[in.u8()], in.i64(), in.bool());
    }
  }

  /**
   * {@link SessionCommand.History}, as the home router passes it to the room's owner, for the session
   * {@code asker} ({@link RoomEvent#SERVICE} for a service): a room closed to outsiders ({@code +i} or
   * {@code +k}) keeps its history to its members. Replies {@link Reply.History}.
   */
  record RoomHistory(String room, long asker, int limit, long afterSeq, long beforeSeq, boolean messagesOnly,
                     boolean forwarded) implements RoomCommand {
    @Override
    public RoomHistory asForwarded(boolean passed) {
      return new RoomHistory(room, asker, limit, afterSeq, beforeSeq, messagesOnly, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(asker).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly).bool(forwarded);
    }

    public static RoomHistory read(Wire.Reader in) {
      return new RoomHistory(in.str(), in.i64(), in.i32(), in.i64(), in.i64(), in.bool(), in.bool());
    }
  }

  /** {@link SessionCommand.Locate}, as the home router passes it to the room's owner; read as {@link RoomHistory} is. */
  record RoomLocate(String room, long asker, boolean byTime, long value, boolean forwarded) implements RoomCommand {
    @Override
    public RoomLocate asForwarded(boolean passed) {
      return new RoomLocate(room, asker, byTime, value, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(asker).bool(byTime).i64(value).bool(forwarded);
    }

    public static RoomLocate read(Wire.Reader in) {
      return new RoomLocate(in.str(), in.i64(), in.bool(), in.i64(), in.bool());
    }
  }

  /**
   * The session {@code session} ({@code name}, identified as {@code account}) registers {@code room} ({@code on})
   * to its account, so that its operators (as accounts), bans and modes outlive its members; or drops the
   * registration. Replies {@link Reply.Done}; fails with {@code NOT_IN_ROOM}, {@code NOT_OPERATOR},
   * {@code ACCOUNT_REQUIRED}, {@code NAME_TAKEN} (registered already) or {@code REGISTRATION_OFF} (no store).
   */
  record RegisterRoom(String room, long session, String name, String account, boolean on, boolean forwarded)
    implements RoomCommand {
    @Override
    public RegisterRoom asForwarded(boolean passed) {
      return new RegisterRoom(room, session, name, account, on, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(account).bool(on).bool(forwarded);
    }

    public static RegisterRoom read(Wire.Reader in) {
      return new RegisterRoom(in.str(), in.i64(), in.str(), in.str(), in.bool(), in.bool());
    }
  }

  /**
   * A server operator ({@code session}, {@code name}, {@code origin}) has closed {@code room} for
   * {@code reason}: its owner puts every member out, each with a kick. Replies {@link Reply.Done}.
   */
  record CloseRoom(String room, long session, String name, String origin, String reason, boolean forwarded)
    implements RoomCommand {
    @Override
    public CloseRoom asForwarded(boolean passed) {
      return new CloseRoom(room, session, name, origin, reason, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).str(reason).bool(forwarded);
    }

    public static CloseRoom read(Wire.Reader in) {
      return new CloseRoom(in.str(), in.i64(), in.str(), in.str(), in.str(), in.bool());
    }
  }

  /**
   * The member {@code session}, in {@code room}, has identified as {@code account}: in a registered room that
   * lists the account, it is an operator from now on. Not answered.
   */
  record Identified(String room, long session, String account, boolean forwarded) implements RoomCommand {
    @Override
    public Identified asForwarded(boolean passed) {
      return new Identified(room, session, account, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(account).bool(forwarded);
    }

    public static Identified read(Wire.Reader in) {
      return new Identified(in.str(), in.i64(), in.str(), in.bool());
    }
  }
}
