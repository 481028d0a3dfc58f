package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;

/**
 * One client wire protocol: parses a client's lines into {@link ClientCommand}s and renders what the
 * client is told. Implementations are stateless and know nothing of Vert.x or sockets.
 * <p>
 * Every rendering is zero or more complete lines, each ending in {@code \n}; an empty string means the
 * protocol says nothing in that case.
 */
public interface ClientCodec {

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

  /** The client is logged in as {@code name} and has entered its first room. */
  String welcome(String name, Reply.Joined room, Object ref);

  String joined(Reply.Joined joined, Object ref);

  String left(String room, Object ref);

  String accepted(Reply.Accepted accepted, Object ref);

  String renamed(String name, Object ref);

  String members(Reply.Members members, Object ref);

  String rooms(Reply.RoomList rooms, Object ref);

  String pong(Object ref);

  /**
   * Stored events of a room: shown on entering it ({@code onJoin}, before anything live), or asked for.
   * Says whether older ones asked for are no longer kept.
   */
  String history(Reply.History page, boolean onJoin, Object ref);

  /** On entering {@code room}: its earlier messages could not be read in time, so none are shown. */
  String historyUnavailable(String room);

  String help(Object ref);

  String error(ErrorCode code, String message, Object ref);

  /** The last line before the server closes the connection. */
  String goodbye(Goodbye reason);

  String roomEvent(RoomEvent event);

  String privateMessage(PrivateMessage message);

  /** {@code count} deliveries were dropped while the client was not reading; it is reading again. */
  String dropped(long count);
}
