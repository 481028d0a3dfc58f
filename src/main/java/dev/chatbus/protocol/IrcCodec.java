package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.Topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.chatbus.protocol.IrcEvents.CRLF;

/**
 * IRC (Modern IRC, the client side) for one connection: registration ({@code PASS}, {@code NICK},
 * {@code USER}, {@code CAP}), then the commands that map onto Chatbus's ({@code JOIN}, {@code PART},
 * {@code PRIVMSG}, {@code NOTICE}, {@code NICK}, {@code NAMES}, {@code LIST}, {@code PING}, {@code QUIT}),
 * answered with IRC's numerics from the server's name to the client's nick.
 * <p>
 * Unlike the text and JSON codecs this one is made per connection: registration is a conversation, and
 * every numeric names its recipient. Room events are rendered by the shared {@link IrcEvents}; a quit or a
 * rename seen in several shared rooms is shown once ({@link #shows}).
 */
public final class IrcCodec implements ClientCodec {

  /** The CTCP request IRC clients send {@code /me} as. */
  private static final String ACTION_START = "\u0001ACTION ";
  /** How many quits and renames of others are remembered, to show each once. */
  private static final int REMEMBERED = 256;

  /** What an answer is to, for the numerics an error becomes: the command, and the channel or nick it named. */
  public record Ref(String command, String target) {
  }

  private final IrcServer server;
  private final IrcEvents events;
  /** The nick the client has, or asked for while registering; null before {@code NICK}. */
  private String nick;
  private String user;
  private String realname;
  private String password;
  /** True from {@code CAP LS} or {@code CAP REQ} before registration until {@code CAP END}. */
  private boolean negotiating;
  /** True once a login went to the server: registration is over, or under way. */
  private boolean registering;
  private final Map<Long, Boolean> quitsShown = remembered();
  private final Map<Long, String> renamesShown = remembered();

  public IrcCodec(IrcServer server, IrcEvents events) {
    this.server = server;
    this.events = events;
  }

  @Override
  public EventRenderer events() {
    return events;
  }

  @Override
  public boolean shows(RoomEvent e) {
    if (e.kind() == RoomEvent.Kind.QUIT) {
      return quitsShown.put(e.senderSession(), Boolean.TRUE) == null;
    }
    if (e.kind() == RoomEvent.Kind.RENAME) {
      String change = e.from() + " " + e.text();
      return !change.equals(renamesShown.put(e.senderSession(), change));
    }
    return true;
  }

  @Override
  public boolean entersDefaultRoom() {
    return false;
  }

  @Override
  public boolean inOrder() {
    return true;
  }

  @Override
  public String keepAlive() {
    return "PING :" + server.name() + CRLF;
  }

  // ----- what the client says

  @Override
  public ClientCommand parse(String raw, boolean loggedIn) {
    IrcLine line = IrcLine.parse(raw);
    if (line == null) {
      return new ClientCommand.Answer("");
    }
    if (line.bodyBytes() > IrcLine.MAX_BODY_BYTES) {
      return answer(numeric("417", ":Input line was too long"));
    }
    String cmd = line.command();
    switch (cmd) {
      case "CAP":
        return cap(line, loggedIn);
      case "PING":
        return line.size() == 0 || line.param(0).isEmpty() ? answer(numeric("409", ":No origin specified"))
          : new ClientCommand.Ping(line.param(0));
      case "PONG":
        return new ClientCommand.Answer("");
      case "QUIT":
        return new ClientCommand.Quit(reason(line.param(0)), null);
      default:
        break;
    }
    return loggedIn ? registered(line) : registering(line);
  }

  private ClientCommand registering(IrcLine line) {
    switch (line.command()) {
      case "PASS":
        if (line.size() < 1) {
          return needMore("PASS");
        }
        password = line.param(0);
        return new ClientCommand.Answer("");
      case "NICK":
        if (line.size() < 1 || line.param(0).isEmpty()) {
          return answer(numeric("431", ":No nickname given"));
        }
        nick = line.param(0);
        return registered();
      case "USER":
        if (line.size() < 4 || line.param(0).isEmpty() || line.param(3).isEmpty()) {
          return needMore("USER");
        }
        if (user != null) {
          return answer(numeric("462", ":You may not reregister"));
        }
        user = "~" + ident(line.param(0));
        realname = Text.clean(line.param(3));
        return registered();
      default:
        return answer(numeric("451", ":You have not registered"));
    }
  }

