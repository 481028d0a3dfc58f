package dev.chatbus.protocol;

/**
 * Why the server ends a connection, with what it tells the client and the room.
 * <p>
 * {@link #wireName()} is the JSON {@code bye} reason; {@link #roomReason()} is shown to the rooms the
 * user leaves.
 */
public enum Goodbye {
  QUIT("quit", "* bye", "quit"),
  LOGIN_TIMEOUT("login_timeout", "! login timeout", "login timeout"),
  IDLE_TIMEOUT("idle_timeout", "* idle timeout, bye", "idle timeout"),
  FLOODING("flooding", "! too many lines for too long, bye", "flooding"),
  TOO_SLOW("too_slow", "! too slow", "too slow"),
  ENDLESS_LINE("endless_line", "! a line far over the limit, bye", "line too long"),
  SHUTTING_DOWN("shutting_down", "* server shutting down", "server shutting down"),
  SERVER_FULL("server_full", "! server full", "server full"),
  PING_TIMEOUT("ping_timeout", "! ping timeout", "ping timeout"),
  BAD_PASSWORD("bad_password", "! wrong password", "wrong password"),
  KILLED("killed", "! a server operator disconnected you", "killed"),
  TOKEN_EXPIRED("token_expired", "! your token has expired", "token expired"),
  BANNED("banned", "! this address is banned from the server", "banned"),
  NAME_LOST("name_lost", "! your name was given to someone else while this server was cut off from the rest of the network;"
    + " connect again", "name lost in a network partition");

  private final String wireName;
  private final String textLine;
  private final String roomReason;

  Goodbye(String wireName, String textLine, String roomReason) {
    this.wireName = wireName;
    this.textLine = textLine;
    this.roomReason = roomReason;
  }

  public String wireName() {
    return wireName;
  }

  /** The line a text client reads, with its {@code * } or {@code ! } prefix. */
  public String textLine() {
    return textLine;
  }

  /** The line without its prefix, for people reading JSON. */
  public String message() {
    return textLine.substring(2);
  }

  public String roomReason() {
    return roomReason;
  }
}
