package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Invitation;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.Topic;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The line-based text protocol for people on {@code nc} or telnet, a superset of the Tokio chat example.
 * <p>
 * Server lines start with {@code * } (a notice) or {@code ! } (an error), or are {@code name: text} (a
 * message in the client's room) or {@code [pm] name: text} (a private message); a service's name comes
 * marked, {@code [service] name: text}. A client line starting with {@code /} is a command; {@code //}
 * escapes a message that starts with {@code /}.
 */
public final class TextCodec implements ClientCodec {

  private static final String PROMPT = "* Please enter your name:\n";
  /** Before the name of a service; no user name holds a space, so no user can forge it. */
  static final String SERVICE_MARK = "[service] ";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private final ServerInfo server;

  public TextCodec(ServerInfo server) {
    this.server = server;
  }

  @Override
  public ClientCommand parse(String line, boolean loggedIn) {
    if (line.startsWith("//")) {
      return loggedIn ? new ClientCommand.Say(null, Text.clean(line.substring(1)), RoomEvent.Kind.MESSAGE, null)
        : notLoggedIn();
    }
    if (!line.startsWith("/")) {
      return loggedIn ? new ClientCommand.Say(null, Text.clean(line), RoomEvent.Kind.MESSAGE, null)
        : new ClientCommand.Hello(line.strip(), "text", "Chatbus text client", null);
    }
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
    String rest = space < 0 ? "" : line.substring(space + 1).strip();
    if (!loggedIn) {
      return verb.equals("quit") ? new ClientCommand.Quit(reason(rest), null) : notLoggedIn();
    }
    switch (verb) {
      case "join":
        return rest.isEmpty() ? usage("/join ROOM") : new ClientCommand.Join(firstWord(rest), null, null);
      case "leave":
      case "part":
        return new ClientCommand.Leave(null, null, null);
      case "rooms":
      case "list":
        return new ClientCommand.Rooms(null);
      case "who":
      case "names":
        return new ClientCommand.Who(rest.isEmpty() ? null : firstWord(rest), null);
      case "nick":
        return rest.isEmpty() ? usage("/nick NAME") : new ClientCommand.Nick(firstWord(rest), null);
      case "topic":
        return new ClientCommand.Topic(null, rest.isEmpty() ? null : rest, null);
      case "op":
        return rest.isEmpty() ? usage("/op NAME") : new ClientCommand.Moderate(null, Moderation.OP, firstWord(rest), null, null);
      case "deop":
        return rest.isEmpty() ? usage("/deop NAME")
          : new ClientCommand.Moderate(null, Moderation.DEOP, firstWord(rest), null, null);
      case "ban":
        return rest.isEmpty() ? usage("/ban NAME") : new ClientCommand.Moderate(null, Moderation.BAN, firstWord(rest), null, null);
      case "unban":
        return rest.isEmpty() ? usage("/unban NAME")
          : new ClientCommand.Moderate(null, Moderation.UNBAN, firstWord(rest), null, null);
      case "bans":
        return new ClientCommand.Bans(null, null);
      case "voice":
      case "devoice":
        return rest.isEmpty() ? usage("/" + verb + " NAME")
          : new ClientCommand.Moderate(null, verb.equals("voice") ? Moderation.VOICE : Moderation.DEVOICE, firstWord(rest), null, null);
      case "mode": {
        String[] words = rest.split(" +", 2);
        Moderation change = Moderation.of(words[0]);
        return change == null || change.hasTarget() && words.length < 2 ? usage("/mode +X|-X [ARG], X one of i k l m n s t")
          : new ClientCommand.Moderate(null, change, words.length < 2 ? null : words[1], null, null);
      }
      case "whois":
        return rest.isEmpty() ? usage("/whois NAME") : new ClientCommand.Lookup(firstWord(rest), true, null);
      case "away":
        return new ClientCommand.Away(reason(rest), null);
      case "users":
        return new ClientCommand.Census(null);
      case "kill": {
        if (rest.isEmpty()) {
          return usage("/kill NAME [REASON]");
        }
        int gap = rest.indexOf(' ');
        return new ClientCommand.Kill(firstWord(rest), gap < 0 ? null : reason(rest.substring(gap + 1)), null);
      }
      case "closeroom": {
        if (rest.isEmpty()) {
          return usage("/closeroom ROOM [REASON]");
        }
        int gap = rest.indexOf(' ');
        return new ClientCommand.CloseRoom(firstWord(rest), gap < 0 ? null : reason(rest.substring(gap + 1)), true, null);
      }
      case "openroom":
        return rest.isEmpty() ? usage("/openroom ROOM") : new ClientCommand.CloseRoom(firstWord(rest), null, false, null);
      case "connections":
        return new ClientCommand.Lookup("*", false, null);
      case "registerroom":
        return new ClientCommand.RegisterRoom(null, true, null);
      case "unregisterroom":
        return new ClientCommand.RegisterRoom(null, false, null);
      case "register":
        return rest.isEmpty() ? usage("/register PASSWORD") : new ClientCommand.Register(rest, null);
      case "identify": {
        String[] words = rest.split(" +", 2);
        return rest.isEmpty() ? usage("/identify [NAME] PASSWORD")
          : new ClientCommand.Identify(words.length < 2 ? null : words[0], words.length < 2 ? rest : words[1], null);
      }
      case "banaddress": {
        if (rest.isEmpty()) {
          return usage("/banaddress ADDRESS [REASON]");
        }
        int gap = rest.indexOf(' ');
        return new ClientCommand.BanAddress(firstWord(rest), gap < 0 ? null : reason(rest.substring(gap + 1)), true, null);
      }
      case "banname": {
        if (rest.isEmpty()) {
          return usage("/banname NAME [REASON]");
        }
        int gap = rest.indexOf(' ');
        return new ClientCommand.BanAddress(firstWord(rest), gap < 0 ? null : reason(rest.substring(gap + 1)), true, null);
      }
      case "unbanname":
        return rest.isEmpty() ? usage("/unbanname NAME") : new ClientCommand.BanAddress(firstWord(rest), null, false, null);
      case "unbanaddress":
        return rest.isEmpty() ? usage("/unbanaddress ADDRESS") : new ClientCommand.BanAddress(firstWord(rest), null, false, null);
      case "oper": {
        String[] words = rest.split(" +", 2);
        return words.length < 2 ? usage("/oper NAME PASSWORD") : new ClientCommand.Oper(words[0], words[1], null);
      }
      case "invite":
        return rest.isEmpty() ? usage("/invite NAME") : new ClientCommand.Invite(firstWord(rest), null, null);
      case "kick": {
        if (rest.isEmpty()) {
          return usage("/kick NAME [REASON]");
        }
        int gap = rest.indexOf(' ');
        return new ClientCommand.Moderate(null, Moderation.KICK, firstWord(rest), gap < 0 ? null : reason(rest.substring(gap + 1)),
          null);
      }
      case "msg":
      case "tell": {
        int gap = rest.indexOf(' ');
        String text = gap < 0 ? "" : Text.clean(rest.substring(gap + 1));
        return text.isBlank() ? usage("/msg NAME TEXT")
          : new ClientCommand.Msg(rest.substring(0, gap), text, RoomEvent.Kind.MESSAGE, null);
      }
      case "me": {
        String text = Text.clean(rest);
        return text.isBlank() ? usage("/me TEXT") : new ClientCommand.Say(null, text, RoomEvent.Kind.ACTION, null);
      }
      case "history":
        return history(rest);
      case "ping":
        return new ClientCommand.Ping(null);
      case "help":
        return new ClientCommand.Help(null);
      case "quit":
        return new ClientCommand.Quit(reason(rest), null);
      default:
        return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST,
          "unknown command /" + verb + "; /help lists the commands", null);
    }
  }

  @Override
  public boolean oneRoom() {
    return true;
  }

  @Override
  public boolean messagesOnly() {
    return true;
  }

  @Override
  public String loginRejected(ErrorCode code, String message, Object ref) {
    return "! " + message + "\n" + PROMPT;
  }

  @Override
  public String passwordPrompt(String name) {
    return "* the name " + name + " is registered. Password:\n";
  }

  @Override
  public String welcome(String name, Reply.Joined room, Object ref) {
    return "* welcome " + name + ". You are in #" + room.room() + " with " + others(room) + ". /help lists the commands.\n"
      + topicLine(room.topic());
  }

  @Override
  public String joined(Reply.Joined joined, Object ref) {
    return "* you are now in #" + joined.room() + " with " + others(joined) + ".\n" + topicLine(joined.topic());
  }

  /** The topic shown on entering a room: none when it has none. */
  private static String topicLine(Topic topic) {
    return Topic.shown(topic) ? "* topic: " + topic.text() + " (set by " + topic.by() + ")\n" : "";
  }

  @Override
  public String topic(Reply.TopicIs t, boolean set, Object ref) {
    String room = "#" + t.room();
    if (set) {
      return Topic.shown(t.topic()) ? "* you set the topic of " + room + ": " + t.topic().text() + "\n"
        : "* you cleared the topic of " + room + "\n";
    }
    if (!Topic.shown(t.topic())) {
      return "* " + room + " has no topic\n";
    }
    return "* the topic of " + room + ": " + t.topic().text() + " (set by " + t.topic().by() + " on "
      + DAY.format(Instant.ofEpochMilli(t.topic().at())) + " UTC)\n";
  }

  @Override
  public String left(String room, String reason, Object ref) {
    return "* you left #" + room + "\n";
  }

  @Override
  public String accepted(Reply.Accepted accepted, Object ref) {
    return "";
  }

  @Override
  public String renamed(String name, Object ref) {
    return "* you are now known as " + name + "\n";
  }

  @Override
  public String registered(String account, Object ref) {
    return "* the name " + account + " is registered: from now on it takes your password\n";
  }

  @Override
  public String roomClosed(String room, boolean on, Object ref) {
    return on ? "* #" + room + " is closed: its members are put out, and only server operators enter it\n"
      : "* #" + room + " is open again\n";
  }

  @Override
  public String roomRegistered(String room, boolean on, Object ref) {
    return on ? "* #" + room + " is registered to you: its operators, bans and modes are kept while it is empty\n"
      : "* #" + room + " is no longer registered\n";
  }

  @Override
  public String identified(String account, Object ref) {
    return "* you are identified as " + account + "\n";
  }

  @Override
  public String members(Reply.Members members, Object ref) {
    Reply.Roster roster = members.roster();
    int more = roster.count() - roster.names().size();
    List<String> shown = new ArrayList<>(roster.names().size());
    for (String name : roster.names()) {
      shown.add(roster.operators().contains(name) ? "@" + name : roster.voiced().contains(name) ? "+" + name : name);
    }
    return "* " + roster.count() + " in #" + members.room() + ": " + String.join(", ", shown)
      + (more > 0 ? " and " + more + " more" : "") + "\n";
  }

  @Override
  public String bans(Reply.Bans bans, Object ref) {
    if (bans.bans().isEmpty()) {
      return "* no one is banned from #" + bans.room() + "\n";
    }
    StringBuilder sb = new StringBuilder("* banned from #").append(bans.room()).append(':');
    String sep = " ";
    for (Reply.Ban b : bans.bans()) {
      sb.append(sep).append(b.mask()).append(" (by ").append(b.by()).append(')');
      sep = ", ";
    }
    return sb.append('\n').toString();
  }

  @Override
  public String inviteSent(String guest, String room, Object ref) {
    return "* you invited " + guest + " into #" + Names.room(room) + "\n";
  }

  @Override
  public String people(Reply.People people, String mask, boolean one, Object ref) {
    StringBuilder sb = new StringBuilder();
    for (Member m : people.people()) {
      sb.append("* ").append(m.name()).append(" (").append(m.user()).append('@').append(m.node()).append("): ")
        .append(m.realname());
      if (!m.rooms().isEmpty()) {
        sb.append("; in #").append(String.join(", #", m.rooms()));
      }
      if (m.account() != null) {
        sb.append("; identified as ").append(m.account());
      }
      if (m.address() != null) {
        sb.append("; from ").append(m.address());
      }
      if (m.away() != null) {
        sb.append("; away: ").append(m.away());
      }
      sb.append('\n');
    }
    return sb.length() == 0 ? "* no one is called " + mask + "\n" : sb.toString();
  }

  @Override
  public String census(Reply.Census c, Object ref) {
    return "* " + c.users() + (c.users() == 1 ? " user" : " users") + " in " + c.rooms() + (c.rooms() == 1 ? " room" : " rooms")
      + " on " + c.nodes() + (c.nodes() == 1 ? " node" : " nodes") + ", " + c.local() + " on this one\n";
  }

  @Override
  public String away(boolean away, Object ref) {
    return away ? "* you are marked as away\n" : "* you are back\n";
  }

  @Override
  public String addressBanned(String address, boolean on, Object ref) {
    return on ? "* " + address + " is banned from the server: " + (Names.nameProblem(address) == null ? "whoever holds it is"
      : "its users are") + " disconnected\n" : "* " + address + " is no longer banned\n";
  }

  @Override
  public String killed(String name, Object ref) {
    return "* you disconnected " + name + "\n";
  }

  @Override
  public String userMode(Member.Mode mode, boolean on, Object ref) {
    if (mode == Member.Mode.SERVER_OPERATOR) {
      return on ? "* you are a server operator now: an operator of every room\n" : "* you are no longer a server operator\n";
    }
    return on ? "* you are invisible to those who share no room with you\n" : "* you are visible to everyone\n";
  }

  @Override
  public String invited(Invitation i) {
    return "* " + i.from() + " invites you into #" + i.room() + " (/join " + i.room() + ")\n";
  }

  @Override
  public String modes(Reply.Modes modes, Object ref) {
    return "* #" + modes.room() + " has modes " + modes.modes() + "\n";
  }

  @Override
  public String rooms(Reply.RoomList rooms, Object ref) {
    StringBuilder sb = new StringBuilder("* ").append(rooms.rooms().size()).append(rooms.rooms().size() == 1 ? " room" : " rooms");
    String sep = ": ";
    for (Reply.RoomInfo r : rooms.rooms()) {
      sb.append(sep).append('#').append(r.name()).append(" (").append(r.members()).append(')');
      sep = ", ";
    }
    return sb.append('\n').toString();
  }

  @Override
  public String pong(Object ref) {
    return "* pong\n";
  }

  @Override
  public String help(Object ref) {
    return "* commands:\n"
      + "*   /join ROOM       leave this room and enter ROOM (made if new)\n"
      + "*   /leave           go back to #" + server.defaultRoom() + "\n"
      + "*   /rooms           list the rooms\n"
      + "*   /who [ROOM]      list who is in this room, or in ROOM\n"
      + "*   /topic [TEXT]    show this room's topic, or set it to TEXT\n"
      + "*   /op NAME         make NAME an operator of this room (operators only)\n"
      + "*   /deop NAME       take NAME's operator status (operators only)\n"
      + "*   /kick NAME [WHY] put NAME out of this room (operators only)\n"
      + "*   /ban NAME        keep NAME (or a mask nick!user@host) out of this room (operators only)\n"
      + "*   /unban NAME      lift that ban; /bans lists them\n"
      + "*   /invite NAME     invite NAME into this room\n"
      + "*   /voice NAME      let NAME speak when the room is moderated; /devoice takes it back\n"
      + "*   /mode +X|-X [A]  turn a rule of this room on or off (operators only): i invite only, k KEY,\n"
      + "*                    l LIMIT, m moderated, n members only speak, s secret, t operators set the topic\n"
      + "*   /whois NAME      who NAME is and where\n"
      + "*   /away [REASON]   mark yourself away, or back without a reason\n"
      + "*   /users           how many users, rooms and nodes there are\n"
      + "*   /register PASS   register your name: from then on it takes PASS (8 characters at least)\n"
      + "*   /identify [NAME] PASS  prove you hold the account NAME (yours if no NAME)\n"
      + "*   /registerroom    register this room to your account: its operators (accounts), bans and modes\n"
      + "*                    are kept while it is empty; /unregisterroom drops that\n"
      + "*   /oper NAME PASS  become a server operator (an operator of every room)\n"
      + "*   /kill NAME [WHY] disconnect NAME (server operators only)\n"
      + "*   /connections     who is connected, and (to server operators) from where\n"
      + "*   /closeroom ROOM [WHY]  put everyone out of ROOM and keep them out (server operators only);\n"
      + "*                    /openroom ROOM opens it again\n"
      + "*   /banaddress IP [WHY]  keep IP off the server, disconnecting its users (server operators only);\n"
      + "*                    /unbanaddress IP lifts it; /banname NAME [WHY] and /unbanname NAME do the same for a name\n"
      + "*   /history [N]     show the last N messages of this room (20 if no N)\n"
      + "*   /history more    show what did not fit in the last answer\n"
      + "*   /nick NAME       change your name\n"
      + "*   /msg NAME TEXT   send TEXT to NAME only\n"
      + "*   /me TEXT         say TEXT as an action\n"
      + "*   /ping            check the connection\n"
      + "*   /help            this list\n"
      + "*   /quit [REASON]   leave\n"
      + "* any other line is said in your room; start it with // to say something that starts with /\n";
  }

  @Override
  public String error(ErrorCode code, String message, Object ref) {
    return "! " + message + "\n";
  }

  @Override
  public String goodbye(Goodbye reason) {
    return reason.textLine() + "\n";
  }

  @Override
  public String roomEvent(RoomEvent e) {
    return TextEvents.render(e);
  }

  @Override
  public String privateMessage(PrivateMessage m) {
    String from = TextEvents.sender(m.from(), m.byService());
    return m.action() ? "[pm] * " + from + " " + m.text() + "\n" : "[pm] " + from + ": " + m.text() + "\n";
  }

  @Override
  public String moderated(String room, Moderation action, String target, String reason, Reply.Accepted done, Object ref) {
    return action == Moderation.KICK ? "* you put " + target + " out of #" + room + "\n"
      : action == Moderation.FLAGS ? "* you " + TextEvents.modeChange(target, null, room) + "\n"
      : "* you " + TextEvents.modeChange(action.mode(), target == null ? null : IrcCodec.shownTarget(action, target), room) + "\n";
  }

  @Override
  public String dropped(long count) {
    return "! " + count + (count == 1 ? " line was" : " lines were") + " dropped because you were not reading fast enough\n";
  }

  @Override
  public String history(Reply.History page, boolean onJoin, Object ref) {
    List<RoomEvent> events = page.events();
    String room = "#" + page.room();
    if (events.isEmpty()) {
      return onJoin ? "" : "* no messages " + (page.complete() ? "yet" : "kept") + " in " + room + "\n";
    }
    StringBuilder sb = new StringBuilder("* ")
      .append(onJoin ? "earlier in " : "the last " + (events.size() == 1 ? "message" : events.size() + " messages") + " in ")
      .append(room).append(page.complete() ? "" : ", older ones are no longer kept").append(" (times in UTC):\n");
    for (RoomEvent e : events) {
      sb.append('[').append(CLOCK.format(Instant.ofEpochMilli(e.ts()))).append("] ").append(roomEvent(e));
    }
    if (page.more() != null && !onJoin) {
      sb.append("* ").append(page.more().forwards() ? "later" : "earlier")
        .append(" messages did not fit in one answer: /history more shows them\n");
    }
    return sb.toString();
  }

  @Override
  public String historyUnavailable(String room) {
    return "! the earlier messages of #" + room + " could not be read in time\n";
  }

  private static ClientCommand history(String rest) {
    if (rest.isEmpty()) {
      return new ClientCommand.History(null, 0, -1, Long.MAX_VALUE, null);
    }
    if (firstWord(rest).equalsIgnoreCase("more")) {
      return new ClientCommand.HistoryMore(null);
    }
    try {
      int n = Integer.parseInt(firstWord(rest));
      if (n > 0) {
        return new ClientCommand.History(null, n, -1, Long.MAX_VALUE, null);
      }
    } catch (NumberFormatException e) {
      // falls through to the usage
    }
    return usage("/history [N], N a number above 0, or /history more");
  }

  private static String others(Reply.Joined room) {
    int n = room.roster().count() - 1;
    return n <= 0 ? "no one else" : n == 1 ? "1 other" : n + " others";
  }

  private static String firstWord(String rest) {
    int gap = rest.indexOf(' ');
    return gap < 0 ? rest : rest.substring(0, gap);
  }

  private static String reason(String rest) {
    String r = Text.clean(rest);
    return r.isBlank() ? null : r;
  }

  private static ClientCommand usage(String usage) {
    return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "usage: " + usage, null);
  }

  private static ClientCommand notLoggedIn() {
    return new ClientCommand.Invalid(ErrorCode.NOT_LOGGED_IN, "enter your name first", null);
  }
}