  /** Registration is complete once the client has a nick and a user, and is not negotiating capabilities. */
  private ClientCommand registered() {
    if (nick == null || user == null || negotiating || registering) {
      return new ClientCommand.Answer("");
    }
    if (!server.password().isEmpty() && !server.password().equals(password)) {
      return new ClientCommand.Close(Goodbye.BAD_PASSWORD);
    }
    registering = true;
    return new ClientCommand.Hello(nick, user, realname, new Ref("NICK", nick));
  }

  private ClientCommand registered(IrcLine line) {
    String cmd = line.command();
    switch (cmd) {
      case "PASS":
      case "USER":
        return answer(numeric("462", ":You may not reregister"));
      case "NICK":
        if (line.size() < 1 || line.param(0).isEmpty()) {
          return answer(numeric("431", ":No nickname given"));
        }
        return new ClientCommand.Nick(line.param(0), new Ref("NICK", line.param(0)));
      case "JOIN":
        return join(line);
      case "PART":
        return part(line);
      case "PRIVMSG":
      case "NOTICE":
        return say(line, cmd.equals("NOTICE"));
      case "NAMES":
        return names(line);
      case "TOPIC":
        if (line.size() < 1 || line.param(0).isEmpty()) {
          return needMore("TOPIC");
        }
        return isChannel(line.param(0)) ? new ClientCommand.Topic(line.param(0), line.param(1), new Ref("TOPIC", line.param(0)))
          : answer(numeric("403", line.param(0) + " :No such channel"));
      case "LIST":
        return new ClientCommand.Rooms(new Ref("LIST", null));
      case "MOTD":
        return answer(motd());
      default:
        return answer(numeric("421", cmd + " :Unknown command"));
    }
  }

  private ClientCommand cap(IrcLine line, boolean loggedIn) {
    String sub = line.size() == 0 ? "" : line.param(0).toUpperCase(Locale.ROOT);
    String me = nick == null ? "*" : nick;
    switch (sub) {
      case "LS":
        if (!loggedIn) {
          negotiating = true;
        }
        return answer(":" + server.name() + " CAP " + me + " LS :" + CRLF);
      case "LIST":
        return answer(":" + server.name() + " CAP " + me + " LIST :" + CRLF);
      case "REQ":
        if (!loggedIn) {
          negotiating = true;
        }
        // No capability is offered yet, so every request is refused, whole.
        return answer(":" + server.name() + " CAP " + me + " NAK :" + (line.size() > 1 ? line.param(1) : "") + CRLF);
      case "END":
        if (loggedIn || !negotiating) {
          return new ClientCommand.Answer("");
        }
        negotiating = false;
        return registered();
      default:
        return answer(numeric("410", (line.size() == 0 ? "*" : line.param(0)) + " :Invalid CAP command"));
    }
  }

