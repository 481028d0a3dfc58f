package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.RoomEvent;

import java.util.List;

/**
 * What a client asked for, whatever protocol it speaks. Codecs turn lines into these; the edge carries
 * them out.
 * <p>
 * {@code ref} is the client's correlation value (JSON {@code ref}, any JSON value), echoed in the answer;
 * it is null for text clients. A null {@code room} means the text client's current room.
 */
public sealed interface ClientCommand {

  Object ref();

  /**
   * Log in as {@code name}, with the password of its account when it is registered ({@code password}, or
   * null), or with a signed {@code token} (or null) whose subject the name is (null: the token's subject);
   * {@code user} and {@code realname} are what IRC shows of the user ({@link dev.chatbus.bus.Member}).
   */
  record Hello(String name, String user, String realname, String password, String token, Object ref)
    implements ClientCommand {
    public Hello(String name, String user, String realname, String password, Object ref) {
      this(name, user, realname, password, null, ref);
    }

    public Hello(String name, String user, String realname, Object ref) {
      this(name, user, realname, null, null, ref);
    }

    @Override
    public String toString() {
      return "Hello[name=" + name + ", user=" + user + (password == null ? "" : ", with a password")
        + (token == null ? "" : ", with a token") + "]";
    }
  }

  /**
   * As a server operator, close {@code room} for {@code reason} ({@code on}: its members are put out, and no
   * one else enters it), or open it again.
   */
  record CloseRoom(String room, String reason, boolean on, Object ref) implements ClientCommand {
  }

  /** Register {@code room} (null: the text client's room) to the client's account ({@code on}), or drop that. */
  record RegisterRoom(String room, boolean on, Object ref) implements ClientCommand {
  }

  /** Register the name the client holds as an account, with {@code password}. */
  record Register(String password, Object ref) implements ClientCommand {
    @Override
    public String toString() {
      return "Register[]";
    }
  }

  /**
   * Identify as the account {@code account} (null: the client's own name) with {@code password}: before
   * logging in (IRC's SASL) or after.
   */
  record Identify(String account, String password, Object ref) implements ClientCommand {
    @Override
    public String toString() {
      return "Identify[account=" + account + "]";
    }
  }

  /** Enter {@code room}, giving {@code key} (or null); a text client leaves its current room at the same time. */
  record Join(String room, String key, Object ref) implements ClientCommand {
  }

  /** Invite the user named {@code guest} into {@code room} (null: the text client's room). */
  record Invite(String guest, String room, Object ref) implements ClientCommand {
  }

  /** Who {@code mask} names (a room, or names with wildcards), or, with {@code one}, who the user {@code mask} is. */
  record Lookup(String mask, boolean one, Object ref) implements ClientCommand {
  }

  /** How many users, rooms and nodes the network has (IRC's {@code LUSERS}). */
  record Census(Object ref) implements ClientCommand {
  }

  /** Be away for {@code reason}, or back (null). */
  record Away(String reason, Object ref) implements ClientCommand {
  }

  /** Turn one of the client's own modes on or off: invisible (not listed to those who share no room), or server operator. */
  record UserMode(Member.Mode mode, boolean on, Object ref) implements ClientCommand {
  }

  /** As a server operator, disconnect the user called {@code name}, for {@code reason} (or null). */
  record Kill(String name, String reason, Object ref) implements ClientCommand {
  }

  /**
   * As a server operator, ban {@code address} from the network for {@code reason} (its users are disconnected,
   * and no connection from it is taken), or, with {@code on} false, lift the ban.
   */
  record BanAddress(String address, String reason, boolean on, Object ref) implements ClientCommand {
  }

  /** Become a server operator, as {@code name} with {@code password} from the {@code operators} setting. */
  record Oper(String name, String password, Object ref) implements ClientCommand {
  }

  /** The bans of {@code room} (null: the text client's room). */
  record Bans(String room, Object ref) implements ClientCommand {
  }

  /** Leave {@code room} saying {@code reason} (or nothing, when null); a text client goes back to the default room. */
  record Leave(String room, String reason, Object ref) implements ClientCommand {
  }

