package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Reply;
import dev.chatbus.protocol.IrcCodec.Ref;

import java.util.List;

import static dev.chatbus.protocol.IrcEvents.CRLF;

/**
 * IRC's numerics for what takes more than a line: a registration's welcome, NAMES, WHO, WHOIS and the ban
 * list, and for every error Chatbus can answer a command with.
 */
final class IrcNumerics {

  private IrcNumerics() {
  }

  /** 001 to 005, and the message of the day: what a client is told once registered. */
  static String welcome(IrcCodec c, IrcServer server) {
    String name = c.me();
    StringBuilder sb = new StringBuilder(1024)
      .append(c.numeric("001", ":Welcome to the " + server.network() + " IRC network, " + name + "!" + c.origin()))
      .append(c.numeric("002", ":Your host is " + server.name() + ", running version " + server.version()))
      .append(c.numeric("003", ":This server was created " + server.created()))
      .append(c.numeric("004", server.name() + " " + server.version() + " io biklmnostv bklov"));
    for (String tokens : isupport(server)) {
      sb.append(c.numeric("005", tokens + " :are supported by this server"));
    }
    return sb.append(motd(c, server)).toString();
  }

  /** ISUPPORT, in lines of at most 13 tokens. */
  private static List<String> isupport(IrcServer server) {
    return List.of(
      "CASEMAPPING=ascii CHANTYPES=# CHANLIMIT=#:" + server.maxRooms() + " CHANNELLEN=" + Names.MAX_CHANNEL_BYTES
        + " NICKLEN=" + Names.MAX_NAME_LENGTH + " NETWORK=" + server.network() + " PREFIX=(ov)@+ CHANMODES=b,k,l,imnst",
      "TARGMAX=PRIVMSG:4,NOTICE:4,JOIN:10,PART:10,NAMES:1,KICK:4 MAXTARGETS=4 TOPICLEN=" + Names.MAX_TOPIC_BYTES + " UTF8ONLY CLIENTTAGDENY=*"
        + " CHATHISTORY=" + server.historyLimit() + " MSGREFTYPES=msgid,timestamp");
  }

  static String motd(IrcCodec c, IrcServer server) {
    if (server.motd().isEmpty()) {
      return c.numeric("422", ":MOTD File is missing");
    }
    StringBuilder sb = new StringBuilder(c.numeric("375", ":- " + server.name() + " Message of the day - "));
    for (String l : server.motd()) {
      sb.append(c.numeric("372", ":- " + l));
    }
    return sb.append(c.numeric("376", ":End of /MOTD command.")).toString();
  }

  /** {@code 352} for each of {@code people}, then {@code 315}: IRC's {@code WHO}. */
  static String who(IrcCodec c, List<Member> people, String mask) {
    String channel = mask.startsWith("#") ? "#" + Names.room(mask) : null;
    StringBuilder sb = new StringBuilder();
    for (Member m : people) {
      String flags = (m.away() == null ? "H" : "G") + (m.serverOperator() ? "*" : "")
        + (channel == null ? "" : prefix(c, m, channel.substring(1)));
      sb.append(c.numeric("352", (channel == null ? "*" : channel) + " " + m.user() + " " + m.node() + " "
        + server(c, m) + " " + m.name() + " " + flags + " :0 " + m.realname()));
    }
    return sb.append(c.numeric("315", mask + " :End of WHO list")).toString();
  }

  /** How {@code m} is marked in {@code room}: {@code @} for an operator, {@code +} for the voiced, both with {@code multi-prefix}. */
  private static String prefix(IrcCodec c, Member m, String room) {
    boolean op = m.operatorOf().contains(room);
    return (op ? "@" : "") + ((!op || c.has("multi-prefix")) && m.voicedIn().contains(room) ? "+" : "");
  }

