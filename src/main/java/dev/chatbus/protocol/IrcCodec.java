package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Invitation;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.Topic;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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


  /**
   * What an answer is to, for the numerics an error becomes: the command, the channel or nick it named, the
   * channel a command on a member is about (or null), the mode a {@code MODE} change is of (or null), and what
   * a {@code PRIVMSG} or {@code NOTICE} said, as IRC writes it, for its echo ({@code echo-message}; else null).
   */
  public record Ref(String command, String target, String channel, String mode, String said) {
    Ref(String command, String target) {
      this(command, target, null, null, null);
    }

    Ref(String command, String target, String channel, String mode) {
      this(command, target, channel, mode, null);
    }

    Ref(String command, String target, String channel) {
      this(command, target, channel, null);
    }
  }

  private final IrcServer server;
  /** The renderers of room events, one for each pair of tags a client may ask for ({@link IrcEvents#variants}). */
  private final List<IrcEvents> variants;
  /** The one of {@link #variants} for the capabilities the client has turned on. */
  private IrcEvents events;
  /** The nick the client has, or asked for while registering; null before {@code NICK}. */
  private String nick;
  /** The client's user modes: {@code +i} (invisible) and {@code +o} (server operator). */
  private final Set<Member.Mode> modes = EnumSet.noneOf(Member.Mode.class);
  /** The capabilities the client has turned on. */
  private final Set<String> caps = new LinkedHashSet<>();
  private final IrcShown shown = new IrcShown();
  private final IrcRegistration registration = new IrcRegistration(this);
  private final IrcRequests requests = new IrcRequests(this);
  private final IrcLabels labels = new IrcLabels();
  private final IrcHistory histories = new IrcHistory(this);

  public IrcCodec(IrcServer server, List<IrcEvents> variants) {
    this.server = server;
    this.variants = variants;
    this.events = variants.get(0);
  }

  @Override
  public EventRenderer events() {
    return events;
  }

  @Override
  public boolean shows(RoomEvent e) {
    return shown.first(e);
  }


  @Override
  public boolean entersDefaultRoom() {
    return false;
  }

  @Override
  public boolean inOrder() {
    return true;
  }

  /** With {@code echo-message}, what the client says is answered: with itself, as the others got it. */
  @Override
  public boolean acks() {
    return caps.contains("echo-message");
  }

  @Override
  public boolean acksWhenStored() {
    return false;
  }

  @Override
  public boolean collects(String lines) {
    return labels.collect(lines);
  }

  @Override
  public String answered() {
    return labels.answered(server.name(), caps.contains("batch"));
  }

  @Override
  public String keepAlive() {
    return "PING :" + server.name() + CRLF;
  }

  // ----- what the client says

  @Override
  public ClientCommand parse(String raw, boolean loggedIn) {
    return parse(raw, loggedIn, false);
  }

  /**
   * {@link #parse(String, boolean)}, of a line whose bytes were not all valid UTF-8 ({@code replaced}: they
   * became U+FFFD): the server says {@code UTF8ONLY}, so the client is warned, and the line is read as it is now.
   */
  public ClientCommand parse(String raw, boolean loggedIn, boolean replaced) {
    IrcLine line = IrcLine.parse(raw);
    if (line == null) {
      return new ClientCommand.Answer("");
    }
    labels.start(caps.contains("labeled-response") ? line.tags().get("label") : null);
    ClientCommand cmd = parse(line, loggedIn);
    return replaced ? several(List.of(answer(":" + server.name() + " WARN " + line.command()
      + " INVALID_UTF8 :Your line was not valid UTF-8; what was not is shown as U+FFFD" + CRLF), cmd)) : cmd;
  }

  private ClientCommand parse(IrcLine line, boolean loggedIn) {
    if (line.bodyBytes() > IrcLine.MAX_BODY_BYTES || line.tagBytes() > IrcLine.MAX_CLIENT_TAG_BYTES) {
      return answer(numeric("417", ":Input line was too long"));
    }
    String cmd = line.command();
    switch (cmd) {
      case "CAP":
        return registration.cap(line, loggedIn);
      case "PING":
        return line.size() == 0 || line.param(0).isEmpty() ? answer(numeric("409", ":No origin specified"))
          : new ClientCommand.Ping(line.param(0));
      case "PONG":
        return new ClientCommand.Answer("");
      case "QUIT":
        return new ClientCommand.Quit(reason(line.param(0)), null);
      case "AUTHENTICATE":
        return registration.authenticate(line);
      default:
        break;
    }
    return loggedIn ? requests.parse(line) : registration.parse(line);
  }

  // ----- what the client is told

  @Override
  public String loginRejected(ErrorCode code, String message, Object ref) {
    String asked = nick;
    // The client picks another nick and registration goes on.
    nick = null;
    registration.rejected();
    return switch (code) {
      case NAME_TAKEN -> line("433", "* " + asked + " :Nickname is already in use");
      case PASSWORD_REQUIRED -> line("433", "* " + asked + " :Nickname is registered; log in with SASL, or give its "
        + "password with PASS");
      case WRONG_PASSWORD -> line("464", "* :Password incorrect");
      case BAD_NAME -> line("432", "* " + asked + " :Erroneous nickname: " + message);
      default -> notice("*", message);
    };
  }

  @Override
  public String registered(String account, Object ref) {
    return ":" + server.name() + " REGISTER SUCCESS " + account + " :Account created" + CRLF + loggedInAs(account);
  }

  @Override
  public String roomClosed(String room, boolean on, Object ref) {
    return notice(me(), on ? "Closed #" + room + ": its members are put out" : "Opened #" + room + " again");
  }

  @Override
  public String roomRegistered(String room, boolean on, Object ref) {
    return notice(me(), on ? "#" + room + " is registered to your account" : "#" + room + " is no longer registered");
  }

  @Override
  public String identified(String account, Object ref) {
    return loggedInAs(account) + numeric("903", ":SASL authentication successful");
  }

  /** {@code 900}: the client is logged in to {@code account}. */
  private String loggedInAs(String account) {
    return numeric("900", me() + "!" + origin() + " " + account + " :You are now logged in as " + account);
  }

  @Override
  public String welcome(String name, Reply.Joined room, Object ref) {
    nick = name;
    return IrcNumerics.welcome(this, server);
  }

  /** The message of the day, or {@code 422}. */
  String motd() {
    return IrcNumerics.motd(this, server);
  }

  @Override
  public String joined(Reply.Joined joined, Object ref) {
    String channel = "#" + joined.room();
    return IrcEvents.source(me(), origin()) + " JOIN " + channel + CRLF
      + (Topic.shown(joined.topic()) ? topicIs(channel, joined.topic()) : "")
      + IrcNumerics.names(this, channel, joined.roster());
  }

  @Override
  public String topic(Reply.TopicIs t, boolean set, Object ref) {
    String channel = "#" + t.room();
    if (set) {
      // Tagged as the others see it, with the event's time and id.
      String line = IrcEvents.source(me(), origin()) + " TOPIC " + channel + " :" + (t.topic() == null ? "" : t.topic().text()) + CRLF;
      return t.id() == null ? line : tagged(line, t.id(), t.topic().at());
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
    if (!(ref instanceof Ref r) || r.said() == null) {
      return "";
    }
    // The echo first (echo-message), then, for a private message to someone away, why they are.
    boolean action = r.said().startsWith(IrcEvents.ACTION);
    String text = action ? r.said().substring(IrcEvents.ACTION.length(), r.said().length() - 1) : r.said();
    // Split as the others got it, when the source makes the line longer than IRC's 512 bytes.
    String echo = !acks() ? "" : tagged(IrcEvents.said(IrcEvents.source(me(), origin()), r.command(), r.target(), text, action),
      accepted.id(), accepted.ts());
    return echo + (accepted.away() != null && r.command().equals("PRIVMSG")
      ? IrcEvents.fitted(":" + server.name() + " 301 " + me() + " " + r.target() + " :", accepted.away()) : "");
  }

  /** {@code lines} with the tags the client asked for: the time ({@code server-time}), the id ({@code message-tags}). */
  private String tagged(String lines, String id, long ts) {
    boolean time = caps.contains("server-time");
    boolean msgid = caps.contains("message-tags");
    return time || msgid ? IrcEvents.tagged(lines, id, ts, time, msgid) : lines;
  }

  @Override
  public String renamed(String name, Object ref) {
    String old = nick;
    nick = name;
    return old.equals(name) ? "" : IrcEvents.source(old, origin()) + " NICK :" + name + CRLF;
  }

  @Override
  public String members(Reply.Members members, Object ref) {
    return IrcNumerics.names(this, "#" + members.room(), members.roster());
  }

  @Override
  public String bans(Reply.Bans bans, Object ref) {
    return IrcNumerics.bans(this, bans);
  }


  @Override
  public String inviteSent(String guest, String room, Object ref) {
    return numeric("341", guest + " " + room);
  }

  @Override
  public String people(Reply.People people, String mask, boolean one, Object ref) {
    return one ? IrcNumerics.whois(this, people.people().get(0)) : IrcNumerics.who(this, people.people(), mask);
  }

  @Override
  public String census(Reply.Census census, Object ref) {
    return IrcNumerics.lusers(this, census);
  }

  @Override
  public String away(boolean away, Object ref) {
    return away ? numeric("306", ":You have been marked as being away")
      : numeric("305", ":You are no longer marked as being away");
  }

  @Override
  public String killed(String name, Object ref) {
    // IRC says nothing to the operator; those who share a channel with the user see it quit.
    return "";
  }

  @Override
  public String addressBanned(String address, boolean on, Object ref) {
    return notice(me(), on ? "Banned " + address + " from the network: its users are disconnected"
      : "Lifted the ban of " + address);
  }

  @Override
  public String userMode(Member.Mode mode, boolean on, Object ref) {
    boolean oper = mode == Member.Mode.SERVER_OPERATOR;
    if (on ? !modes.add(mode) : !modes.remove(mode)) {
      return oper && on ? numeric("381", ":You are now an IRC operator") : "";
    }
    return (oper && on ? numeric("381", ":You are now an IRC operator") : "")
      + IrcEvents.source(me(), origin()) + " MODE " + me() + " :" + (on ? "+" : "-") + (oper ? "o" : "i") + CRLF;
  }

  @Override
  public String invited(Invitation i) {
    return IrcEvents.source(i.from(), i.origin()) + " INVITE " + me() + " #" + i.room() + CRLF;
  }

  @Override
  public String modes(Reply.Modes modes, Object ref) {
    String channel = "#" + modes.room();
    return numeric("324", channel + " " + modes.modes()) + numeric("329", channel + " " + modes.since() / 1000);
  }

  @Override
  public String moderated(String room, Moderation action, String target, String reason, Reply.Accepted done, Object ref) {
    // Tagged as the others see it, with the event's time and id.
    return tagged(change(room, action, target, reason), done.id(), done.ts());
  }

  /** The {@code KICK} or {@code MODE} line of an operator's action. */
  private String change(String room, Moderation action, String target, String reason) {
    String source = IrcEvents.source(me(), origin());
    if (action == Moderation.KICK) {
      return IrcEvents.fitted(source + " KICK #" + room + " " + target + " :", reason == null ? me() : reason);
    }
    if (action == Moderation.FLAGS) {
      return source + " MODE #" + room + " " + target + CRLF;
    }
    String shown = action == Moderation.CLEAR_KEY ? "*" : target == null ? null : shownTarget(action, target);
    return source + " MODE #" + room + " " + action.mode() + (shown == null || shown.isEmpty() ? "" : " " + shown) + CRLF;
  }

  /** A mode change's parameter as the room records it: a ban's mask in full, a limit as a number. */
  static String shownTarget(Moderation action, String target) {
    return switch (action) {
      case BAN, UNBAN -> Masks.normalize(target.strip());
      case SET_LIMIT, SET_KEY -> target.strip();
      case CLEAR_KEY -> "*";
      case CLEAR_LIMIT -> "";
      default -> target;
    };
  }



  @Override
  public String rooms(Reply.RoomList rooms, Object ref) {
    StringBuilder sb = new StringBuilder(numeric("321", "Channel :Users  Name"));
    for (Reply.RoomInfo r : rooms.rooms()) {
      sb.append(IrcEvents.fitted(":" + server.name() + " 322 " + me() + " #" + r.name() + " " + r.members() + " :",
        r.topic()));
    }
    return sb.append(numeric("323", ":End of /LIST")).toString();
  }

  @Override
  public String pong(Object ref) {
    return ":" + server.name() + " PONG " + server.name() + " :" + ref + CRLF;
  }

  /**
   * Earlier messages replayed as live ones would read as said now: IRC clients are not shown them on
   * joining. They ask for them with {@code CHATHISTORY}, and get them in a batch.
   */
  @Override
  public boolean replaysOnJoin() {
    return false;
  }

  @Override
  public String history(Reply.History page, boolean onJoin, Object ref) {
    return ref instanceof IrcHistory.Asked asked ? histories.window(page, asked) : "";
  }

  @Override
  public String activeRooms(List<RoomEvent> latest, Object ref) {
    return histories.targets(latest);
  }

  /** With {@code draft/event-playback}, history holds joins, parts, topics and the rest besides messages. */
  @Override
  public boolean messagesOnly() {
    return !caps.contains("draft/event-playback");
  }

  @Override
  public String historyUnavailable(String room) {
    return "";
  }

  @Override
  public String help(Object ref) {
    return notice(me(), "Chatbus speaks JOIN, PART, PRIVMSG, NOTICE, NICK, NAMES, TOPIC, LIST, MODE, KICK, INVITE, MOTD,"
      + " PING and QUIT");
  }

  @Override
  public String error(ErrorCode code, String message, Object ref) {
    if (ref instanceof IrcHistory.Asked asked) {
      return histories.fail(code, message, asked);
    }
    return IrcNumerics.error(this, code, message, ref instanceof Ref r ? r : new Ref("", null));
  }

  @Override
  public String refused(Reply.Refused refused) {
    // A notice is never answered; a message refused says which channel it was for.
    return refused.notice() ? "" : error(ErrorCode.ofCode(refused.code()), refused.message(),
      new Ref("PRIVMSG", refused.room() == null ? null : "#" + refused.room()));
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
    return tagged(IrcEvents.said(IrcEvents.source(m.from(), m.origin()), command, me(), m.text(), m.action()), m.id(), m.ts());
  }

  @Override
  public String dropped(long count) {
    return notice(me(), count + (count == 1 ? " line was" : " lines were")
      + " dropped because you were not reading fast enough");
  }

  // ----- helpers

  IrcServer server() {
    return server;
  }

  IrcHistory histories() {
    return histories;
  }

  /** The nick the client asked for while registering, or has; null before {@code NICK}. */
  String nick() {
    return nick;
  }

  void nick(String asked) {
    nick = asked;
  }

  /** The capabilities the client has turned on. */
  Set<String> caps() {
    return caps;
  }

  /** Whether the client has turned {@code cap} on. */
  boolean has(String cap) {
    return caps.contains(cap);
  }

  void cap(String cap, boolean on) {
    if (on) {
      caps.add(cap);
    } else {
      caps.remove(cap);
    }
    events = variants.get(IrcEvents.variant(caps.contains("server-time"), caps.contains("message-tags")));
  }

  /** The server's name, the source of its numerics. */
  String serverName() {
    return server.name();
  }

  /** The client's own modes as IRC writes them: {@code +}, {@code +i}, {@code +o} or {@code +io}. */
  String userModes() {
    return "+" + (modes.contains(Member.Mode.INVISIBLE) ? "i" : "") + (modes.contains(Member.Mode.SERVER_OPERATOR) ? "o" : "");
  }

  /** The client's nick, or {@code *} before it has one. */
  String me() {
    return nick == null ? "*" : nick;
  }

  /** The client's own {@code user@host}. */
  String origin() {
    return (registration.user() == null ? "*" : registration.user()) + "@" + server.node();
  }

  /** A numeric reply to the client: {@code :server NNN nick rest}. */
  String numeric(String code, String rest) {
    return line(code, me() + " " + rest);
  }

  private String line(String code, String params) {
    return ":" + server.name() + " " + code + " " + params + CRLF;
  }

  String notice(String to, String text) {
    return ":" + server.name() + " NOTICE " + to + " :" + text + CRLF;
  }

  ClientCommand needMore(String command) {
    return answer(numeric("461", command + " :Not enough parameters"));
  }

  static ClientCommand answer(String lines) {
    return new ClientCommand.Answer(lines);
  }

  static ClientCommand several(List<ClientCommand> commands) {
    return commands.size() == 1 ? commands.get(0) : new ClientCommand.Several(commands);
  }

  static boolean isChannel(String target) {
    return target.startsWith("#");
  }

  static String reason(String given) {
    if (given == null) {
      return null;
    }
    String r = Text.clean(given);
    return r.isBlank() ? null : r;
  }

}