  /** Leave every room (IRC's {@code JOIN 0}). */
  record LeaveAll(Object ref) implements ClientCommand {
  }

  /** Say {@code text} in {@code room}, as a message, an action ({@code /me}) or a notice ({@code kind}). */
  record Say(String room, String text, RoomEvent.Kind kind, Object ref) implements ClientCommand {
  }

  /** Send {@code text} privately to {@code to}, as {@link Say} says it. */
  record Msg(String to, String text, RoomEvent.Kind kind, Object ref) implements ClientCommand {
  }

  /** Change name to {@code name}. */
  record Nick(String name, Object ref) implements ClientCommand {
  }

  /** Set the topic of {@code room} (null: the text client's room) to {@code text}, or ask it when that is null. */
  record Topic(String room, String text, Object ref) implements ClientCommand {
  }

  /** As an operator of {@code room}, do {@code action} to {@code target} (null: to the room), with {@code reason}. */
  record Moderate(String room, Moderation action, String target, String reason, Object ref) implements ClientCommand {
  }

  /** The modes of {@code room}. */
  record Modes(String room, Object ref) implements ClientCommand {
  }

  /** List the members of {@code room}. */
  record Who(String room, Object ref) implements ClientCommand {
  }

  /** List the rooms. */
  record Rooms(Object ref) implements ClientCommand {
  }

  /**
   * Stored events of {@code room} (null: the text client's room): the first {@code limit} after
   * {@code afterSeq} when it is not negative, else the last {@code limit} before {@code beforeSeq};
   * a {@code limit} of 0 asks for the server's default.
   */
  record History(String room, int limit, long afterSeq, long beforeSeq, Object ref) implements ClientCommand {
  }

  /**
   * Stored events of {@code room} placed by marks rather than numbers (IRC's {@code CHATHISTORY}), at most
   * {@code limit}, oldest first: the latest (after {@code from}, when it is not null); those before or after
   * {@code from}; those around it, itself included; those between {@code from} and {@code to}, reading
   * from {@code from}. Bounds are exclusive.
   */
  record Window(Kind kind, String room, Mark from, Mark to, int limit, Object ref) implements ClientCommand {
    public enum Kind { LATEST, BEFORE, AFTER, AROUND, BETWEEN }

    /** A message by its id, or (when {@code byTime}) a time in milliseconds since 1970. */
    public record Mark(boolean byTime, long value) {
    }
  }

  /**
   * The rooms the client is in whose latest message came between two times (exclusive, in milliseconds since
   * 1970), in the order of those messages from {@code from} towards {@code to}, at most {@code limit}.
   */
  record ActiveRooms(long from, long to, int limit, Object ref) implements ClientCommand {
  }

  /** The rest of the last history answer that was cut short (text clients: {@code /history more}). */
  record HistoryMore(Object ref) implements ClientCommand {
  }

  /** Check the connection. */
  record Ping(Object ref) implements ClientCommand {
  }

  /** Show the commands. */
  record Help(Object ref) implements ClientCommand {
  }

  /** Disconnect, telling the rooms {@code reason} (may be null). */
  record Quit(String reason, Object ref) implements ClientCommand {
  }

  /** A line that could not be understood; the client is told {@code message}. */
  record Invalid(ErrorCode code, String message, Object ref) implements ClientCommand {
  }

  /** One line that asks for several things (IRC's {@code JOIN #a,#b}), carried out in order. */
  record Several(List<ClientCommand> commands) implements ClientCommand {
    public Several {
      commands = List.copyOf(commands);
    }

    @Override
    public Object ref() {
      return null;
    }
  }

  /** Something the codec answers on its own ({@code lines}, maybe none), such as IRC's capability negotiation. */
  record Answer(String lines) implements ClientCommand {
    @Override
    public Object ref() {
      return null;
    }
  }

  /** The client is disconnected for {@code why} (a wrong server password). */
  record Close(Goodbye why) implements ClientCommand {
    @Override
    public Object ref() {
      return null;
    }
  }
}
