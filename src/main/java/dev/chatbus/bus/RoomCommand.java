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
   * {@code member} enters {@code room} (announced when the room is small enough); with {@code again}, it is
   * in already and only wants the answer. Replies {@link Reply.Joined}.
   */
  record Enter(String room, Member member, boolean again, boolean forwarded) implements RoomCommand {
    @Override
    public Enter asForwarded(boolean passed) {
      return new Enter(room, member, again, passed);
    }

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
   * home router. Replies {@link Reply.Accepted} as {@link SessionCommand.Say} does.
   */
  record Post(String room, long session, String name, String origin, String text, RoomEvent.Kind kind, boolean durable,
              boolean forwarded) implements RoomCommand {
    @Override
    public Post asForwarded(boolean passed) {
      return new Post(room, session, name, origin, text, kind, durable, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(session).str(name).str(origin).str(text).u8(kind.ordinal()).bool(durable).bool(forwarded);
    }

    public static Post read(Wire.Reader in) {
      return new Post(in.str(), in.i64(), in.str(), in.str(), in.str(), RoomEvent.Kind.ofOrdinal(in.u8()), in.bool(),
        in.bool());
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

  /** The members of {@code room} with its operators ({@link Reply.Members}), or its modes ({@code modes}: {@link Reply.Modes}). */
  record Describe(String room, boolean modes, boolean forwarded) implements RoomCommand {
    @Override
    public Describe asForwarded(boolean passed) {
      return new Describe(room, modes, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).bool(modes).bool(forwarded);
    }

    public static Describe read(Wire.Reader in) {
      return new Describe(in.str(), in.bool(), in.bool());
    }
  }

  /** {@link SessionCommand.History}, as the home router passes it to the room's owner. Replies {@link Reply.History}. */
  record RoomHistory(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly, boolean forwarded)
    implements RoomCommand {
    @Override
    public RoomHistory asForwarded(boolean passed) {
      return new RoomHistory(room, limit, afterSeq, beforeSeq, messagesOnly, passed);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i32(limit).i64(afterSeq).i64(beforeSeq).bool(messagesOnly).bool(forwarded);
    }

    public static RoomHistory read(Wire.Reader in) {
      return new RoomHistory(in.str(), in.i32(), in.i64(), in.i64(), in.bool(), in.bool());
    }
  }
}