  /** {@code 311}, {@code 319}, {@code 312}, {@code 313}, {@code 301}, then {@code 318}: IRC's {@code WHOIS}. */
  static String whois(IrcCodec c, Member m) {
    StringBuilder sb = new StringBuilder(c.numeric("311", m.name() + " " + m.user() + " " + m.node() + " * :" + m.realname()));
    if (!m.rooms().isEmpty()) {
      // As many lines as the rooms take, each within IRC's 512 bytes.
      String head = ":" + c.serverName() + " 319 " + c.me() + " " + m.name() + " :";
      StringBuilder rooms = new StringBuilder();
      for (String room : m.rooms()) {
        String entry = prefix(c, m, room) + "#" + room;
        if (rooms.length() > 0
          && IrcLine.utf8Length(head) + IrcLine.utf8Length(rooms.toString()) + 1 + IrcLine.utf8Length(entry) > IrcLine.MAX_BODY_BYTES) {
          sb.append(head).append(rooms).append(CRLF);
          rooms.setLength(0);
        }
        rooms.append(rooms.length() == 0 ? "" : " ").append(entry);
      }
      sb.append(head).append(rooms).append(CRLF);
    }
    sb.append(c.numeric("312", m.name() + " " + server(c, m) + " :Chatbus node " + m.node()));
    if (m.serverOperator()) {
      sb.append(c.numeric("313", m.name() + " :is an IRC operator"));
    }
    if (m.secure()) {
      sb.append(c.numeric("671", m.name() + " :is using a secure connection"));
    }
    if (m.account() != null) {
      sb.append(c.numeric("330", m.name() + " " + m.account() + " :is logged in as"));
    }
    if (m.address() != null) {
      sb.append(c.numeric("378", m.name() + " :is connecting from *@" + m.address() + " " + m.address()));
    }
    if (m.away() != null) {
      sb.append(IrcEvents.fitted(":" + c.serverName() + " 301 " + c.me() + " " + m.name() + " :", m.away()));
    }
    return sb.append(c.numeric("318", m.name() + " :End of /WHOIS list")).toString();
  }

  /** The server a user is on: this one by its IRC name, another node by its name. */
  private static String server(IrcCodec c, Member m) {
    return m.node().equals(c.server().node()) ? c.serverName() : m.node();
  }

