package dev.chatbus.edge;

import dev.chatbus.account.Grant;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.ClientCommand;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

import java.util.List;
import java.util.function.Consumer;

/**
 * Carries out what clients ask for, the same way whatever protocol they speak: checks what can be
 * checked here, asks the router for the rest, and answers in the client's protocol.
 * <p>
 * Requests from one connection reach the router in the order the client sent them. While a request
 * decides how the client's next lines are read (a login, a join), those lines wait until the answer
 * has been handled. Logging in and entering rooms are {@link Entering}'s.
 */
final class Commands {

  /** Text clients' {@code /history} without a number. */
  private static final int DEFAULT_TEXT_HISTORY = 20;
  /** JSON {@code history} without a limit. */
  private static final int DEFAULT_JSON_HISTORY = 50;
  private final EventBus bus;
  private final String router;
  private final LocalRooms rooms;
  private final Connections connections;
  private final String defaultRoom;
  private final int maxRooms;
  private final ChatbusConfig.History history;
  private final RouterRequests requests;
  private final Entering entering;
  private final HistoryWindows windows;
  private final ChatbusConfig.ServerOperators operators;
  private final AccountChecks accounts;
  /** Whether only identified clients may talk ({@code accounts.required}). */
  private final boolean accountRequired;

  /**
   * @param edge     the address of this edge instance, where the router sends a session's private messages
   * @param released called once a request that held the client's input has been answered
   */
  Commands(EventBus bus, String router, String edge, LocalRooms rooms, Connections connections,
           ChatbusConfig.Rooms config, ChatbusConfig.ServerOperators operators, ChatbusConfig.Accounts accountConfig,
           AccountChecks accounts, ChatbusConfig.History history, Consumer<Connection> released) {
    this.operators = operators;
    this.accounts = accounts;
    this.accountRequired = accountConfig.required();
    this.bus = bus;
    this.router = router;
    this.rooms = rooms;
    this.connections = connections;
    this.defaultRoom = config.defaultRoom();
    this.maxRooms = config.maxPerClient();
    this.history = history;
    this.requests = new RouterRequests(bus, router, connections, released);
    this.windows = new HistoryWindows(requests, connections, history.windowLimit());
    this.entering = new Entering(bus, router, edge, rooms, connections, requests, accounts, config.defaultRoom(), history);
  }

