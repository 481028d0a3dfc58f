package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Invitation;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;

import java.util.List;

/**
 * One client wire protocol: parses a client's lines into {@link ClientCommand}s and renders what the
 * client is told. Implementations are stateless and know nothing of Vert.x or sockets.
 * <p>
 * Every rendering is zero or more complete lines, each ending in {@code \n}; an empty string means the
 * protocol says nothing in that case.
 */
public interface ClientCodec extends EventRenderer {

  /** The first line every connection receives, before its protocol is known. */
  static String greeting(ServerInfo server) {
    return "* " + server.software() + " on " + server.node() + ". Please enter your name:\n";
  }

  /**
   * Parses one line (without its line ending, already decoded from UTF-8).
   *
   * @param loggedIn whether the client has a name yet (a text client's first lines are names)
   */
  ClientCommand parse(String line, boolean loggedIn);

  /** A login attempt failed; the client may try again. */
  String loginRejected(ErrorCode code, String message, Object ref);

  /**
   * What asks for the password of the registered {@code name} a client tried to log in under, its next line
   * being the password; null for protocols that send the password with the login instead.
   */
  default String passwordPrompt(String name) {
    return null;
  }

  /** The client is logged in as {@code name} and has entered its first room ({@code room}, null when none). */
  String welcome(String name, Reply.Joined room, Object ref);

  String joined(Reply.Joined joined, Object ref);

  /** The client left {@code room}, saying {@code reason} (maybe null). */
  String left(String room, String reason, Object ref);

  String accepted(Reply.Accepted accepted, Object ref);

  String renamed(String name, Object ref);

  /** The client's name is registered now, as the account {@code account}, which it is identified as. */
  String registered(String account, Object ref);

  /** The client, a server operator, closed {@code room} ({@code on}), or opened it again. */
  String roomClosed(String room, boolean on, Object ref);

  /** The client registered {@code room} to its account ({@code on}), or dropped its registration. */
  String roomRegistered(String room, boolean on, Object ref);

  /** The client proved it holds the account {@code account}'s password. */
  String identified(String account, Object ref);

  String members(Reply.Members members, Object ref);

  /**
   * The client, an operator of {@code room}, did {@code action} (to {@code target}, with {@code reason}); the
   * room was told by the event {@code done} numbers.
   */
  String moderated(String room, Moderation action, String target, String reason, Reply.Accepted done, Object ref);

  /** A room's modes. */
  String modes(Reply.Modes modes, Object ref);

  /** A room's bans. */
  String bans(Reply.Bans bans, Object ref);

  /** The client invited {@code guest} into {@code room}. */
  String inviteSent(String guest, String room, Object ref);

  /** Someone invites the client into a room. */
  String invited(Invitation invitation);

  /** Who {@code mask} names ({@link ClientCommand.Lookup}), or, with {@code one}, who that user is. */
  String people(Reply.People people, String mask, boolean one, Object ref);

  /** How many users, rooms and nodes the network has. */
  String census(Reply.Census census, Object ref);

  /** The client is away now, or back. */
  String away(boolean away, Object ref);

  /** The client, a server operator, disconnected {@code name}. */
  String killed(String name, Object ref);

  /** The client, a server operator, banned {@code address} from the network ({@code on}), or lifted its ban. */
  String addressBanned(String address, boolean on, Object ref);

  /** The client's {@code mode} is on now, or off. */
  String userMode(Member.Mode mode, boolean on, Object ref);

  /** A room's topic: asked for, or (when {@code set}) just set by the client. */
  String topic(Reply.TopicIs topic, boolean set, Object ref);

  String rooms(Reply.RoomList rooms, Object ref);

  String pong(Object ref);

  /**
   * Stored events of a room: shown on entering it ({@code onJoin}, before anything live), or asked for.
   * Says whether older ones asked for are no longer kept.
   */
  String history(Reply.History page, boolean onJoin, Object ref);

  /**
   * The rooms of {@link ClientCommand.ActiveRooms}, each as its latest message, in order. Only codecs whose
   * clients can ask for them (IRC's {@code CHATHISTORY TARGETS}) render them.
   */
  default String activeRooms(List<RoomEvent> latest, Object ref) {
    throw new UnsupportedOperationException("this protocol has no way to ask for active rooms");
  }

  /** On entering {@code room}: its earlier messages could not be read in time, so none are shown. */
  String historyUnavailable(String room);

  String help(Object ref);

  String error(ErrorCode code, String message, Object ref);

  /** A message the client sent without waiting for an answer was turned down. */
  default String refused(Reply.Refused refused) {
    return error(ErrorCode.ofCode(refused.code()), refused.message(), null);
  }

  /** The last line before the server closes the connection. */
  String goodbye(Goodbye reason);

  String privateMessage(PrivateMessage message);

  /** {@code count} deliveries were dropped while the client was not reading; it is reading again. */
  String dropped(long count);

  /**
   * The codec that renders room events for this client: the same object for every client that reads them
   * alike, so that a fan-out renders each event once per such codec. A codec made per connection returns a
   * shared one.
   */
  default EventRenderer events() {
    return this;
  }

  /**
   * Whether the client is shown {@code event}, someone else's: false for what it has been shown already in
   * another form (IRC shows a quit, or a rename, once for every room shared with the user).
   */
  default boolean shows(RoomEvent event) {
    return true;
  }

  /** Whether the client is in one room at a time, switching rooms as it joins (text clients). */
  default boolean oneRoom() {
    return false;
  }

  /**
   * Whether the client is shown a room's earlier messages on entering it ({@link #history} with
   * {@code onJoin}); IRC clients ask for them instead.
   */
  default boolean replaysOnJoin() {
    return true;
  }

  /** Whether the client enters the default room on logging in (IRC clients join their channels themselves). */
  default boolean entersDefaultRoom() {
    return true;
  }

  /**
   * Whether what the client says is answered, once stored ({@code ack}); if not, it is sent to the router
   * without waiting, and a refusal comes back on its own.
   */
  default boolean acks() {
    return false;
  }

  /**
   * Whether the answer to what the client says ({@link #acks}) waits until it is stored, as JSON's {@code ack}
   * promises; an IRC echo does not.
   */
  default boolean acksWhenStored() {
    return acks();
  }

  /**
   * Keeps {@code lines}, answers to the command being carried out, to be sent together once it is fully
   * answered ({@link #answered}); returns whether it did (IRC's {@code labeled-response}).
   */
  default boolean collects(String lines) {
    return false;
  }

  /** The command being carried out is fully answered: what is to be sent for it now, or null for nothing. */
  default String answered() {
    return null;
  }

  /** Whether joining a room the client is in answers {@link #joined} again (else it is ignored). */
  default boolean rejoins() {
    return false;
  }

  /** Whether the client's history requests are for messages only, without joins, leaves and renames. */
  default boolean messagesOnly() {
    return false;
  }

  /**
   * Whether the client's commands are carried out one after the other, each answered before the next is
   * read, and a ping answered only after what the commands before it sent to rooms (IRC clients and their
   * tests count on it).
   */
  default boolean inOrder() {
    return false;
  }

  /** What is sent to a client that has been silent a while, to see whether it is still there; null for nothing. */
  default String keepAlive() {
    return null;
  }
}