  /**
   * {@code 353} lines as long as they may be, then {@code 366}; operators are marked {@code @} and the voiced
   * {@code +} (both, with {@code multi-prefix}), and a secret channel's lines {@code @} instead of {@code =}.
   */
  static String names(IrcCodec c, String channel, Reply.Roster roster) {
    String head = ":" + c.serverName() + " 353 " + c.me() + (roster.secret() ? " @ " : " = ") + channel + " :";
    List<String> members = roster.names();
    List<String> origins = roster.origins();
    boolean masks = c.has("userhost-in-names") && origins.size() == members.size();
    boolean all = c.has("multi-prefix");
    StringBuilder sb = new StringBuilder(head.length() + 16 * members.size() + 64);
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < members.size(); i++) {
      String name = members.get(i);
      boolean op = roster.operators().contains(name);
      String prefix = (op ? "@" : "") + ((!op || all) && roster.voiced().contains(name) ? "+" : "");
      String entry = prefix + name + (masks ? "!" + origins.get(i) : "");
      if (names.length() > 0 && IrcLine.utf8Length(head) + names.length() + 1 + entry.length() > IrcLine.MAX_BODY_BYTES) {
        sb.append(head).append(names).append(CRLF);
        names.setLength(0);
      }
      if (names.length() > 0) {
        names.append(' ');
      }
      names.append(entry);
    }
    if (names.length() > 0) {
      sb.append(head).append(names).append(CRLF);
    }
    return sb.append(c.numeric("366", channel + " :End of /NAMES list")).toString();
  }

  /**
   * IRC's {@code LUSERS}: {@code 251}, {@code 252} (server operators), {@code 254}, {@code 255}, {@code 265} and
   * {@code 266} (without the peaks, which Chatbus does not keep); nodes are servers.
   */
  static String lusers(IrcCodec c, Reply.Census census) {
    return c.numeric("251", ":There are " + (census.users() - census.invisible()) + " users and " + census.invisible()
      + " invisible on " + census.nodes() + " servers")
      + c.numeric("252", census.operators() + " :operator(s) online")
      + c.numeric("254", census.rooms() + " :channels formed")
      + c.numeric("255", ":I have " + census.local() + " clients and " + (census.nodes() - 1) + " servers")
      + c.numeric("265", ":Current local users: " + census.local())
      + c.numeric("266", ":Current global users: " + census.users());
  }

  /** {@code 367} for each ban, then {@code 368}. */
  static String bans(IrcCodec c, Reply.Bans bans) {
    String channel = "#" + bans.room();
    StringBuilder sb = new StringBuilder();
    for (Reply.Ban b : bans.bans()) {
      sb.append(c.numeric("367", channel + " " + b.mask() + " " + b.by() + " " + b.at() / 1000));
    }
    return sb.append(c.numeric("368", channel + " :End of channel ban list")).toString();
  }

  /** What a failed command is answered with: the numeric IRC has for it, else a {@code NOTICE}. */
  static String error(IrcCodec c, ErrorCode code, String message, Ref to) {
    if (to.command().equals("NOTICE")) {
      // A notice is never answered, not even with an error.
      return "";
    }
    if (to.command().equals("AUTHENTICATE")) {
      return (code == ErrorCode.WRONG_PASSWORD || code == ErrorCode.NO_SUCH_USER ? "" : c.notice(c.me(), message))
        + c.numeric("904", ":SASL authentication failed");
    }
    if (to.command().equals("REGISTER")) {
      String why = switch (code) {
        case NAME_TAKEN -> "ACCOUNT_EXISTS";
        case BAD_PARAMETER -> "WEAK_PASSWORD";
        case BAD_NAME -> "BAD_ACCOUNT_NAME";
        default -> "TEMPORARILY_UNAVAILABLE";
      };
      return ":" + c.serverName() + " FAIL REGISTER " + why + " " + (to.target() == null ? "*" : to.target()) + " :"
        + message + IrcEvents.CRLF;
    }
    String target = to.target() == null ? "*" : to.target();
    String channel = to.channel() == null ? target : to.channel();
    return switch (code) {
      case NOT_OPERATOR -> to.command().equals("KILL") ? c.numeric("481", ":Permission Denied- You're not an IRC operator")
        : c.numeric("482", channel + " :You're not channel operator");
      // A key is not repeated: it is meant to be secret, and may hold spaces.
      case BAD_PARAMETER -> to.mode() == null ? c.notice(c.me(), message)
        : c.numeric("696", channel + " " + to.mode() + " "
          + (to.mode().equals("k") || to.target() == null || to.target().isBlank() ? "*" : to.target()) + " :" + message);
      case BANNED -> to.command().equals("PRIVMSG") ? c.numeric("404", target + " :Cannot send to channel (+b)")
        : c.numeric("474", channel + " :Cannot join channel (+b)");
      case INVITE_ONLY -> c.numeric("473", channel + " :Cannot join channel (+i)");
      case ROOM_CLOSED -> c.numeric("474", channel + " :Cannot join channel (closed by a server operator)");
      case BAD_KEY -> c.numeric("475", channel + " :Cannot join channel (+k)");
      case ROOM_FULL -> c.numeric("471", channel + " :Cannot join channel (+l)");
      case ALREADY_IN_ROOM -> c.numeric("443", target + " " + channel + " :is already on channel");
      case NOT_A_MEMBER -> c.numeric("441", target + " " + channel + " :They aren't on that channel");
      case NAME_TAKEN -> c.numeric("433", target + " :Nickname is already in use");
      case BAD_NAME -> c.numeric("432", target + " :Erroneous nickname: " + message);
      case NO_SUCH_USER -> c.numeric("401", target + " :No such nick/channel")
        + (to.command().equals("WHOIS") ? c.numeric("318", target + " :End of /WHOIS list") : "");
      case TOO_MANY_ROOMS -> c.numeric("405", target + " :You have joined too many channels");
      case NOT_LOGGED_IN -> c.numeric("451", ":You have not registered");
      case WRONG_PASSWORD -> c.numeric("464", ":Password incorrect");
      case MODERATED -> c.numeric("404", target + " :Cannot send to channel (+m)");
      case TOO_LONG -> c.numeric("417", ":Input line was too long");
      case BAD_ROOM, NO_SUCH_ROOM -> to.command().equals("NAMES") ? c.numeric("366", target + " :End of /NAMES list")
        : c.numeric("403", channel + " :No such channel");
      case NOT_IN_ROOM -> to.command().equals("PRIVMSG") ? c.numeric("404", target + " :Cannot send to channel")
        : c.numeric("442", channel + " :You're not on that channel");
      default -> c.notice(c.me(), message);
    };
  }
}