  void execute(Connection c, ClientCommand cmd) {
    if (cmd instanceof ClientCommand.Answer a) {
      reply(c, a.lines());
    } else if (cmd instanceof ClientCommand.Several several) {
      List<ClientCommand> all = several.commands();
      for (int i = 0; i < all.size() && c.open(); i++) {
        execute(c, all.get(i));
        if (c.holding() && i + 1 < all.size()) {
          // The rest waits for the answer, as the client's next lines do: one room is entered at a time.
          c.holdFirst(all.subList(i + 1, all.size()));
          return;
        }
      }
    } else if (cmd instanceof ClientCommand.Close close) {
      connections.goodbye(c, close.why(), close.why().roomReason());
    } else if (cmd instanceof ClientCommand.Invalid i) {
      reply(c, c.loggedIn() ? c.codec().error(i.code(), i.message(), i.ref())
        : c.codec().loginRejected(i.code(), i.message(), i.ref()));
    } else if (cmd instanceof ClientCommand.Quit quit) {
      connections.goodbye(c, Goodbye.QUIT, quit.reason() == null ? "quit" : "quit: " + quit.reason());
    } else if (cmd instanceof ClientCommand.Ping) {
      if (c.codec().inOrder() && c.loggedIn()) {
        requests.call(c, new SessionCommand.Sync(c.id), cmd.ref(), r -> c.codec().pong(cmd.ref()));
      } else {
        reply(c, c.codec().pong(cmd.ref()));
      }
    } else if (!c.loggedIn()) {
      if (cmd instanceof ClientCommand.Hello hello) {
        entering.login(c, hello);
      } else if (cmd instanceof ClientCommand.Identify identify && identify.account() != null) {
        identify(c, identify);
      } else {
        reply(c, c.codec().error(ErrorCode.NOT_LOGGED_IN, "log in first", cmd.ref()));
      }
    } else if (c.grant() != null && outOfBounds(c, cmd)) {
      return;
    } else if ((cmd instanceof ClientCommand.Say || cmd instanceof ClientCommand.Msg) && accountRequired && c.account() == null) {
      reply(c, c.codec().error(ErrorCode.ACCOUNT_REQUIRED, "only registered users may talk here: register your name, "
        + "or identify", cmd.ref()));
    } else if (cmd instanceof ClientCommand.Say say) {
      say(c, say);
    } else if (cmd instanceof ClientCommand.Msg msg) {
      msg(c, msg);
    } else if (cmd instanceof ClientCommand.Register register) {
      register(c, register);
    } else if (cmd instanceof ClientCommand.RegisterRoom rr) {
      String room = room(c, rr.room(), rr.ref());
      if (room != null) {
        requests.call(c, new SessionCommand.RegisterRoom(c.id, room, rr.on()), rr.ref(), r -> c.codec().roomRegistered(room, rr.on(), rr.ref()));
      }
    } else if (cmd instanceof ClientCommand.Identify identify) {
      identify(c, identify);
    } else if (cmd instanceof ClientCommand.Join join) {
      join(c, join);
    } else if (cmd instanceof ClientCommand.Leave leave) {
      leave(c, leave);
    } else if (cmd instanceof ClientCommand.LeaveAll all) {
      for (String room : List.copyOf(c.rooms())) {
        leave(c, new ClientCommand.Leave(room, null, all.ref()));
      }
    } else if (cmd instanceof ClientCommand.History history) {
      history(c, history);
    } else if (cmd instanceof ClientCommand.Window w) {
      windows.window(c, w);
    } else if (cmd instanceof ClientCommand.ActiveRooms a) {
      windows.activeRooms(c, a);
    } else if (cmd instanceof ClientCommand.HistoryMore) {
      historyMore(c, cmd.ref());
    } else if (cmd instanceof ClientCommand.Who who) {
      who(c, who);
    } else if (cmd instanceof ClientCommand.Topic topic) {
      topic(c, topic);
    } else if (cmd instanceof ClientCommand.Moderate mod) {
      moderate(c, mod);
    } else if (cmd instanceof ClientCommand.Invite invite) {
      String room = room(c, invite.room(), invite.ref());
      if (room != null) {
        requests.call(c, new SessionCommand.Invite(c.id, invite.guest(), room), invite.ref(),
          r -> c.codec().inviteSent(invite.guest(), invite.room() == null ? room : invite.room(), invite.ref()));
      }
    } else if (cmd instanceof ClientCommand.Lookup l) {
      requests.call(c, new SessionCommand.Lookup(c.id, l.mask(), l.one()), l.ref(),
        r -> c.codec().people((Reply.People) r, l.mask(), l.one(), l.ref()));
    } else if (cmd instanceof ClientCommand.Census census) {
      requests.call(c, new SessionCommand.Census(), census.ref(), r -> c.codec().census((Reply.Census) r, census.ref()));
    } else if (cmd instanceof ClientCommand.Away a) {
      requests.call(c, new SessionCommand.Away(c.id, a.reason()), a.ref(), r -> c.codec().away(a.reason() != null, a.ref()));
    } else if (cmd instanceof ClientCommand.UserMode m) {
      userMode(c, m);
    } else if (cmd instanceof ClientCommand.CloseRoom cr) {
      String room = Names.room(cr.room());
      if (room == null) {
        reply(c, c.codec().error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(cr.room()), cr.ref()));
      } else {
        requests.call(c, new SessionCommand.CloseRoom(c.id, room, cr.on() ? (cr.reason() == null ? "" : cr.reason()) : null),
          cr.ref(), r -> c.codec().roomClosed(room, cr.on(), cr.ref()));
      }
    } else if (cmd instanceof ClientCommand.BanAddress b) {
      requests.call(c, new SessionCommand.BanAddress(c.id, b.address(), b.on() ? (b.reason() == null ? "" : b.reason()) : null),
        b.ref(), r -> c.codec().addressBanned(b.address(), b.on(), b.ref()));
    } else if (cmd instanceof ClientCommand.Kill k) {
      requests.call(c, new SessionCommand.Kill(c.id, k.name(), k.reason()), k.ref(), r -> c.codec().killed(k.name(), k.ref()));
    } else if (cmd instanceof ClientCommand.Oper o) {
      if (operators.admits(o.name(), o.password())) {
        userMode(c, new ClientCommand.UserMode(Member.Mode.SERVER_OPERATOR, true, o.ref()));
      } else {
        reply(c, c.codec().error(ErrorCode.WRONG_PASSWORD, "no server operator has that name and password", o.ref()));
      }
    } else if (cmd instanceof ClientCommand.Bans bans) {
      String room = room(c, bans.room(), bans.ref());
      if (room != null) {
        requests.call(c, new SessionCommand.Modes(c.id, room, true), bans.ref(), r -> c.codec().bans((Reply.Bans) r, bans.ref()));
      }
    } else if (cmd instanceof ClientCommand.Modes modes) {
      String room = room(c, modes.room(), modes.ref());
      if (room != null) {
        requests.call(c, new SessionCommand.Modes(c.id, room, false), modes.ref(),
          r -> c.codec().modes((Reply.Modes) r, modes.ref()));
      }
    } else if (cmd instanceof ClientCommand.Rooms) {
      requests.call(c, new SessionCommand.ListRooms(c.id), cmd.ref(), r -> c.codec().rooms((Reply.RoomList) r, cmd.ref()));
    } else if (cmd instanceof ClientCommand.Nick nick) {
      nick(c, nick);
    } else if (cmd instanceof ClientCommand.Help) {
      reply(c, c.codec().help(cmd.ref()));
    } else if (cmd instanceof ClientCommand.Hello) {
      reply(c, c.codec().error(ErrorCode.BAD_REQUEST, "you are already logged in as " + c.name(), cmd.ref()));
    } else {
      throw new IllegalArgumentException("unhandled command " + cmd);
    }
  }

  private void say(Connection c, ClientCommand.Say say) {
    if (say.text().isBlank()) {
      return;
    }
    String room = room(c, c.codec().oneRoom() ? null : say.room(), say.ref());
    if (room == null) {
      return;
    }
    if (c.rooms().contains(room) && !c.codec().acks()) {
      // Text and IRC clients see no answer to what they say, so nothing waits for one: the router sends a
      // refusal (a race with leaving the room) to this instance's address. This is the hot path.
      bus.send(router, new SessionCommand.Say(c.id, room, say.text(), say.kind(), false));
      return;
    }
    // To a room it is not in, a client may send only if the room lets it (-n), which the room's owner says.
    boolean durable = c.codec().acksWhenStored();
    requests.call(c, new SessionCommand.Say(c.id, room, say.text(), say.kind(), durable), durable, say.ref(),
      r -> c.codec().accepted((Reply.Accepted) r, say.ref()));
  }

  private void msg(Connection c, ClientCommand.Msg msg) {
    if (Names.nameProblem(msg.to()) != null) {
      reply(c, c.codec().error(ErrorCode.NO_SUCH_USER, "no such user: " + msg.to(), msg.ref()));
      return;
    }
    boolean durable = c.codec().acksWhenStored();
    requests.call(c, new SessionCommand.Tell(c.id, msg.to(), msg.text(), msg.kind(), durable), durable, msg.ref(),
      r -> c.codec().accepted((Reply.Accepted) r, msg.ref()));
  }

  private void join(Connection c, ClientCommand.Join join) {
    String room = Names.room(join.room());
    if (room == null) {
      reply(c, c.codec().error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(join.room()), join.ref()));
    } else if (c.codec().oneRoom()) {
      if (room.equals(c.currentRoom())) {
        reply(c, c.codec().error(ErrorCode.BAD_REQUEST, "you are already in #" + room, join.ref()));
      } else {
        entering.enter(c, room, join.key(), c.currentRoom(), join.ref());
      }
    } else if (c.rooms().contains(room)) {
      // Already in: the same answer again, without replaying what the client has seen, or (IRC) nothing.
      if (c.codec().rejoins()) {
        requests.call(c, new SessionCommand.Join(c.id, room, null, null), join.ref(),
          r -> c.codec().joined((Reply.Joined) r, join.ref()));
      }
    } else if (c.rooms().size() >= maxRooms) {
      reply(c, c.codec().error(ErrorCode.TOO_MANY_ROOMS, "you are in " + maxRooms + " rooms already", join.ref()));
    } else {
      entering.enter(c, room, join.key(), null, join.ref());
    }
  }

  private void leave(Connection c, ClientCommand.Leave leave) {
    if (c.codec().oneRoom()) {
      String current = c.currentRoom();
      if (defaultRoom.equals(current)) {
        reply(c, c.codec().error(ErrorCode.BAD_REQUEST,
          "you are in #" + defaultRoom + ", the room everyone starts in; /quit leaves the server", leave.ref()));
      } else {
        entering.enter(c, defaultRoom, null, current, leave.ref());
      }
      return;
    }
    String room = Names.room(leave.room());
    if (room == null) {
      reply(c, c.codec().error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(leave.room()), leave.ref()));
      return;
    }
    if (!c.rooms().contains(room)) {
      reply(c, c.codec().error(ErrorCode.NOT_IN_ROOM, "you are not in #" + room, leave.ref()));
      return;
    }
    // Out of the local fan-out now: the router's answer can only confirm it.
    rooms.remove(c, room);
    c.leftRoom(room);
    requests.call(c, new SessionCommand.Leave(c.id, room, leave.reason()), leave.ref(),
      r -> c.codec().left(room, leave.reason(), leave.ref()));
  }

  private void history(Connection c, ClientCommand.History h) {
    String room = h.room() == null ? c.currentRoom() : Names.room(h.room());
    if (room == null) {
      reply(c, c.codec().error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(h.room()), h.ref()));
      return;
    }
    boolean messagesOnly = c.codec().messagesOnly();
    int limit = Math.min(history.maxPerRequest(),
      h.limit() > 0 ? h.limit() : messagesOnly ? DEFAULT_TEXT_HISTORY : DEFAULT_JSON_HISTORY);
    history(c, new SessionCommand.History(c.id, room, limit, h.afterSeq(), h.beforeSeq(), messagesOnly), h.ref());
  }

  private void history(Connection c, SessionCommand.History ask, Object ref) {
    requests.call(c, ask, ref, r -> {
      Reply.History page = (Reply.History) r;
      Reply.More more = page.more();
      c.moreHistory(more == null ? null
        : new SessionCommand.History(c.id, ask.room(), more.limit(), more.afterSeq(), more.beforeSeq(), ask.messagesOnly()));
      return c.codec().history(page, false, ref);
    });
  }

  /** Asks for what did not fit in the client's last history answer. */
  private void historyMore(Connection c, Object ref) {
    if (c.moreHistory() == null) {
      reply(c, c.codec().error(ErrorCode.BAD_REQUEST, "there is no more to show: the last history answer was whole", ref));
      return;
    }
    history(c, c.moreHistory(), ref);
  }

  private void who(Connection c, ClientCommand.Who who) {
    String room = who.room() == null ? c.currentRoom() : Names.room(who.room());
    if (room == null) {
      reply(c, c.codec().error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(who.room()), who.ref()));
      return;
    }
    requests.call(c, new SessionCommand.Who(c.id, room), who.ref(), r -> c.codec().members((Reply.Members) r, who.ref()));
  }

  private void topic(Connection c, ClientCommand.Topic t) {
    String room = room(c, t.room(), t.ref());
    if (room != null) {
      requests.call(c, new SessionCommand.RoomTopic(c.id, room, t.text()), t.ref(),
        r -> c.codec().topic((Reply.TopicIs) r, t.text() != null, t.ref()));
    }
  }

  /**
   * An operator put {@code c} out of {@code room}: a text client, who is always in a room, goes back to the
   * default one (unless that is where it was put out of).
   */
  void kicked(Connection c, String room) {
    if (c.open() && c.loggedIn() && c.codec().oneRoom() && c.rooms().isEmpty() && !room.equals(defaultRoom)) {
      entering.enter(c, defaultRoom, null, null, null);
    }
  }

  private void userMode(Connection c, ClientCommand.UserMode m) {
    requests.call(c, new SessionCommand.UserMode(c.id, m.mode(), m.on()), m.ref(), r -> c.codec().userMode(m.mode(), m.on(), m.ref()));
  }

  private void moderate(Connection c, ClientCommand.Moderate m) {
    String room = room(c, m.room(), m.ref());
    if (room != null) {
      requests.call(c, new SessionCommand.Moderate(c.id, room, m.action(), m.target(), m.reason()), m.ref(),
        r -> c.codec().moderated(room, m.action(), m.target(), m.reason(), (Reply.Accepted) r, m.ref()));
    }
  }

  /**
   * The normalized name of the room {@code input} names, or the client's own room when it is null (text
   * clients); null, the client told why, when there is none.
   */
  private String room(Connection c, String input, Object ref) {
    String room = input == null ? c.currentRoom() : Names.room(input);
    if (room == null) {
      reply(c, c.codec().error(ErrorCode.BAD_ROOM, input == null ? "you are in no room; /join one"
        : "invalid room: " + Names.roomProblem(input), ref));
    }
    return room;
  }

  private void nick(Connection c, ClientCommand.Nick nick) {
    String problem = Names.nameProblem(nick.name());
    if (problem != null) {
      reply(c, c.codec().error(ErrorCode.BAD_NAME, "invalid name: " + problem, nick.ref()));
      return;
    }
    // A registered name is its account's: taken only by a client identified as it.
    Future<Reply> renamed = accounts.mayTake(c, nick.name(), null)
      .recover(err -> Future.failedFuture(ErrorCode.ofRefusal(err) == ErrorCode.PASSWORD_REQUIRED
        ? new Refusal(ErrorCode.NAME_TAKEN, "the name " + nick.name() + " is registered; identify as its account first") : err))
      .compose(a -> requests.ask(c, new SessionCommand.Rename(c.id, nick.name())));
    requests.send(c, renamed, false, ar -> {
      if (!c.open()) {
        return;
      }
      if (ar.succeeded()) {
        c.renamed(((Reply.Renamed) ar.result()).name());
        reply(c, c.codec().renamed(c.name(), nick.ref()));
      } else {
        reply(c, c.codec().error(RouterRequests.errorCode(ar.cause()), RouterRequests.errorMessage(ar.cause()), nick.ref()));
      }
    });
  }

  /**
   * Whether {@code cmd} goes beyond what the client's signed token allows (told so), or the token has
   * expired (the client is disconnected): a token's bearer reads and posts in the rooms it names, sends
   * private messages if it says so, and neither moderates, renames nor takes other powers.
   */
  private boolean outOfBounds(Connection c, ClientCommand cmd) {
    Grant grant = c.grant();
    if (grant.expired(System.currentTimeMillis())) {
      connections.goodbye(c, Goodbye.TOKEN_EXPIRED, Goodbye.TOKEN_EXPIRED.roomReason());
      return true;
    }
    String why = null;
    if (cmd instanceof ClientCommand.Say say) {
      String room = say.room() == null ? c.currentRoom() : Names.room(say.room());
      why = room == null || grant.mayPost(room) ? null : "this token does not let its bearer post in " + say.room();
    } else if (cmd instanceof ClientCommand.Topic topic && topic.text() != null) {
      String room = topic.room() == null ? c.currentRoom() : Names.room(topic.room());
      why = room == null || grant.mayPost(room) ? null : "this token does not let its bearer set the topic of " + topic.room();
    } else if (cmd instanceof ClientCommand.Msg) {
      why = grant.tell() ? null : "this token does not let its bearer send private messages";
    } else if (cmd instanceof ClientCommand.Join join) {
      String room = Names.room(join.room());
      why = room == null || grant.mayRead(room) ? null : "this token does not let its bearer read " + join.room();
    } else if (cmd instanceof ClientCommand.History h && h.room() != null) {
      why = readable(grant, h.room());
    } else if (cmd instanceof ClientCommand.Who who && who.room() != null) {
      why = readable(grant, who.room());
    } else if (cmd instanceof ClientCommand.Topic topic && topic.room() != null) {
      why = readable(grant, topic.room());
    } else if (cmd instanceof ClientCommand.Modes modes && modes.room() != null) {
      why = readable(grant, modes.room());
    } else if (cmd instanceof ClientCommand.Bans bans && bans.room() != null) {
      why = readable(grant, bans.room());
    } else if (cmd instanceof ClientCommand.Moderate || cmd instanceof ClientCommand.Kill || cmd instanceof ClientCommand.Oper
      || cmd instanceof ClientCommand.BanAddress || cmd instanceof ClientCommand.RegisterRoom
      || cmd instanceof ClientCommand.CloseRoom
      || cmd instanceof ClientCommand.UserMode || cmd instanceof ClientCommand.Invite || cmd instanceof ClientCommand.Nick
      || cmd instanceof ClientCommand.Register || cmd instanceof ClientCommand.Identify) {
      why = "a client logged in with a token may not do that";
    }
    if (why != null) {
      reply(c, c.codec().error(ErrorCode.FORBIDDEN, why, cmd.ref()));
    }
    return why != null;
  }

  /** Why a token's bearer may not read {@code input} (a room's name), or null if it may. */
  private static String readable(Grant grant, String input) {
    String room = Names.room(input);
    return room == null || grant.mayRead(room) ? null : "this token does not let its bearer read " + input;
  }

  /** Registers the client's name as an account: it is identified as it from then on. */
  private void register(Connection c, ClientCommand.Register register) {
    if (c.account() != null && Names.nameKey(c.account()).equals(Names.nameKey(c.name()))) {
      reply(c, c.codec().error(ErrorCode.NAME_TAKEN, "the name " + c.name() + " is registered already, as yours",
        register.ref()));
      return;
    }
    Future<String> registered = accounts.register(c, register.password())
      .compose(account -> requests.ask(c, new SessionCommand.Identified(c.id, account)).map(account));
    requests.send(c, registered, false, ar -> {
      if (!c.open()) {
        return;
      }
      if (ar.succeeded()) {
        c.identified(ar.result());
        reply(c, c.codec().registered(ar.result(), register.ref()));
      } else {
        reply(c, c.codec().error(RouterRequests.errorCode(ar.cause()), RouterRequests.errorMessage(ar.cause()), register.ref()));
      }
    });
  }

  /**
   * Identifies the client as an account (its own name's when none is given): before logging in (IRC's SASL),
   * or after, when the router is told so that others see it.
   */
  private void identify(Connection c, ClientCommand.Identify identify) {
    String account = identify.account() != null ? identify.account() : c.name();
    boolean in = c.loggedIn();
    Future<String> identified = accounts.identify(c, account, identify.password())
      .compose(a -> in ? requests.ask(c, new SessionCommand.Identified(c.id, a)).map(a) : Future.succeededFuture(a));
    requests.send(c, identified, !in, ar -> {
      if (!c.open()) {
        return;
      }
      if (ar.succeeded()) {
        c.identified(ar.result());
        reply(c, c.codec().identified(ar.result(), identify.ref()));
      } else {
        reply(c, c.codec().error(RouterRequests.errorCode(ar.cause()), RouterRequests.errorMessage(ar.cause()), identify.ref()));
      }
    });
  }

  private void reply(Connection c, String lines) {
    connections.reply(c, lines);
  }
}