  private ClientCommand join(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return needMore("JOIN");
    }
    if (line.param(0).equals("0")) {
      return new ClientCommand.LeaveAll(new Ref("PART", null));
    }
    List<ClientCommand> joins = new ArrayList<>();
    for (String channel : line.param(0).split(",")) {
      if (channel.isEmpty()) {
        continue;
      }
      joins.add(isChannel(channel) ? new ClientCommand.Join(channel, new Ref("JOIN", channel))
        : answer(numeric("403", channel + " :No such channel")));
    }
    return several(joins);
  }

  private ClientCommand part(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return needMore("PART");
    }
    String reason = reason(line.param(1));
    List<ClientCommand> parts = new ArrayList<>();
    for (String channel : line.param(0).split(",")) {
      if (!channel.isEmpty()) {
        parts.add(isChannel(channel) ? new ClientCommand.Leave(channel, reason, new Ref("PART", channel))
          : answer(numeric("403", channel + " :No such channel")));
      }
    }
    return several(parts);
  }

  private ClientCommand say(IrcLine line, boolean notice) {
    String cmd = notice ? "NOTICE" : "PRIVMSG";
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return notice ? new ClientCommand.Answer("") : answer(numeric("411", ":No recipient given (" + cmd + ")"));
    }
    if (line.size() < 2 || line.param(1).isEmpty()) {
      return notice ? new ClientCommand.Answer("") : answer(numeric("412", ":No text to send"));
    }
    String text = line.param(1);
    RoomEvent.Kind kind = notice ? RoomEvent.Kind.NOTICE : RoomEvent.Kind.MESSAGE;
    if (text.startsWith(ACTION_START) || text.equals("\u0001ACTION\u0001")) {
      kind = RoomEvent.Kind.ACTION;
      text = text.substring(Math.min(text.length(), ACTION_START.length()));
      text = text.endsWith("\u0001") ? text.substring(0, text.length() - 1) : text;
    } else if (text.startsWith("\u0001")) {
      // Other CTCP requests (VERSION, PING, DCC, ...) ask things of another's client, which Chatbus does not relay.
      return notice ? new ClientCommand.Answer("")
        : answer(":" + server.name() + " NOTICE " + me() + " :CTCP requests are not relayed here" + CRLF);
    }
    text = Text.clean(text);
    if (text.isBlank()) {
      return notice ? new ClientCommand.Answer("") : answer(numeric("412", ":No text to send"));
    }
    List<ClientCommand> sends = new ArrayList<>();
    for (String target : line.param(0).split(",")) {
      if (target.isEmpty()) {
        continue;
      }
      Ref ref = new Ref(cmd, target);
      sends.add(isChannel(target) ? new ClientCommand.Say(target, text, kind, ref)
        : new ClientCommand.Msg(target, text, kind, ref));
    }
    return several(sends);
  }

  private ClientCommand names(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return answer(numeric("366", "* :End of /NAMES list"));
    }
    List<ClientCommand> asks = new ArrayList<>();
    for (String channel : line.param(0).split(",")) {
      if (!channel.isEmpty()) {
        asks.add(isChannel(channel) ? new ClientCommand.Who(channel, new Ref("NAMES", channel))
          : answer(numeric("366", channel + " :End of /NAMES list")));
      }
    }
    return several(asks);
  }

  // ----- what the client is told

  @Override
  public String loginRejected(ErrorCode code, String message, Object ref) {
    String asked = nick;
    // The client picks another nick and registration goes on.
    nick = null;
    registering = false;
    return switch (code) {
      case NAME_TAKEN -> line("433", "* " + asked + " :Nickname is already in use");
      case BAD_NAME -> line("432", "* " + asked + " :Erroneous nickname: " + message);
      default -> notice("*", message);
    };
  }

  @Override
  public String welcome(String name, Reply.Joined room, Object ref) {
    nick = name;
    StringBuilder sb = new StringBuilder(1024)
      .append(numeric("001", ":Welcome to the " + server.network() + " IRC network, " + name + "!" + origin()))
      .append(numeric("002", ":Your host is " + server.name() + ", running version " + server.version()))
      .append(numeric("003", ":This server was created " + server.created()))
      .append(numeric("004", server.name() + " " + server.version() + " i n"));
    for (String tokens : isupport()) {
      sb.append(numeric("005", tokens + " :are supported by this server"));
    }
    return sb.append(motd()).toString();
  }

  /** ISUPPORT, in lines of at most 13 tokens. */
  private List<String> isupport() {
    return List.of(
      "CASEMAPPING=ascii CHANTYPES=# CHANLIMIT=#:" + server.maxRooms() + " CHANNELLEN=" + Names.MAX_CHANNEL_BYTES
        + " NICKLEN=" + Names.MAX_NAME_LENGTH + " NETWORK=" + server.network() + " PREFIX= CHANMODES=,,,n",
      "TARGMAX=PRIVMSG:4,NOTICE:4,JOIN:10,PART:10,NAMES:10 MAXTARGETS=4 TOPICLEN=" + Names.MAX_TOPIC_BYTES + " UTF8ONLY");
  }

  private String motd() {
    if (server.motd().isEmpty()) {
      return numeric("422", ":MOTD File is missing");
    }
    StringBuilder sb = new StringBuilder(numeric("375", ":- " + server.name() + " Message of the day - "));
    for (String l : server.motd()) {
      sb.append(numeric("372", ":- " + l));
    }
    return sb.append(numeric("376", ":End of /MOTD command.")).toString();
  }

  @Override
  public String joined(Reply.Joined joined, Object ref) {
    String channel = "#" + joined.room();
    return IrcEvents.source(me(), origin()) + " JOIN " + channel + CRLF
      + (Topic.shown(joined.topic()) ? topicIs(channel, joined.topic()) : "")
      + names(channel, joined.members());
  }

  @Override
  public String topic(Reply.TopicIs t, boolean set, Object ref) {
    String channel = "#" + t.room();
    if (set) {
      return IrcEvents.source(me(), origin()) + " TOPIC " + channel + " :" + (t.topic() == null ? "" : t.topic().text()) + CRLF;
    }
    return Topic.shown(t.topic()) ? topicIs(channel, t.topic()) : numeric("331", channel + " :No topic is set");
  }

  /** {@code 332} and {@code 333}: the topic, who set it and when. */
  private String topicIs(String channel, Topic topic) {
    return numeric("332", channel + " :" + topic.text()) + numeric("333", channel + " " + topic.by() + " " + topic.at() / 1000);
  }

  @Override
  public String left(String room, String reason, Object ref) {
    return IrcEvents.source(me(), origin()) + " PART #" + room + (reason == null ? "" : " :" + reason) + CRLF;
  }

  @Override
  public String accepted(Reply.Accepted accepted, Object ref) {
    return "";
  }

  @Override
  public String renamed(String name, Object ref) {
    String old = nick;
    nick = name;
    return old.equals(name) ? "" : IrcEvents.source(old, origin()) + " NICK :" + name + CRLF;
  }

  @Override
  public String members(Reply.Members members, Object ref) {
    return names("#" + members.room(), members.names());
  }

  /** {@code 353} lines as long as they may be, then {@code 366}. */
  private String names(String channel, List<String> members) {
    String head = ":" + server.name() + " 353 " + me() + " = " + channel + " :";
    StringBuilder sb = new StringBuilder(head.length() + 16 * members.size() + 64);
    StringBuilder names = new StringBuilder();
    for (String name : members) {
      if (names.length() > 0 && head.length() + names.length() + 1 + name.length() > IrcLine.MAX_BODY_BYTES) {
        sb.append(head).append(names).append(CRLF);
        names.setLength(0);
      }
      if (names.length() > 0) {
        names.append(' ');
      }
      names.append(name);
    }
    if (names.length() > 0) {
      sb.append(head).append(names).append(CRLF);
    }
    return sb.append(numeric("366", channel + " :End of /NAMES list")).toString();
  }

  @Override
  public String rooms(Reply.RoomList rooms, Object ref) {
    StringBuilder sb = new StringBuilder(numeric("321", "Channel :Users  Name"));
    for (Reply.RoomInfo r : rooms.rooms()) {
      sb.append(numeric("322", "#" + r.name() + " " + r.members() + " :"));
    }
    return sb.append(numeric("323", ":End of /LIST")).toString();
  }

  @Override
  public String pong(Object ref) {
    return ":" + server.name() + " PONG " + server.name() + " :" + ref + CRLF;
  }

  @Override
  public String history(Reply.History page, boolean onJoin, Object ref) {
    // Earlier messages replayed as live ones would read as said now: IRC clients are not shown them.
    return "";
  }

  @Override
  public String historyUnavailable(String room) {
    return "";
  }

  @Override
  public String help(Object ref) {
    return notice(me(), "Chatbus speaks JOIN, PART, PRIVMSG, NOTICE, NICK, NAMES, TOPIC, LIST, MOTD, PING and QUIT");
  }

  @Override
  public String error(ErrorCode code, String message, Object ref) {
    Ref to = ref instanceof Ref r ? r : new Ref("", null);
    if (to.command().equals("NOTICE")) {
      // A notice is never answered, not even with an error.
      return "";
    }
    String target = to.target() == null ? "*" : to.target();
    return switch (code) {
      case NAME_TAKEN -> numeric("433", target + " :Nickname is already in use");
      case BAD_NAME -> numeric("432", target + " :Erroneous nickname: " + message);
      case NO_SUCH_USER -> numeric("401", target + " :No such nick/channel");
      case TOO_MANY_ROOMS -> numeric("405", target + " :You have joined too many channels");
      case NOT_LOGGED_IN -> numeric("451", ":You have not registered");
      case TOO_LONG -> numeric("417", ":Input line was too long");
      case BAD_ROOM, NO_SUCH_ROOM -> to.command().equals("NAMES") ? numeric("366", target + " :End of /NAMES list")
        : numeric("403", target + " :No such channel");
      case NOT_IN_ROOM -> to.command().equals("PRIVMSG") ? numeric("404", target + " :Cannot send to channel")
        : numeric("442", target + " :You're not on that channel");
      default -> notice(me(), message);
    };
  }

  @Override
  public String goodbye(Goodbye reason) {
    String pre = reason == Goodbye.BAD_PASSWORD ? numeric("464", ":Password incorrect") : "";
    return pre + "ERROR :Closing link: " + (nick == null ? "*" : nick) + " (" + reason.roomReason() + ")" + CRLF;
  }

  @Override
  public String roomEvent(RoomEvent event) {
    return events.roomEvent(event);
  }

  @Override
  public String privateMessage(PrivateMessage m) {
    String command = m.kind() == RoomEvent.Kind.NOTICE ? "NOTICE" : "PRIVMSG";
    return IrcEvents.said(IrcEvents.source(m.from(), m.origin()), command, me(), m.text(), m.action());
  }

  @Override
  public String dropped(long count) {
    return notice(me(), count + (count == 1 ? " line was" : " lines were")
      + " dropped because you were not reading fast enough");
  }

  // ----- helpers

  /** The client's nick, or {@code *} before it has one. */
  private String me() {
    return nick == null ? "*" : nick;
  }

  /** The client's own {@code user@host}. */
  private String origin() {
    return (user == null ? "*" : user) + "@" + server.node();
  }

  /** A numeric reply to the client: {@code :server NNN nick rest}. */
  private String numeric(String code, String rest) {
    return line(code, me() + " " + rest);
  }

  private String line(String code, String params) {
    return ":" + server.name() + " " + code + " " + params + CRLF;
  }

  private String notice(String to, String text) {
    return ":" + server.name() + " NOTICE " + to + " :" + text + CRLF;
  }

  private ClientCommand needMore(String command) {
    return answer(numeric("461", command + " :Not enough parameters"));
  }

  private static ClientCommand answer(String lines) {
    return new ClientCommand.Answer(lines);
  }

  private static ClientCommand several(List<ClientCommand> commands) {
    return commands.size() == 1 ? commands.get(0) : new ClientCommand.Several(commands);
  }

  private static boolean isChannel(String target) {
    return target.startsWith("#");
  }

  /** The user name an IRC client gave, as the user part of its mask: at most 10 characters a mask may hold. */
  private static String ident(String given) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < given.length() && sb.length() < 10; i++) {
      char c = given.charAt(i);
      if (c > ' ' && c < 0x7f && c != '@' && c != '!' && c != '*' && c != '?') {
        sb.append(c);
      }
    }
    return sb.length() == 0 ? "user" : sb.toString();
  }

  private static String reason(String given) {
    if (given == null) {
      return null;
    }
    String r = Text.clean(given);
    return r.isBlank() ? null : r;
  }

  private static <V> Map<Long, V> remembered() {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
