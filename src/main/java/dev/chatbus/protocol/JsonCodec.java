package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Invitation;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.Topic;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The JSON-lines protocol for programs: one JSON object per line each way.
 * <p>
 * Client lines carry {@code op} and may carry {@code ref}, which is echoed in the answer. Server lines
 * carry {@code type}. Unknown fields are ignored, so clients and servers can grow independently.
 */
public final class JsonCodec implements ClientCodec {

  private final ServerInfo server;

  public JsonCodec(ServerInfo server) {
    this.server = server;
  }

  @Override
  public ClientCommand parse(String line, boolean loggedIn) {
    JsonObject o;
    try {
      o = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "each line must be one JSON object", null);
    }
    Object ref = o.getValue("ref");
    try {
      String op = required(o, "op");
      switch (op) {
        case "hello":
          return o.getValue("token") instanceof String token
            ? new ClientCommand.Hello(o.getString("name"), "json", "Chatbus JSON client", null, token, ref)
            : new ClientCommand.Hello(required(o, "name"), "json", "Chatbus JSON client", o.getString("password"), ref);
        case "close_room":
          return new ClientCommand.CloseRoom(required(o, "room"), reason(o), true, ref);
        case "open_room":
          return new ClientCommand.CloseRoom(required(o, "room"), null, false, ref);
        case "connections":
          return new ClientCommand.Lookup("*", false, ref);
        case "register_room":
          return new ClientCommand.RegisterRoom(required(o, "room"), true, ref);
        case "unregister_room":
          return new ClientCommand.RegisterRoom(required(o, "room"), false, ref);
        case "register":
          return new ClientCommand.Register(required(o, "password"), ref);
        case "identify":
          return new ClientCommand.Identify(o.getString("name"), required(o, "password"), ref);
        case "join":
          return new ClientCommand.Join(required(o, "room"), o.getString("key"), ref);
        case "invite":
          return new ClientCommand.Invite(required(o, "name"), required(o, "room"), ref);
        case "ban":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.BAN, required(o, "name"), null, ref);
        case "unban":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.UNBAN, required(o, "name"), null, ref);
        case "bans":
          return new ClientCommand.Bans(required(o, "room"), ref);
        case "whois":
          return new ClientCommand.Lookup(required(o, "name"), true, ref);
        case "away":
          return new ClientCommand.Away(reason(o), ref);
        case "census":
          return new ClientCommand.Census(ref);
        case "kill":
          return new ClientCommand.Kill(required(o, "name"), reason(o), ref);
        case "ban_address":
          return new ClientCommand.BanAddress(required(o, "address"), reason(o), true, ref);
        case "unban_address":
          return new ClientCommand.BanAddress(required(o, "address"), null, false, ref);
        case "ban_name":
          return new ClientCommand.BanAddress(required(o, "name"), reason(o), true, ref);
        case "unban_name":
          return new ClientCommand.BanAddress(required(o, "name"), null, false, ref);
        case "oper":
          return new ClientCommand.Oper(required(o, "name"), required(o, "password"), ref);
        case "leave":
          return new ClientCommand.Leave(required(o, "room"), reason(o), ref);
        case "say":
          return new ClientCommand.Say(required(o, "room"), text(o), kind(o), ref);
        case "msg":
          return new ClientCommand.Msg(required(o, "to"), text(o), kind(o), ref);
        case "nick":
          return new ClientCommand.Nick(required(o, "name"), ref);
        case "who":
          return new ClientCommand.Who(required(o, "room"), ref);
        case "op":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.OP, required(o, "name"), null, ref);
        case "deop":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.DEOP, required(o, "name"), null, ref);
        case "voice":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.VOICE, required(o, "name"), null, ref);
        case "devoice":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.DEVOICE, required(o, "name"), null, ref);
        case "kick":
          return new ClientCommand.Moderate(required(o, "room"), Moderation.KICK, required(o, "name"), reason(o), ref);
        case "modes":
          return new ClientCommand.Modes(required(o, "room"), ref);
        case "mode": {
          Moderation change = Moderation.of(required(o, "mode"));
          if (change == null) {
            return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "mode is one of +i -i +k -k +l -l +m -m +n -n +s -s +t -t +o -o +v -v +b -b", ref);
          }
          return new ClientCommand.Moderate(required(o, "room"), change, change.hasTarget() ? required(o, "target") : null, null, ref);
        }
        case "topic": {
          String topic = o.getString("topic");
          return new ClientCommand.Topic(required(o, "room"), topic, ref);
        }
        case "history":
          return history(o, ref);
        case "rooms":
          return new ClientCommand.Rooms(ref);
        case "ping":
          return new ClientCommand.Ping(ref);
        case "quit":
          return new ClientCommand.Quit(reason(o), ref);
        default:
          return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "unknown op: " + op, ref);
      }
    } catch (BadField e) {
      return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, e.getMessage(), ref);
    } catch (ClassCastException e) {
      return new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "a field has the wrong type", ref);
    }
  }

  /** The optional {@code reason}, cleaned; null when there is none. */
  private static String reason(JsonObject o) {
    String reason = o.getString("reason");
    reason = reason == null ? null : Text.clean(reason);
    return reason == null || reason.isBlank() ? null : reason;
  }

  /** How a message is said: {@code "action":true} for {@code /me}, {@code "notice":true} for a notice. */
  private static RoomEvent.Kind kind(JsonObject o) {
    if (o.getBoolean("action", false)) {
      return RoomEvent.Kind.ACTION;
    }
    return o.getBoolean("notice", false) ? RoomEvent.Kind.NOTICE : RoomEvent.Kind.MESSAGE;
  }

  @Override
  public boolean acks() {
    return true;
  }

  @Override
  public boolean rejoins() {
    return true;
  }

  @Override
  public String loginRejected(ErrorCode code, String message, Object ref) {
    return error(code, message, ref);
  }

  @Override
  public String welcome(String name, Reply.Joined room, Object ref) {
    JsonObject welcome = event("welcome").put("name", name).put("node", server.node()).put("server", server.software());
    return line(withRef(welcome, ref)) + joined(room, null);
  }

  @Override
  public String joined(Reply.Joined joined, Object ref) {
    JsonObject o = event("joined").put("room", joined.room()).put("seq", joined.seq())
      .put("count", joined.roster().count()).put("members", new JsonArray(joined.roster().names()))
      .put("operators", new JsonArray(joined.roster().operators())).put("voiced", new JsonArray(joined.roster().voiced()));
    if (Topic.shown(joined.topic())) {
      o.put("topic", topicObject(joined.topic()));
    }
    return line(withRef(o, ref));
  }

  @Override
  public String moderated(String room, Moderation action, String target, String reason, Reply.Accepted done, Object ref) {
    return accepted(done, ref);
  }

  @Override
  public String topic(Reply.TopicIs t, boolean set, Object ref) {
    JsonObject o = event("topic").put("room", t.room());
    if (Topic.shown(t.topic())) {
      o.put("topic", topicObject(t.topic()));
    }
    return line(withRef(o, ref));
  }

  private static JsonObject topicObject(Topic t) {
    return new JsonObject().put("text", t.text()).put("by", t.by()).put("ts", t.at());
  }

  @Override
  public String left(String room, String reason, Object ref) {
    return line(withRef(event("left").put("room", room), ref));
  }

  @Override
  public String accepted(Reply.Accepted accepted, Object ref) {
    JsonObject ack = event("ack").put("id", accepted.id());
    if (accepted.seq() > 0) {
      ack.put("seq", accepted.seq());
    }
    return line(withRef(ack.put("ts", accepted.ts()), ref));
  }

  @Override
  public String renamed(String name, Object ref) {
    return line(withRef(event("renamed").put("name", name), ref));
  }

  @Override
  public String registered(String account, Object ref) {
    return line(withRef(event("registered").put("account", account), ref));
  }

  @Override
  public String roomClosed(String room, boolean on, Object ref) {
    return line(withRef(event("room_closed").put("room", room).put("closed", on), ref));
  }

  @Override
  public String roomRegistered(String room, boolean on, Object ref) {
    return line(withRef(event("room_registered").put("room", room).put("registered", on), ref));
  }

  @Override
  public String identified(String account, Object ref) {
    return line(withRef(event("identified").put("account", account), ref));
  }

  @Override
  public String members(Reply.Members members, Object ref) {
    Reply.Roster roster = members.roster();
    return line(withRef(event("who").put("room", members.room()).put("count", roster.count())
      .put("members", new JsonArray(roster.names())).put("operators", new JsonArray(roster.operators()))
      .put("voiced", new JsonArray(roster.voiced())), ref));
  }

  @Override
  public String bans(Reply.Bans bans, Object ref) {
    JsonArray list = new JsonArray();
    for (Reply.Ban b : bans.bans()) {
      list.add(new JsonObject().put("mask", b.mask()).put("by", b.by()).put("ts", b.at()));
    }
    return line(withRef(event("bans").put("room", bans.room()).put("bans", list), ref));
  }

  @Override
  public String inviteSent(String guest, String room, Object ref) {
    return line(withRef(event("invited").put("room", Names.room(room)).put("name", guest), ref));
  }

  @Override
  public String people(Reply.People people, String mask, boolean one, Object ref) {
    JsonArray list = new JsonArray();
    for (Member m : people.people()) {
      JsonObject o = new JsonObject().put("name", m.name()).put("user", m.user()).put("node", m.node())
        .put("realname", m.realname()).put("rooms", new JsonArray(m.rooms()))
        .put("operatorOf", new JsonArray(m.operatorOf())).put("voicedIn", new JsonArray(m.voicedIn()));
      if (m.serverOperator()) {
        o.put("serverOperator", true);
      }
      if (m.secure()) {
        o.put("secure", true);
      }
      if (m.account() != null) {
        o.put("account", m.account());
      }
      if (m.address() != null) {
        o.put("address", m.address());
      }
      if (m.away() != null) {
        o.put("away", m.away());
      }
      list.add(o);
    }
    return line(withRef(event("whois").put("people", list), ref));
  }

  @Override
  public String census(Reply.Census c, Object ref) {
    return line(withRef(event("census").put("users", c.users()).put("invisible", c.invisible()).put("operators", c.operators()).put("rooms", c.rooms())
      .put("nodes", c.nodes()).put("local", c.local()), ref));
  }

  @Override
  public String away(boolean away, Object ref) {
    return line(withRef(event("away").put("away", away), ref));
  }

  @Override
  public String killed(String name, Object ref) {
    return line(withRef(event("killed").put("name", name), ref));
  }

  @Override
  public String addressBanned(String address, boolean on, Object ref) {
    return line(withRef(event("address_banned").put("address", address).put("banned", on), ref));
  }

  @Override
  public String userMode(Member.Mode mode, boolean on, Object ref) {
    return mode == Member.Mode.SERVER_OPERATOR ? line(withRef(event("oper").put("serverOperator", on), ref))
      : line(withRef(event("invisible").put("invisible", on), ref));
  }

  @Override
  public String invited(Invitation i) {
    return line(event("invite").put("room", i.room()).put("from", i.from()));
  }

  @Override
  public String modes(Reply.Modes modes, Object ref) {
    return line(withRef(event("modes").put("room", modes.room()).put("modes", modes.modes()).put("since", modes.since()), ref));
  }

  @Override
  public String rooms(Reply.RoomList rooms, Object ref) {
    JsonArray list = new JsonArray();
    for (Reply.RoomInfo r : rooms.rooms()) {
      JsonObject room = new JsonObject().put("name", r.name()).put("members", r.members());
      if (r.topic() != null) {
        room.put("topic", r.topic());
      }
      list.add(r.secret() ? room.put("secret", true) : room);
    }
    return line(withRef(event("rooms").put("rooms", list), ref));
  }

  @Override
  public String pong(Object ref) {
    return line(withRef(event("pong"), ref));
  }

  @Override
  public String help(Object ref) {
    return error(ErrorCode.BAD_REQUEST, "unknown op: help", ref);
  }

  @Override
  public String error(ErrorCode code, String message, Object ref) {
    return line(withRef(event("error").put("code", code.wireName()).put("message", message), ref));
  }

  @Override
  public String goodbye(Goodbye reason) {
    return line(event("bye").put("reason", reason.wireName()).put("message", reason.message()));
  }

  @Override
  public String history(Reply.History page, boolean onJoin, Object ref) {
    JsonArray messages = new JsonArray();
    for (RoomEvent e : page.events()) {
      messages.add(eventObject(e));
    }
    JsonObject history = event("history").put("room", page.room()).put("messages", messages)
      .put("complete", page.complete());
    if (page.more() != null) {
      history.put("more", more(page.more()));
    }
    return line(withRef(history, ref));
  }

  @Override
  public String historyUnavailable(String room) {
    return line(event("history").put("room", room).put("messages", new JsonArray()).put("complete", false)
      .put("unavailable", true));
  }

  /** Where a history answer cut short goes on: the fields of the history request that asks for the rest. */
  public static JsonObject more(Reply.More more) {
    JsonObject o = more.forwards() ? new JsonObject().put("afterSeq", more.afterSeq())
      : new JsonObject().put("beforeSeq", more.beforeSeq());
    return o.put("limit", more.limit());
  }

  @Override
  public String roomEvent(RoomEvent e) {
    return line(eventObject(e));
  }

  /**
   * A room event as JSON: the form JSON clients get it in, and the form the public event-bus API publishes
   * it in.
   */
  public static JsonObject eventObject(RoomEvent e) {
    JsonObject o;
    switch (e.kind()) {
      case MESSAGE:
      case ACTION:
      case NOTICE:
        o = event("message").put("room", e.room()).put("from", e.from()).put("text", e.text());
        if (e.kind() == RoomEvent.Kind.ACTION) {
          o.put("action", true);
        } else if (e.kind() == RoomEvent.Kind.NOTICE) {
          o.put("notice", true);
        }
        break;
      case JOIN:
        o = event("join").put("room", e.room()).put("name", e.from());
        break;
      case LEAVE:
      case QUIT:
        o = event("leave").put("room", e.room()).put("name", e.from());
        if (e.text() != null) {
          o.put("reason", e.text());
        }
        break;
      case RENAME:
        o = event("rename").put("room", e.room()).put("from", e.from()).put("to", e.text());
        break;
      case TOPIC:
        o = event("topic_set").put("room", e.room()).put("from", e.from()).put("text", e.text());
        break;
      case MODE:
        o = event("mode").put("room", e.room()).put("from", e.from()).put("mode", e.text());
        if (e.target() != null) {
          o.put("name", e.target());
        }
        break;
      case KICK:
        o = event("kick").put("room", e.room()).put("from", e.from()).put("name", e.target()).put("reason", e.text());
        break;
      default:
        throw new IllegalArgumentException("unknown event kind " + e.kind());
    }
    if (e.byService()) {
      o.put("service", true);
    }
    return o.put("id", e.id()).put("seq", e.seq()).put("epoch", e.epoch()).put("ts", e.ts());
  }

  @Override
  public String privateMessage(PrivateMessage m) {
    JsonObject o = event("private").put("from", m.from()).put("text", m.text());
    if (m.action()) {
      o.put("action", true);
    } else if (m.kind() == RoomEvent.Kind.NOTICE) {
      o.put("notice", true);
    }
    if (m.byService()) {
      o.put("service", true);
    }
    return line(o.put("id", m.id()).put("ts", m.ts()));
  }

  @Override
  public String dropped(long count) {
    return line(event("dropped").put("count", count));
  }

  private static JsonObject event(String type) {
    return new JsonObject().put("type", type);
  }

  private static JsonObject withRef(JsonObject o, Object ref) {
    return ref == null ? o : o.put("ref", ref);
  }

  private static String line(JsonObject o) {
    return o.encode() + "\n";
  }

  private static String required(JsonObject o, String field) {
    String value = o.getString(field);
    if (value == null) {
      throw new BadField("missing field: " + field);
    }
    return value;
  }

  private static ClientCommand history(JsonObject o, Object ref) {
    String room = required(o, "room");
    Long after = o.getLong("afterSeq");
    Long before = o.getLong("beforeSeq");
    Integer limit = o.getInteger("limit");
    if (after != null && before != null) {
      throw new BadField("give afterSeq or beforeSeq, not both");
    }
    if ((after != null && after < 0) || (before != null && before < 1) || (limit != null && limit < 1)) {
      throw new BadField("afterSeq must be 0 or more, beforeSeq and limit 1 or more");
    }
    return new ClientCommand.History(room, limit == null ? 0 : limit, after == null ? -1 : after,
      before == null ? Long.MAX_VALUE : before, ref);
  }

  private static String text(JsonObject o) {
    String text = Text.clean(required(o, "text"));
    if (text.isBlank()) {
      throw new BadField("text is empty");
    }
    return text;
  }

  /** A missing or unusable field, reported to the client as {@code bad_request}. */
  private static final class BadField extends RuntimeException {
    BadField(String message) {
      super(message, null, false, false);
    }
  }
}
