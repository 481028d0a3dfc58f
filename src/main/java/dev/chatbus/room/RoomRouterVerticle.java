package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.Command;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The room router: the one ordering point of a node's rooms. Single instance, event-loop threaded; its
 * state is touched only by its own consumer.
 * <p>
 * Consumes {@link Command}s on {@link Addresses#router}, in arrival order, and answers each with a
 * {@link Reply} or a failure carrying an {@link ErrorCode}. Owns the name registry, room membership,
 * message ids and per-room sequence numbers. Publishes every {@link RoomEvent} of a room on
 * {@link Addresses#room}, in sequence order, and sends {@link PrivateMessage}s to the recipient's edge.
 * Every event goes to the persistence worker too ({@link Outbox}); live delivery never waits for it, but
 * a durable acknowledgement does. History requests go to the worker after the events before them.
 * <p>
 * At start it loads each room's latest stored sequence number, so numbering continues across restarts.
 * {@code stop()} runs after the edges have stopped: it sends the last batch and completes once the
 * worker has taken it.
 */
public final class RoomRouterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RoomRouterVerticle.class);

  private final String node;
  private final ChatbusConfig.Rooms config;
  private final ChatbusConfig.Persistence persistence;
  private final MessageIds ids;
  private final Map<Long, Session> sessions = new HashMap<>();
  private final Map<String, Session> byName = new HashMap<>();
  private final Map<String, Room> rooms = new HashMap<>();
  /** The latest sequence number of each room without members, so that a room never numbers an event twice. */
  private final Map<String, Long> idleSeqs = new HashMap<>();
  /** Where the numbering of a room the store has never seen starts. */
  private long newRoomSeq;
  private EventBus bus;
  private Outbox outbox;

  /**
   * @param nodeTag the bits that keep this node's message ids apart from other nodes'
   */
  public RoomRouterVerticle(String node, ChatbusConfig.Rooms config, ChatbusConfig.Persistence persistence, int nodeTag) {
    this.node = node;
    this.config = config;
    this.persistence = persistence;
    this.ids = new MessageIds(nodeTag);
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    outbox = new Outbox(vertx, node, persistence);
    Future<Void> seqs = outbox.storing()
      ? bus.<Persist.Seqs>request(Addresses.persist(node), new Persist.LastSeqs())
        .map(reply -> {
          idleSeqs.putAll(reply.body().byRoom());
          newRoomSeq = reply.body().others();
          return null;
        })
      : Future.succeededFuture();
    return seqs.compose(v -> bus.consumer(Addresses.router(node), this::onCommand).completion());
  }

  @Override
  public Future<?> stop() {
    return outbox.drain().recover(err -> {
      log.warn("the last events may not have reached the store: {}", err.getMessage());
      return Future.succeededFuture();
    });
  }

  private void onCommand(Message<Command> msg) {
    Command cmd = msg.body();
    try {
      Reply reply = handle(cmd, msg);
      if (reply != null && msg.replyAddress() != null) {
        msg.reply(reply);
      }
    } catch (Refusal r) {
      refuse(cmd, msg, r);
    } catch (RuntimeException e) {
      log.error("router failed on {}", cmd, e);
      msg.fail(ErrorCode.INTERNAL.code(), "internal error");
    } finally {
      outbox.added();
    }
  }

  /**
   * Turns {@code cmd} down: as the answer to a request, or, for a command sent without waiting for one, as
   * a {@link Reply.Refused} to the session's edge (a session the router does not know has gone anyway).
   */
  private void refuse(Command cmd, Message<Command> msg, Refusal r) {
    if (msg.replyAddress() != null) {
      msg.fail(r.code.code(), r.getMessage());
    } else if (cmd instanceof Command.Say) {
      Session s = sessions.get(((Command.Say) cmd).session());
      if (s != null) {
        bus.send(s.edge, new Reply.Refused(s.id, r.code.code(), r.getMessage()));
      }
    }
  }

  /** Carries out {@code cmd}; returns the reply, or null when there is none or it comes later. */
  private Reply handle(Command cmd, Message<Command> msg) {
    if (cmd instanceof Command.Say) {
      return say((Command.Say) cmd, msg);
    } else if (cmd instanceof Command.Tell) {
      return tell((Command.Tell) cmd, msg);
    } else if (cmd instanceof Command.Persisted) {
      Command.Persisted p = (Command.Persisted) cmd;
      outbox.persisted(p.batch(), p.stored());
      return null;
    } else if (cmd instanceof Command.History) {
      history((Command.History) cmd, msg);
      return null;
    } else if (cmd instanceof Command.Login) {
      return login((Command.Login) cmd);
    } else if (cmd instanceof Command.Join) {
      return join((Command.Join) cmd);
    } else if (cmd instanceof Command.Leave) {
      return leave((Command.Leave) cmd);
    } else if (cmd instanceof Command.Rename) {
      return rename((Command.Rename) cmd);
    } else if (cmd instanceof Command.Who) {
      return who((Command.Who) cmd);
    } else if (cmd instanceof Command.ListRooms) {
      return listRooms();
    } else if (cmd instanceof Command.Disconnect) {
      disconnect((Command.Disconnect) cmd);
      return null;
    }
    throw new IllegalArgumentException("unknown command " + cmd);
  }

  private Reply login(Command.Login login) {
    String problem = Names.nameProblem(login.name());
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, "invalid name: " + problem);
    }
    String room = room(login.room());
    if (sessions.containsKey(login.session())) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "already logged in");
    }
    String key = Names.nameKey(login.name());
    if (byName.containsKey(key)) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + login.name() + " is taken");
    }
    Session s = new Session(login.session(), login.name(), login.edge(), login.remote());
    sessions.put(s.id, s);
    byName.put(key, s);
    return new Reply.LoggedIn(s.name, enter(s, room));
  }

  private Reply join(Command.Join join) {
    Session s = session(join.session());
    String room = room(join.room());
    Room existing = rooms.get(room);
    if (existing != null && existing.members.containsKey(s.id)) {
      return joined(existing, existing.seq());
    }
    String from = join.leave() == null ? null : room(join.leave());
    if (from == null && s.rooms.size() >= config.maxPerClient()) {
      throw new Refusal(ErrorCode.TOO_MANY_ROOMS, "you are in " + config.maxPerClient() + " rooms already");
    }
    if (from != null && s.rooms.contains(from)) {
      exit(s, from, null);
    }
    return enter(s, room);
  }

  private Reply leave(Command.Leave leave) {
    Session s = session(leave.session());
    String room = room(leave.room());
    if (!s.rooms.contains(room)) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + room);
    }
    exit(s, room, null);
    return new Reply.Left(room);
  }

  private Reply say(Command.Say say, Message<Command> msg) {
    Session s = session(say.session());
    Room room = rooms.get(say.room());
    if (room == null || !room.members.containsKey(s.id)) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + say.room());
    }
    RoomEvent e = publish(room, say.action() ? RoomEvent.Kind.ACTION : RoomEvent.Kind.MESSAGE, s, say.text());
    return acknowledge(msg, new Reply.Accepted(e.id(), e.seq(), e.ts()), say.durable());
  }

  private Reply tell(Command.Tell tell, Message<Command> msg) {
    Session s = session(tell.session());
    Session to = byName.get(Names.nameKey(tell.to()));
    if (to == null) {
      throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + tell.to());
    }
    long now = System.currentTimeMillis();
    PrivateMessage pm = new PrivateMessage(to.id, to.name, s.id, s.name, tell.text(), tell.action(), ids.next(now), now);
    bus.send(to.edge, pm);
    outbox.add(pm);
    return acknowledge(msg, new Reply.Accepted(pm.id(), 0, now), tell.durable());
  }

  /** The reply now, or (durable) once what it acknowledges is stored. */
  private Reply acknowledge(Message<Command> msg, Reply.Accepted accepted, boolean durable) {
    if (!durable) {
      return accepted;
    }
    outbox.ackWhenStored(msg, accepted);
    return null;
  }

  /** Asks the worker, after every event before this request, and answers with what it finds. */
  private void history(Command.History h, Message<Command> msg) {
    session(h.session());
    String name = room(h.room());
    Room room = rooms.get(name);
    long lastSeq = room != null ? room.seq() : idleSeqs.getOrDefault(name, 0L);
    if (!outbox.storing()) {
      msg.reply(new Reply.History(name, List.of(), lastSeq == 0));
      return;
    }
    outbox.flush();
    bus.<Reply>request(Addresses.persist(node), new Persist.Query(name, h.limit(), h.afterSeq(), h.beforeSeq(),
        h.messagesOnly(), lastSeq))
      .onSuccess(answer -> msg.reply(answer.body()))
      .onFailure(err -> msg.fail(ErrorCode.INTERNAL.code(), "the history is not available right now"));
  }

  private Reply rename(Command.Rename rename) {
    Session s = session(rename.session());
    String problem = Names.nameProblem(rename.name());
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, "invalid name: " + problem);
    }
    String oldName = s.name;
    if (oldName.equals(rename.name())) {
      return new Reply.Renamed(oldName);
    }
    String key = Names.nameKey(rename.name());
    Session holder = byName.get(key);
    if (holder != null && holder != s) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + rename.name() + " is taken");
    }
    byName.remove(Names.nameKey(oldName));
    byName.put(key, s);
    s.name = rename.name();
    for (String r : s.rooms) {
      Room room = rooms.get(r);
      if (announced(room)) {
        publish(room, RoomEvent.Kind.RENAME, s, oldName, s.name);
      }
    }
    return new Reply.Renamed(s.name);
  }

  private Reply who(Command.Who who) {
    String name = room(who.room());
    Room room = rooms.get(name);
    if (room == null) {
      throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no one is in #" + name);
    }
    return new Reply.Members(name, room.members.size(), room.memberNames(Reply.LIST_LIMIT));
  }

  private Reply listRooms() {
    List<Reply.RoomInfo> list = new ArrayList<>(rooms.size());
    for (Room r : rooms.values()) {
      list.add(new Reply.RoomInfo(r.name, r.members.size()));
    }
    list.sort(Comparator.comparing(Reply.RoomInfo::name));
    return new Reply.RoomList(list);
  }

  private void disconnect(Command.Disconnect d) {
    Session s = sessions.remove(d.session());
    if (s == null) {
      return;
    }
    byName.remove(Names.nameKey(s.name));
    for (String room : new ArrayList<>(s.rooms)) {
      exit(s, room, d.reason());
    }
  }

  private Reply.Joined enter(Session s, String name) {
    Room room = rooms.computeIfAbsent(name, n -> {
      Long seq = idleSeqs.remove(n);
      return new Room(n, seq == null ? newRoomSeq : seq);
    });
    room.members.put(s.id, s);
    s.rooms.add(name);
    long seq = announced(room) ? publish(room, RoomEvent.Kind.JOIN, s, null).seq() : room.seq();
    return joined(room, seq);
  }

  /**
   * True if joins, leaves and renames in {@code room} (counting the member who comes or goes) are room
   * events. In a larger room they would be most of the traffic, and everyone logging in at once would cost
   * the square of the room's size; its members ask {@code who} instead.
   */
  private boolean announced(Room room) {
    return room.members.size() <= config.announceUpTo();
  }

  private static Reply.Joined joined(Room room, long seq) {
    return new Reply.Joined(room.name, seq, room.members.size(), room.memberNames(Reply.LIST_LIMIT));
  }

  private void exit(Session s, String name, String reason) {
    Room room = rooms.get(name);
    boolean announce = announced(room);
    room.members.remove(s.id);
    s.rooms.remove(name);
    if (announce) {
      publish(room, RoomEvent.Kind.LEAVE, s, reason);
    }
    if (room.members.isEmpty()) {
      rooms.remove(name);
      idleSeqs.put(name, room.seq());
    }
  }

  private RoomEvent publish(Room room, RoomEvent.Kind kind, Session s, String text) {
    return publish(room, kind, s, s.name, text);
  }

  private RoomEvent publish(Room room, RoomEvent.Kind kind, Session s, String from, String text) {
    long now = System.currentTimeMillis();
    RoomEvent e = new RoomEvent(kind, room.name, room.nextSeq(), ids.next(now), now, s.id, from, text);
    bus.publish(Addresses.room(room.name), e);
    outbox.add(e);
    return e;
  }

  private Session session(long id) {
    Session s = sessions.get(id);
    if (s == null) {
      throw new Refusal(ErrorCode.NOT_LOGGED_IN, "log in first");
    }
    return s;
  }

  private static String room(String input) {
    String room = Names.room(input);
    if (room == null) {
      throw new Refusal(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(input));
    }
    return room;
  }

  /** A command the router turns down, with what to tell the user. */
  private static final class Refusal extends RuntimeException {
    final ErrorCode code;

    Refusal(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
