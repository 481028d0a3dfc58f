package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.ServerBans;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.NameLost;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.cluster.Membership;
import dev.chatbus.cluster.NameRegistry;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The home of this node's sessions: carries out what the edges and the API ask ({@link SessionCommand}).
 * It registers names (in the cluster's {@link NameRegistry} when clustered), keeps each session's rooms in
 * the {@link Directory} and tells the other routers of each change ({@link Peers#changed}), sends private
 * messages to the recipient's edge, and passes what concerns a room to the room's owner ({@link Owner}),
 * {@code who} included (the owner knows the room's operators). It answers {@code rooms} from the directory
 * of the whole network.
 */
final class Home {

  private static final Logger log = LoggerFactory.getLogger(Home.class);

  private final String node;
  private final EventBus bus;
  /** The accounts whose users are server operators once identified. */
  private final ChatbusConfig.ServerOperators serverOperators;
  private final ServerPowers powers;
  private final Membership membership;
  private final NameRegistry registry;
  private final Directory directory;
  private final Peers peers;
  private final Owner owner;
  private final Outbox outbox;
  private final MessageIds ids;
  private final RoomQuotas quotas;
  private final ChatbusConfig.Rooms rooms;
  private final NameChecks nameChecks;
  private final Lookups lookups;
  private final RoomRequests roomRequests;
  /** The last rename of each session still under way, for the next to wait for. */
  private final Map<Long, Future<Reply>> renaming = new HashMap<>();
  /** Sessions whose login waits for the name registry. */
  private final Map<Long, String> loggingIn = new HashMap<>();
  /** The name key each session renaming is taking, while the registry is asked. */
  private final Map<Long, String> takingByRename = new HashMap<>();
  private final RoomSurvey survey;

  Home(String node, EventBus bus, Membership membership, NameRegistry registry, Directory directory, Peers peers,
       Owner owner, Outbox outbox, MessageIds ids, RoomQuotas quotas, ChatbusConfig.Rooms rooms, ChatbusConfig.Naming naming,
       RegisteredNames registeredNames, ChatbusConfig.ServerOperators serverOperators, ServerBans serverBans,
       ClosedRooms closedRooms) {
    this.serverOperators = serverOperators;
    this.node = node;
    this.bus = bus;
    this.powers = new ServerPowers(node, bus, directory, owner, serverBans, closedRooms);
    this.membership = membership;
    this.registry = registry;
    this.directory = directory;
    this.peers = peers;
    this.owner = owner;
    this.outbox = outbox;
    this.ids = ids;
    this.quotas = quotas;
    this.rooms = rooms;
    this.nameChecks = new NameChecks(naming, directory, registeredNames);
    this.lookups = new Lookups(directory);
    this.survey = new RoomSurvey(owner, peers, directory);
    this.roomRequests = new RoomRequests(owner, directory, nameChecks, this::session, RoomEvent.serviceOrigin(node));
  }

  /** Carries out {@code c}; returns the reply, or null when there is none or it comes later. */
  Reply handle(SessionCommand c, Message<?> msg) {
    if (c instanceof SessionCommand.Say say) {
      say(say, msg);
    } else if (c instanceof SessionCommand.Tell tell) {
      Member s = session(tell.session());
      return privately(s.session(), s.name(), s.origin(), tell.to(), tell.text(), tell.kind(), tell.durable(), msg);
    } else if (c instanceof SessionCommand.ServiceSay say) {
      serviceSay(say, msg);
    } else if (c instanceof SessionCommand.ServiceTell tell) {
      nameChecks.service(tell.service());
      return privately(RoomEvent.SERVICE, tell.service(), RoomEvent.serviceOrigin(node), tell.to(), tell.text(),
        tell.action() ? RoomEvent.Kind.ACTION : RoomEvent.Kind.MESSAGE, tell.durable(), msg);
    } else if (c instanceof SessionCommand.History h) {
      session(h.session());
      String room = room(h.room());
      owner.run(new RoomCommand.RoomHistory(room, h.session(), h.limit(), h.afterSeq(), h.beforeSeq(), h.messagesOnly(), false),
        msg);
    } else if (c instanceof SessionCommand.Locate l) {
      session(l.session());
      owner.run(new RoomCommand.RoomLocate(room(l.room()), l.session(), l.byTime(), l.value(), false), msg);
    } else if (c instanceof SessionCommand.Login login) {
      login(login, msg);
    } else if (c instanceof SessionCommand.Join join) {
      join(join, msg);
    } else if (c instanceof SessionCommand.Leave leave) {
      leave(leave, msg);
    } else if (c instanceof SessionCommand.Rename rename) {
      rename(rename, msg);
    } else if (c instanceof SessionCommand.ListRooms l) {
      Answers.reply(msg, survey.list(l.session() == RoomEvent.SERVICE ? null : session(l.session())));
    } else if (roomRequests.handle(c, msg)) {
      return null;
    } else if (c instanceof SessionCommand.Lookup l) {
      Answers.reply(msg, survey.secret().map(secret -> lookups.lookup(l, secret)));
    } else if (c instanceof SessionCommand.Census) {
      return lookups.census(node);
    } else if (c instanceof SessionCommand.Away a) {
      peers.changed(session(a.session()).away(a.reason()));
      return new Reply.Done();
    } else if (c instanceof SessionCommand.Kill k) {
      return powers.kill(session(k.session()), k);
    } else if (c instanceof SessionCommand.BanAddress b) {
      return powers.ban(session(b.session()), b);
    } else if (c instanceof SessionCommand.CloseRoom cr) {
      return powers.closeRoom(session(cr.session()), cr, msg);
    } else if (c instanceof SessionCommand.UserMode m) {
      peers.changed(session(m.session()).with(m.mode(), m.on()));
      return new Reply.Done();
    } else if (c instanceof SessionCommand.Status s) {
      Member m = directory.session(s.session());
      if (m != null && m.node().equals(node) && m.rooms().contains(s.room())) {
        peers.changed(m.status(s.room(), s.operator(), s.on()));
      }
    } else if (c instanceof SessionCommand.Removed removed) {
      Member m = directory.session(removed.session());
      if (m != null && m.node().equals(node) && m.rooms().contains(removed.room())) {
        peers.changed(m.in(removed.room(), false));
      }
    } else if (c instanceof SessionCommand.Sync) {
      return new Reply.Done();
    } else if (c instanceof SessionCommand.Identified i) {
      Member m = directory.session(i.session());
      if (m == null) {
        throw new Refusal(ErrorCode.NOT_LOGGED_IN, "log in first");
      }
      peers.changed(m.identified(i.account()).with(Member.Mode.SERVER_OPERATOR,
        m.serverOperator() || serverOperators.isAccount(i.account())));
      // The registered rooms it is in that list the account make it an operator.
      for (String room : m.rooms()) {
        owner.run(new RoomCommand.Identified(room, m.session(), i.account(), false), null);
      }
      return new Reply.Done();
    } else if (c instanceof SessionCommand.Disconnect d) {
      disconnect(d);
    } else {
      throw new IllegalArgumentException("unknown session command " + c);
    }
    return null;
  }

  /**
   * Claims each name this node's sessions hold again, once a router found gone is in reach again: while the
   * two could not reach each other, the majority's side took this node's names for free, and when the
   * network healed the cluster kept its holders. A session whose name another session of the network holds
   * now is disconnected, told why ({@link NameLost}); the other keeps the name. Completes once every claim
   * is answered; fails if the registry could not answer some, to be claimed again.
   */
  Future<Void> claimNamesAgain() {
    List<Future<Boolean>> claims = new ArrayList<>();
    for (Member m : directory.sessionsOf(node)) {
      String key = Names.nameKey(m.name());
      claims.add(registry.claim(key, membership.self(), m.session()).andThen(claimed -> {
        Member now = directory.session(m.session());
        if (claimed.succeeded() && !claimed.result() && now != null && Names.nameKey(now.name()).equals(key)) {
          log.warn("{} (session {}) lost its name to a session of another node while the network was split: disconnected",
            now.name(), now.session());
          bus.send(now.edge(), new NameLost(now.session(), now.name()));
        }
      }));
    }
    return Future.join(claims).mapEmpty();
  }

  /** Whether {@code session}, one of this node's, holds or is taking the name {@code key}. */
  boolean holds(long session, String key) {
    String taking = loggingIn.get(session);
    if ((taking != null && Names.nameKey(taking).equals(key)) || key.equals(takingByRename.get(session))) {
      return true;
    }
    Member m = directory.session(session);
    return m != null && m.node().equals(node) && Names.nameKey(m.name()).equals(key);
  }

  private void login(SessionCommand.Login login, Message<?> msg) {
    nameChecks.user(login.name());
    String room = login.room() == null ? null : room(login.room());
    if (directory.session(login.session()) != null || loggingIn.containsKey(login.session())) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "already logged in");
    }
    String key = Names.nameKey(login.name());
    if (held(login.name(), login.session())) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + login.name() + " is taken");
    }
    if (!peers.quorate()) {
      throw new Refusal(ErrorCode.RETRY, peers.noQuorum());
    }
    long session = login.session();
    loggingIn.put(session, login.name());
    registry.claim(key, membership.self(), session).onComplete(claimed -> {
      boolean wanted = loggingIn.remove(session) != null;
      if (claimed.failed()) {
        log.warn("the name registry failed: {}", claimed.cause().getMessage());
        msg.fail(ErrorCode.RETRY.code(), "the names cannot be checked right now; try again");
      } else if (!claimed.result() || held(login.name(), session)) {
        if (claimed.result()) {
          registry.release(key, membership.self(), session);
        }
        msg.fail(ErrorCode.NAME_TAKEN.code(), "the name " + login.name() + " is taken");
      } else if (!wanted) {
        registry.release(key, membership.self(), session);
        msg.fail(ErrorCode.BAD_REQUEST.code(), "the session has ended");
      } else {
        Member m = new Member(session, login.name(), node, login.edge(), List.of(), login.user(), login.realname(),
          login.secure(), login.account(), login.remote().substring(0, Math.max(0, login.remote().lastIndexOf(':'))))
          .with(Member.Mode.SERVER_OPERATOR, serverOperators.isAccount(login.account()));
        peers.changed(m);
        if (room == null) {
          msg.reply(new Reply.LoggedIn(m.name(), null));
          return;
        }
        enterRoom(m, room, null, false).onComplete(joined -> {
          if (joined.succeeded()) {
            msg.reply(new Reply.LoggedIn(m.name(), joined.result()));
          } else {
            disconnect(new SessionCommand.Disconnect(session, "login failed"));
            Answers.fail(msg, joined.cause());
          }
        });
      }
    });
  }

  private void join(SessionCommand.Join join, Message<?> msg) {
    Member m = session(join.session());
    String room = room(join.room());
    if (m.rooms().contains(room)) {
      Answers.reply(msg, enterRoom(m, room, null, true));
      return;
    }
    String from = join.leave() == null ? null : room(join.leave());
    if (from == null && m.rooms().size() >= rooms.maxPerClient()) {
      throw new Refusal(ErrorCode.TOO_MANY_ROOMS, "you are in " + rooms.maxPerClient() + " rooms already");
    }
    if (directory.count(room) == 0 && !room.equals(rooms.defaultRoom())) {
      quotas.take(m.address(), System.currentTimeMillis());
    }
    // In before out: a text client whose switch fails stays where it was.
    Answers.reply(msg, enterRoom(m, room, join.key(), false).andThen(entered -> {
      Member now = directory.session(m.session());
      if (entered.succeeded() && from != null && now != null && now.rooms().contains(from)) {
        exitRoom(now, from, null).onFailure(err -> log.warn("leaving #{} failed: {}", from, err.getMessage()));
      }
    }));
  }

  private void leave(SessionCommand.Leave leave, Message<?> msg) {
    Member m = session(leave.session());
    String room = room(leave.room());
    if (!m.rooms().contains(room)) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + room);
    }
    Answers.reply(msg, exitRoom(m, room, leave.reason()).map(v -> new Reply.Left(room)));
  }

  /** Enters {@code room} at its owner, and (unless {@code again}) counts the session in once it has. */
  private Future<Reply.Joined> enterRoom(Member m, String room, String key, boolean again) {
    return owner.ask(new RoomCommand.Enter(room, m, key, again, false)).map(r -> {
      Reply.Joined joined = (Reply.Joined) r;
      Member now = directory.session(m.session());
      if (now == null) {
        // Gone while entering: the owner has counted it in, so it is counted out again.
        owner.run(new RoomCommand.Exit(room, m.session(), m.name(), m.origin(), null, false, false), null);
        throw new Refusal(ErrorCode.NOT_LOGGED_IN, "the session has ended");
      }
      if (!again) {
        Member in = now.in(room, true);
        peers.changed(joined.roster().operators().contains(in.name()) ? in.status(room, true, true) : in);
      }
      return joined;
    }).andThen(ar -> outbox.added());
  }

  /** Counts the session out of {@code room} here and everywhere, then has the owner announce it. */
  private Future<Reply> exitRoom(Member m, String room, String reason) {
    peers.changed(m.in(room, false));
    return owner.ask(new RoomCommand.Exit(room, m.session(), m.name(), m.origin(), reason, false, false));
  }

  private void say(SessionCommand.Say say, Message<?> msg) {
    Member m = session(say.session());
    if (!m.rooms().contains(say.room()) && directory.count(say.room()) == 0) {
      // Those outside a room may send to it only if it lets them ({@code -n}), which its owner decides.
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + say.room());
    }
    owner.run(new RoomCommand.Post(say.room(), m.session(), m.name(), m.origin(), say.text(), say.kind(), say.durable(),
      ids.next(System.currentTimeMillis()), false, false), msg);
  }

  private Reply privately(long fromSession, String from, String origin, String toName, String text, RoomEvent.Kind kind,
                          boolean durable, Message<?> msg) {
    Member to = directory.byName(toName);
    if (to == null) {
      throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + toName);
    }
    long now = System.currentTimeMillis();
    PrivateMessage pm = new PrivateMessage(to.session(), to.name(), fromSession, from, origin, text, kind, ids.next(now), now);
    bus.send(to.edge(), pm);
    outbox.add(pm);
    return owner.acknowledge(msg, new Reply.Accepted(pm.id(), 0, now, to.away()), durable, null);
  }

  private void serviceSay(SessionCommand.ServiceSay say, Message<?> msg) {
    String room = room(say.room());
    nameChecks.service(say.service());
    owner.run(new RoomCommand.Post(room, RoomEvent.SERVICE, say.service(), RoomEvent.serviceOrigin(node), say.text(),
      say.action() ? RoomEvent.Kind.ACTION : RoomEvent.Kind.MESSAGE, say.durable(), ids.next(System.currentTimeMillis()),
      false, false), msg);
  }

  /** Renames one after another per session: each is checked against the name the one before left. */
  private void rename(SessionCommand.Rename rename, Message<?> msg) {
    long session = rename.session();
    Future<?> before = renaming.getOrDefault(session, Future.succeededFuture());
    Future<Reply> done = before.transform(v -> {
      try {
        return renameNow(rename);
      } catch (Refusal r) {
        return Future.failedFuture(r);
      }
    });
    renaming.put(session, done);
    Answers.reply(msg, done.andThen(ar -> {
      if (renaming.get(session) == done) {
        renaming.remove(session);
      }
    }));
  }

  private Future<Reply> renameNow(SessionCommand.Rename rename) {
    Member m = session(rename.session());
    nameChecks.user(rename.name());
    String oldName = m.name();
    if (oldName.equals(rename.name())) {
      return Future.succeededFuture(new Reply.Renamed(oldName));
    }
    String key = Names.nameKey(rename.name());
    String oldKey = Names.nameKey(oldName);
    if (held(rename.name(), m.session())) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + rename.name() + " is taken");
    }
    if (!peers.quorate()) {
      throw new Refusal(ErrorCode.RETRY, peers.noQuorum());
    }
    takingByRename.put(m.session(), key);
    return registry.claim(key, membership.self(), m.session())
      .andThen(ar -> takingByRename.remove(m.session(), key))
      .recover(err -> Future.failedFuture(new Refusal(ErrorCode.RETRY, "the names cannot be checked right now; try again")))
      .compose(claimed -> {
        Member now = directory.session(m.session());
        if (!claimed || held(rename.name(), m.session())) {
          if (claimed) {
            registry.release(key, membership.self(), m.session());
          }
          throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + rename.name() + " is taken");
        }
        if (now == null) {
          registry.release(key, membership.self(), m.session());
          throw new Refusal(ErrorCode.NOT_LOGGED_IN, "the session has ended");
        }
        peers.changed(now.named(rename.name()));
        for (String room : now.rooms()) {
          owner.run(new RoomCommand.RenameIn(room, now.session(), now.name(), rename.name(), now.origin(), false), null);
        }
        outbox.added();
        // The old name is free once the answer comes: someone may take it at once.
        Future<Void> freed = key.equals(oldKey) ? Future.succeededFuture() : registry.release(oldKey, membership.self(), m.session());
        return freed.<Reply>map(v -> new Reply.Renamed(rename.name()))
          .otherwise(err -> {
            log.warn("the name {} may stay taken: {}", oldName, err.getMessage());
            return new Reply.Renamed(rename.name());
          });
      });
  }

  /**
   * Whether a session of this node holds {@code name}. Only the registry knows for certain who holds a
   * name in the network: the directory may not have heard yet of another node's latest rename or logout.
   */
  /**
   * Whether a session other than {@code session} holds {@code name}, as the routers have told each other:
   * what the shared registry says is checked against this, since anyone in Hazelcast can write to it.
   */
  private boolean held(String name, long session) {
    Member holder = directory.byName(name);
    return holder != null && holder.session() != session;
  }

  private void disconnect(SessionCommand.Disconnect d) {
    if (loggingIn.remove(d.session()) != null) {
      return;
    }
    Member m = directory.session(d.session());
    if (m == null || !m.node().equals(node)) {
      return;
    }
    peers.ended(m.session());
    registry.release(Names.nameKey(m.name()), membership.self(), m.session());
    for (String room : m.rooms()) {
      owner.run(new RoomCommand.Exit(room, m.session(), m.name(), m.origin(), d.reason(), true, false), null);
    }
  }

  /** One of this node's sessions. */
  private Member session(long id) {
    Member m = directory.session(id);
    if (m == null || !m.node().equals(node)) {
      throw new Refusal(ErrorCode.NOT_LOGGED_IN, "log in first");
    }
    return m;
  }

  /** The normalized name of a valid room, or a refusal. */
  static String room(String input) {
    String room = Names.room(input);
    if (room == null) {
      throw new Refusal(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(input));
    }
    return room;
  }
}
