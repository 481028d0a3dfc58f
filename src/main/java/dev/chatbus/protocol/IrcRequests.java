package dev.chatbus.protocol;

import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.protocol.IrcCodec.Ref;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import static dev.chatbus.protocol.IrcEvents.CRLF;

/**
 * The commands of a registered IRC client, turned into the {@link ClientCommand}s every protocol shares:
 * {@code JOIN}, {@code PART}, {@code PRIVMSG} and {@code NOTICE}, {@code NICK}, {@code NAMES}, {@code TOPIC},
 * {@code LIST}, {@code MODE}, {@code KICK}, {@code MOTD}. What is wrong with a line is answered at once,
 * with its numeric, by its connection's {@link IrcCodec}.
 */
final class IrcRequests {

  /** The CTCP request IRC clients send {@code /me} as. */

  private final IrcCodec codec;

  IrcRequests(IrcCodec codec) {
    this.codec = codec;
  }

  /** A registered client's line. */
  ClientCommand parse(IrcLine line) {
    String cmd = line.command();
    switch (cmd) {
      case "PASS":
      case "USER":
        return IrcCodec.answer(codec.numeric("462", ":You may not reregister"));
      case "NICK":
        if (line.size() < 1 || line.param(0).isEmpty()) {
          return IrcCodec.answer(codec.numeric("431", ":No nickname given"));
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
          return codec.needMore("TOPIC");
        }
        return IrcCodec.isChannel(line.param(0)) ? new ClientCommand.Topic(line.param(0), line.param(1), new Ref("TOPIC", line.param(0)))
          : IrcCodec.answer(codec.numeric("403", line.param(0) + " :No such channel"));
      case "LIST":
        return new ClientCommand.Rooms(new Ref("LIST", null));
      case "MODE":
        return mode(line);
      case "KICK":
        return kick(line);
      case "WHO":
        if (line.size() < 1 || line.param(0).isEmpty()) {
          return codec.needMore("WHO");
        }
        return new ClientCommand.Lookup(line.param(0), false, new Ref("WHO", line.param(0)));
      case "WHOIS": {
        // WHOIS [server] nick: the server is this one, whichever it names.
        String nick = line.size() > 1 ? line.param(1) : line.param(0);
        if (nick == null || nick.isEmpty()) {
          return IrcCodec.answer(codec.numeric("431", ":No nickname given"));
        }
        return new ClientCommand.Lookup(nick.split(",")[0], true, new Ref("WHOIS", nick.split(",")[0]));
      }
      case "AWAY":
        return new ClientCommand.Away(line.size() < 1 || line.param(0).isBlank() ? null : Text.clean(line.param(0)),
          new Ref("AWAY", null));
      case "INVITE":
        if (line.size() < 2 || line.param(0).isEmpty() || line.param(1).isEmpty()) {
          return codec.needMore("INVITE");
        }
        return IrcCodec.isChannel(line.param(1))
          ? new ClientCommand.Invite(line.param(0), line.param(1), new Ref("INVITE", line.param(0), line.param(1)))
          : IrcCodec.answer(codec.numeric("403", line.param(1) + " :No such channel"));
      case "MOTD":
        return IrcCodec.answer(codec.motd());
      case "LUSERS":
        return new ClientCommand.Census(new Ref("LUSERS", null));
      case "INFO":
        return IrcCodec.answer(codec.numeric("371", ":" + codec.server().version() + ", a chat server on Vert.x")
          + codec.numeric("371", ":text, JSON, IRC and services in the same rooms; see docs/irc.md")
          + codec.numeric("374", ":End of INFO list"));
      case "TIME":
        return IrcCodec.answer(codec.numeric("391", codec.serverName() + " :"
          + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))));
      case "CHATHISTORY":
        return codec.histories().parse(line);
      case "TAGMSG":
        // A message of tags alone: Chatbus relays no client tags (CLIENTTAGDENY=*), so there is nothing to send.
        return line.size() < 1 || line.param(0).isEmpty() ? codec.needMore("TAGMSG") : new ClientCommand.Answer("");
      case "KILL":
        return line.size() < 1 || line.param(0).isEmpty() ? codec.needMore("KILL")
          : new ClientCommand.Kill(line.param(0), IrcCodec.reason(line.param(1)), new Ref("KILL", line.param(0)));
      case "KLINE":
        // KLINE address :reason, the address alone or as *@address.
        return line.size() < 1 || line.param(0).isEmpty() ? codec.needMore("KLINE")
          : new ClientCommand.BanAddress(kLineAddress(line.param(0)), IrcCodec.reason(line.param(1)), true,
            new Ref("KILL", line.param(0)));
      case "UNKLINE":
        return line.size() < 1 || line.param(0).isEmpty() ? codec.needMore("UNKLINE")
          : new ClientCommand.BanAddress(kLineAddress(line.param(0)), null, false, new Ref("KILL", line.param(0)));
      case "OPER":
        if (line.size() < 2 || line.param(0).isEmpty()) {
          return codec.needMore("OPER");
        }
        return new ClientCommand.Oper(line.param(0), line.param(1), new Ref("OPER", line.param(0)));
      case "CLOSEROOM":
        // (server operators) CLOSEROOM #channel :reason, OPENROOM #channel
        return line.size() < 1 || line.param(0).isEmpty() ? codec.needMore("CLOSEROOM")
          : new ClientCommand.CloseRoom(line.param(0), IrcCodec.reason(line.param(1)), true, new Ref("KILL", line.param(0)));
      case "OPENROOM":
        return line.size() < 1 || line.param(0).isEmpty() ? codec.needMore("OPENROOM")
          : new ClientCommand.CloseRoom(line.param(0), null, false, new Ref("KILL", line.param(0)));
      case "UNREGISTER":
        return line.size() < 1 || !line.param(0).startsWith("#") ? codec.needMore("UNREGISTER")
          : new ClientCommand.RegisterRoom(line.param(0), false, new Ref("REGISTER", line.param(0), line.param(0), null));
      case "REGISTER": {
        if (line.size() >= 1 && line.param(0).startsWith("#")) {
          // REGISTER #channel: the channel, to the client's account.
          return new ClientCommand.RegisterRoom(line.param(0), true, new Ref("JOIN", line.param(0), line.param(0), null));
        }
        // draft/account-registration: REGISTER <account> <email> <password>, the account being the nick ("*").
        if (line.size() < 3 || line.param(2).isEmpty()) {
          return IrcCodec.answer(":" + codec.serverName() + " FAIL REGISTER NEED_MORE_PARAMS * :REGISTER <account> "
            + "<email> <password>" + IrcEvents.CRLF);
        }
        String account = line.param(0);
        if (!account.equals("*") && !Names.nameKey(account).equals(Names.nameKey(codec.me()))) {
          return IrcCodec.answer(":" + codec.serverName() + " FAIL REGISTER BAD_ACCOUNT_NAME " + account
            + " :The account is your nick: register it as *, or change your nick first" + IrcEvents.CRLF);
        }
        return new ClientCommand.Register(line.param(2), new Ref("REGISTER", codec.me()));
      }
      default:
        return IrcCodec.answer(codec.numeric("421", cmd + " :Unknown command"));
    }
  }

  private ClientCommand join(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return codec.needMore("JOIN");
    }
    if (line.param(0).equals("0")) {
      return new ClientCommand.LeaveAll(new Ref("PART", null));
    }
    List<ClientCommand> joins = new ArrayList<>();
    String[] keys = line.size() > 1 ? line.param(1).split(",") : new String[0];
    String[] channels = line.param(0).split(",");
    for (int i = 0; i < channels.length; i++) {
      String channel = channels[i];
      if (channel.isEmpty()) {
        continue;
      }
      String key = i < keys.length && !keys[i].isEmpty() ? keys[i] : null;
      joins.add(IrcCodec.isChannel(channel) ? new ClientCommand.Join(channel, key, new Ref("JOIN", channel))
        : IrcCodec.answer(codec.numeric("403", channel + " :No such channel")));
    }
    return IrcCodec.several(joins);
  }

  private ClientCommand part(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return codec.needMore("PART");
    }
    String reason = IrcCodec.reason(line.param(1));
    List<ClientCommand> parts = new ArrayList<>();
    for (String channel : line.param(0).split(",")) {
      if (!channel.isEmpty()) {
        parts.add(IrcCodec.isChannel(channel) ? new ClientCommand.Leave(channel, reason, new Ref("PART", channel))
          : IrcCodec.answer(codec.numeric("403", channel + " :No such channel")));
      }
    }
    return IrcCodec.several(parts);
  }

  private ClientCommand say(IrcLine line, boolean notice) {
    String cmd = notice ? "NOTICE" : "PRIVMSG";
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return notice ? new ClientCommand.Answer("") : IrcCodec.answer(codec.numeric("411", ":No recipient given (" + cmd + ")"));
    }
    if (line.size() < 2 || line.param(1).isEmpty()) {
      return notice ? new ClientCommand.Answer("") : IrcCodec.answer(codec.numeric("412", ":No text to send"));
    }
    String text = line.param(1);
    RoomEvent.Kind kind = notice ? RoomEvent.Kind.NOTICE : RoomEvent.Kind.MESSAGE;
    if (text.startsWith(IrcEvents.ACTION) || text.equals("\u0001ACTION\u0001")) {
      kind = RoomEvent.Kind.ACTION;
      text = text.substring(Math.min(text.length(), IrcEvents.ACTION.length()));
      text = text.endsWith("\u0001") ? text.substring(0, text.length() - 1) : text;
    } else if (text.startsWith("\u0001")) {
      // Other CTCP requests (VERSION, PING, DCC, ...) ask things of another's client, which Chatbus does not relay.
      return notice ? new ClientCommand.Answer("")
        : IrcCodec.answer(":" + codec.serverName() + " NOTICE " + codec.me() + " :CTCP requests are not relayed here" + CRLF);
    }
    text = Text.clean(text);
    if (text.isBlank()) {
      return notice ? new ClientCommand.Answer("") : IrcCodec.answer(codec.numeric("412", ":No text to send"));
    }
    List<ClientCommand> sends = new ArrayList<>();
    for (String target : line.param(0).split(",")) {
      if (target.isEmpty()) {
        continue;
      }
      Ref ref = new Ref(cmd, target, null, null, kind == RoomEvent.Kind.ACTION ? IrcEvents.ACTION + text + "\u0001" : text);
      sends.add(IrcCodec.isChannel(target) ? new ClientCommand.Say(target, text, kind, ref)
        : new ClientCommand.Msg(target, text, kind, ref));
    }
    return IrcCodec.several(sends);
  }

  /** {@code MODE #channel [changes]}: the channel's modes, or changes to them; {@code MODE nick}: the user's. */
  private ClientCommand mode(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return codec.needMore("MODE");
    }
    String target = line.param(0);
    if (!IrcCodec.isChannel(target)) {
      if (!target.equalsIgnoreCase(codec.me())) {
        return IrcCodec.answer(codec.numeric(Names.nameProblem(target) == null ? "502" : "401",
          Names.nameProblem(target) == null ? ":Can't change mode for other users" : target + " :No such nick/channel"));
      }
      return userMode(line.param(1));
    }
    if (line.size() < 2 || line.param(1).isEmpty()) {
      return new ClientCommand.Modes(target, new Ref("MODE", target));
    }
    List<ClientCommand> changes = new ArrayList<>();
    // The flags a line changes are one change of the room's rules, announced in one MODE line.
    List<Moderation> flags = new ArrayList<>();
    boolean adding = true;
    int arg = 2;
    for (char c : line.param(1).toCharArray()) {
      switch (c) {
        case '+' -> adding = true;
        case '-' -> adding = false;
        case 'o', 'v' -> {
          String who = line.param(arg++);
          if (who == null) {
            changes.add(codec.needMore("MODE"));
          } else {
            changes.add(new ClientCommand.Moderate(target, Moderation.of(c, adding), who, null, new Ref("MODE", who, target)));
          }
        }
        case 'i', 'm', 'n', 's', 't' -> flags.add(Moderation.of(c, adding));
        case 'k' -> {
          // IRC clients give the key when taking it off too; it is not needed.
          String key = line.param(arg++);
          if (adding && key == null) {
            changes.add(codec.needMore("MODE"));
          } else {
            changes.add(new ClientCommand.Moderate(target, adding ? Moderation.SET_KEY : Moderation.CLEAR_KEY,
              adding ? key : null, null, new Ref("MODE", key, target, "k")));
          }
        }
        case 'l' -> {
          String limit = adding ? line.param(arg++) : null;
          if (adding && limit == null) {
            changes.add(codec.needMore("MODE"));
          } else {
            changes.add(new ClientCommand.Moderate(target, adding ? Moderation.SET_LIMIT : Moderation.CLEAR_LIMIT, limit,
              null, new Ref("MODE", limit, target, "l")));
          }
        }
        case 'b' -> {
          String mask = line.param(arg++);
          changes.add(mask == null ? new ClientCommand.Bans(target, new Ref("MODE", target))
            : new ClientCommand.Moderate(target, adding ? Moderation.BAN : Moderation.UNBAN, mask, null,
              new Ref("MODE", mask, target, "b")));
        }
        default -> changes.add(IrcCodec.answer(codec.numeric("472", c + " :is unknown mode char to me")));
      }
    }
    if (!flags.isEmpty()) {
      changes.add(0, flags.size() == 1 ? new ClientCommand.Moderate(target, flags.get(0), null, null, new Ref("MODE", target))
        : new ClientCommand.Moderate(target, Moderation.FLAGS, Moderation.write(flags), null, new Ref("MODE", target)));
    }
    return changes.isEmpty() ? new ClientCommand.Answer("") : IrcCodec.several(changes);
  }

  /**
   * The client's own modes: asked for, or changed. {@code +i} (invisible) is the client's to set; {@code +o}
   * (server operator) only {@code OPER} gives, and the client may drop it.
   */
  private ClientCommand userMode(String changes) {
    if (changes == null || changes.isEmpty()) {
      return IrcCodec.answer(codec.numeric("221", codec.userModes()));
    }
    boolean adding = true;
    List<ClientCommand> asked = new ArrayList<>();
    for (char c : changes.toCharArray()) {
      if (c == '+' || c == '-') {
        adding = c == '+';
      } else if (c == 'i') {
        asked.add(new ClientCommand.UserMode(Member.Mode.INVISIBLE, adding, new Ref("MODE", codec.me())));
      } else if (c == 'o' && !adding) {
        asked.add(new ClientCommand.UserMode(Member.Mode.SERVER_OPERATOR, false, new Ref("MODE", codec.me())));
      } else if (c != 'o') {
        return IrcCodec.answer(codec.numeric("501", ":Unknown MODE flag"));
      }
    }
    return asked.isEmpty() ? IrcCodec.answer("") : IrcCodec.several(asked);
  }

  /** {@code KICK #channel[,#channel] nick[,nick] [:reason]}. */
  private ClientCommand kick(IrcLine line) {
    if (line.size() < 2 || line.param(0).isEmpty() || line.param(1).isEmpty()) {
      return codec.needMore("KICK");
    }
    // One channel for every nick, or a channel for each nick, in order.
    String[] channels = line.param(0).split(",");
    String[] nicks = line.param(1).split(",");
    if (channels.length != 1 && channels.length != nicks.length) {
      return codec.needMore("KICK");
    }
    String reason = IrcCodec.reason(line.param(2));
    List<ClientCommand> kicks = new ArrayList<>();
    for (int i = 0; i < nicks.length; i++) {
      String channel = channels[channels.length == 1 ? 0 : i];
      if (!IrcCodec.isChannel(channel)) {
        kicks.add(IrcCodec.answer(codec.numeric("403", channel + " :No such channel")));
      } else if (!nicks[i].isEmpty()) {
        kicks.add(new ClientCommand.Moderate(channel, Moderation.KICK, nicks[i], reason, new Ref("KICK", nicks[i], channel)));
      }
    }
    return IrcCodec.several(kicks);
  }

  private ClientCommand names(IrcLine line) {
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return IrcCodec.answer(codec.numeric("366", "* :End of /NAMES list"));
    }
    List<ClientCommand> asks = new ArrayList<>();
    for (String channel : line.param(0).split(",")) {
      if (!channel.isEmpty()) {
        asks.add(IrcCodec.isChannel(channel) ? new ClientCommand.Who(channel, new Ref("NAMES", channel))
          : IrcCodec.answer(codec.numeric("366", channel + " :End of /NAMES list")));
      }
    }
    return IrcCodec.several(asks);
  }

  /** The address of a {@code KLINE} mask: {@code *@192.0.2.7} or {@code 192.0.2.7}. */
  private static String kLineAddress(String mask) {
    return mask.startsWith("*@") ? mask.substring(2) : mask;
  }
}
