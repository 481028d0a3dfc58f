package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.Command;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.cluster.Membership;
import dev.chatbus.cluster.NameRegistry;
import dev.chatbus.cluster.Ring;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.persist.HistoryPage;
import dev.chatbus.protocol.JsonCodec;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The room router of a node: the home of the node's sessions, and the one ordering point of the rooms
 * the node owns. Single instance, event-loop threaded; its state is touched only by its own consumer.
 * <p>
 * Consumes {@link Command}s on {@link Addresses#router}, in arrival order, and answers each with a
 * {@link Reply} or a failure carrying an {@link ErrorCode}.
 * <ul>
 *   <li><b>Home.</b> The node's edges send their clients' commands here. The router registers names (in
 *   the cluster's {@link NameRegistry} when clustered), keeps its sessions' rooms, tells every other
 *   router of each change ({@link Command.Update}, {@link Command.Gone}), sends private messages to the
 *   recipient's edge, and passes what concerns a room to the room's owner. It answers {@code who} and
 *   {@code rooms} from its {@link Directory} of the whole network.</li>
 *   <li><b>Owner.</b> Each room is owned by one router of the network ({@link Ring}). The owner gives
 *   the room's events their ids, epoch and sequence numbers, publishes them on {@link Addresses#room}
 *   and hands them to its persistence worker ({@link Outbox}): every member on every node sees one
 *   order. Before numbering a room it takes the numbering up ({@link Command.Release} to every other
 *   router, and a {@link Persist.Claim} of a new epoch in the store, or, for a room it set aside itself
 *   for want of use, a {@link Persist.Look} at where the store says it got to in its epoch). A room no
 *   one is in and no one has used for {@code rooms.evictAfter} leaves its memory.</li>
 * </ul>
 * A router joining the network says {@link Command.Hello} to the others, which answer with their
 * sessions. When a node leaves (a {@link Command.Bye}, or Hazelcast finds it dead), its rooms move to
 * their new owners, and the owners of its users' rooms announce that they left.
 * <p>
 * {@code stop()} runs after the edges have stopped: it says goodbye to the other routers, sends the last
 * batch and completes once the worker has taken it.
 */
public final class RoomRouterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RoomRouterVerticle.class);
  /** How long a router waits for another to answer a hello or a release: it is alive, or it is skipped. */
  private static final DeliveryOptions PEER = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(5).toMillis());
  /** A durable acknowledgement waits for the store, so a forwarded one waits as long as the edge does. */
  private static final DeliveryOptions DURABLE = new DeliveryOptions().setSendTimeout(Duration.ofHours(1).toMillis());
  private static final DeliveryOptions PROMPT = new DeliveryOptions();
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** How long a command passed on to the wrong router waits before it is routed again. */
  private static final long RETRY_MILLIS = 200;
  /** How long a join answered late waits before its room is tried again, when it could not be taken up. */
  private static final long RETRY_ENTER_MILLIS = 1_000;

  private final String node;
  private final ChatbusConfig.Rooms config;
  private final ChatbusConfig.Naming naming;
  private final ChatbusConfig.Persistence persistence;
  private final ChatbusConfig.History history;
  private final NodeMetrics metrics;
  /** This run of this router, recorded with the epochs it claims (see {@link #open}). */
  private final String run;
  private final Duration discoverEvery;
  private final Duration grace;
  private final MessageIds ids;
  private final Directory directory = new Directory();
  /** The rooms this router numbers. */
  private final Map<String, OwnedRoom> held = new HashMap<>();
  /** Rooms whose numbering is being taken up, with the commands waiting for it. */
  private final Map<String, Future<OwnedRoom>> opening = new HashMap<>();
  /** The last rename of each session still under way, for the next to wait for. */
  private final Map<Long, Future<Reply>> renaming = new HashMap<>();
  /** Sessions whose login waits for the name registry. */
  private final Map<Long, String> loggingIn = new HashMap<>();
  /** The cluster node id of each router in the ring, by node name. */
  private final Map<String, String> clusterIds = new HashMap<>();
  /** Where stopped routers got to in the rooms they numbered, for whoever takes each up next. */
  private final Map<String, Command.Handover> handedOver = new HashMap<>();
  /** The cluster node ids of routers that said goodbye: a late hello from one of them is not a new router. */
  private final Map<String, String> departed = new HashMap<>();
  /** Requests to other routers, by router, to be failed if it goes before answering. */
  private final Map<String, Map<Long, Promise<Reply>>> passedOn = new HashMap<>();
  /** Rooms this router is taking up that another router, first in name order, takes up at the same time. */
  private final Set<String> yielded = new HashSet<>();
  /**
   * Rooms this router handed to another while writing to the store failed: the other may number them from
   * the handover without recording a new epoch, so the store may still show this run's epoch for them;
   * they are claimed anew, never taken up again in that epoch. (With the store up, the other's claim
   * records its own epoch.)
   */
  private final Set<String> handedAway = new HashSet<>();
  /** How many rooms no one was in the clients of each address may still bring up. */
  private final RoomQuotas quotas;
  private long evictTimer = -1;
  private long passedOnCount;
  /** The address of each node's deliveries, made once. */
  private final Map<String, String> deliverTo = new HashMap<>();
  /** Completes, while stopping, once nothing asked of other routers waits for an answer. */
  private Promise<Void> allAnswered;
  /** Stopping: this router numbers no room any more, and passes room commands on. */
  private boolean leaving;
  private Ring ring;
  /** The version of this node's sessions in the directory: one more with each change told to the others. */
  private long version;
  private EventBus bus;
  private Outbox outbox;
  private Readers readers;
  private Membership membership;
  private NameRegistry names;
  private AsyncMap<String, String> routers;
  private long discoverTimer = -1;

  /**
   * @param nodeTag the bits that keep this node's message ids apart from other nodes'
   */
  public RoomRouterVerticle(ChatbusConfig.Router config, int nodeTag, NodeMetrics metrics) {
    this.node = config.node();
    this.config = config.rooms();
    this.naming = config.naming();
    this.persistence = config.persistence();
    this.history = config.history();
    this.metrics = metrics;
    this.quotas = new RoomQuotas(config.rooms().maxCreatedPerMinute(), config.limits().spared());
    this.run = node + "/" + Long.toHexString(System.currentTimeMillis()) + "." + Integer.toHexString(nodeTag);
    this.discoverEvery = config.discoverEvery();
    this.grace = config.grace();
    this.ids = new MessageIds(nodeTag);
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    outbox = new Outbox(vertx, node, persistence);
    readers = new Readers(bus, node, persistence.readers(), persistence.maxWaitingReads(), metrics::storeUp);
    membership = Membership.of(vertx);
    ring = Ring.of(node);
    clusterIds.put(node, membership.self());
    directory.replace(node, 0, List.of());
    Future<?> ready = NameRegistry.of(vertx, membership)
      .compose(n -> {
        names = n;
        return Future.all(bus.consumer(Addresses.router(node), this::onCommand).completion(),
          bus.<RoomEvent>consumer(Addresses.deliver(node), msg -> bus.publish(Addresses.room(msg.body().room()), msg.body(), LOCAL))
            .completion());
      });
    long every = Math.max(10, Math.min(10_000, config.evictAfter().toMillis() / 4));
    evictTimer = vertx.setPeriodic(every, id -> evictIdle());
    return vertx.isClustered() ? ready.compose(v -> joinNetwork()) : ready;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictTimer);
    if (discoverTimer >= 0) {
      vertx.cancelTimer(discoverTimer);
    }
    Future<?> unlisted = routers == null ? Future.succeededFuture() : routers.removeIfPresent(node, membership.self());
    return unlisted.transform(ar -> {
      // The rooms go to their next owners with where their numbering got to, so it goes on without a gap
      // or a number given twice, whether or not the store has caught up; commands for them that still come
      // here are passed on.
      leaving = true;
      if (ring.size() > 1) {
        List<Command.Handover> rooms = new ArrayList<>();
        held.values().forEach(r -> rooms.add(r.handover()));
        held.clear();
        tellOthers(new Command.Bye(node, rooms));
      }
      return allAnswered().transform(v -> outbox.drain(grace));
    }).recover(err -> {
      log.warn("the last events may not have reached the store: {}", err.getMessage());
      return Future.succeededFuture();
    });
  }

  // ----- the network of routers

  /**
   * Lists this router under its node name (which must not be a running node's) and meets every router
   * listed; then keeps looking, in case one was starting while this one looked.
   */
  private Future<?> joinNetwork() {
    membership.onLeft(() -> context.runOnContext(v -> nodesLeft()));
    String self = membership.self();
    return vertx.sharedData().<String, String>getAsyncMap("chatbus.routers")
      .compose(map -> {
        routers = map;
        return map.putIfAbsent(node, self);
      })
      .compose(previous -> {
        if (previous == null || previous.equals(self)) {
          return Future.succeededFuture(true);
        }
        return membership.alive(previous) ? Future.succeededFuture(false) : routers.replaceIfPresent(node, previous, self);
      })
      .compose(listed -> listed ? discover()
        : Future.failedFuture("the node name " + node + " is taken by a running node; give every node its own nodeName"))
      .onSuccess(v -> discoverTimer = vertx.setPeriodic(discoverEvery.toMillis(), id -> discover()
        .onFailure(err -> log.warn("looking for other routers failed: {}", err.getMessage()))));
  }

  /** Says hello to every listed router not met yet; completes when each has answered or failed to. */
  private Future<?> discover() {
    return routers.entries().compose(listed -> {
      List<Future<?>> hellos = new ArrayList<>();
      listed.forEach((name, clusterId) -> {
        if (name.equals(node) || ring.contains(name)) {
          return;
        }
        if (membership.alive(clusterId)) {
          hellos.add(hello(name));
        } else {
          routers.removeIfPresent(name, clusterId);
        }
      });
      return Future.join(hellos);
    });
  }

  private Future<?> hello(String other) {
    return bus.<Reply>request(Addresses.router(other), new Command.Hello(ownDirectory()), PEER)
      .onSuccess(answer -> met((Reply.Directory) answer.body()))
      .onFailure(err -> log.debug("router {} did not answer hello: {}", other, err.getMessage()));
  }

  private Reply onHello(Command.Hello h) {
    if (leaving) {
      throw new Refusal(ErrorCode.SHUTTING_DOWN, node + " is stopping");
    }
    met(h.sender());
    return ownDirectory();
  }

  /** This node's sessions, as of now. */
  private Reply.Directory ownDirectory() {
    return new Reply.Directory(node, membership.self(), version, directory.sessionsOf(node));
  }

  /** Another router is up, with these sessions: it takes its share of the rooms from now on. */
  private void met(Reply.Directory d) {
    String other = d.node();
    String clusterId = d.clusterId();
    if (!membership.alive(clusterId) || clusterId.equals(departed.get(other)) || leaving) {
      return;
    }
    String known = clusterIds.get(other);
    if (known != null && !known.equals(clusterId)) {
      // The node restarted under its name before its old self was found dead: its old users are gone.
      removeNode(other, "connection lost: " + other + " restarted");
    }
    boolean isNew = !ring.contains(other);
    clusterIds.put(other, clusterId);
    ring = ring.with(other);
    directory.replace(other, d.version(), d.sessions());
    if (isNew) {
      log.info("router {} joined: the network is {}", other, ring);
    }
  }

  /** Hazelcast has found a node gone: whichever routers ran there have gone with it. */
  private void nodesLeft() {
    for (String other : ring.nodes()) {
      if (!other.equals(node) && !membership.alive(clusterIds.get(other))) {
        removeNode(other, "connection lost: " + other + " left the network");
      }
    }
    // A router that said goodbye still answers what it was asked, until its node leaves.
    for (Map.Entry<String, String> d : new ArrayList<>(departed.entrySet())) {
      if (!membership.alive(d.getValue())) {
        failRequestsTo(d.getKey());
        departed.remove(d.getKey());
      }
    }
  }

  /**
   * {@code other} has gone: its rooms move to their new owners (each taken up when next used), requests
   * passed on to it fail, and its users leave every room, announced by the rooms' owners: this router for
   * the rooms it owns.
   */
  private void removeNode(String other, String reason) {
    if (!ring.contains(other)) {
      return;
    }
    ring = ring.without(other);
    clusterIds.remove(other);
    List<Member> gone = directory.drop(other);
    log.info("router {} left with {} users: the network is {}", other, gone.size(), ring);
    if (!departed.containsKey(other)) {
      failRequestsTo(other);
    }
    // First the members this router counted in its own rooms, then any the directory knew of besides.
    Map<String, Set<Long>> announced = new HashMap<>();
    for (OwnedRoom r : held.values()) {
      int before = r.size();
      Map<Long, String> dropped = r.dropNode(other);
      announced.put(r.name, dropped.keySet());
      // A room this router still numbers but no longer owns is announced by its owner when taken up.
      if (before <= config.announceUpTo() && owner(r.name).equals(node)) {
        dropped.forEach((session, name) -> publish(r, RoomEvent.Kind.LEAVE, session, name, reason));
      }
    }
    for (Member m : gone) {
      for (String room : m.rooms()) {
        if (!leaving && owner(room).equals(node) && !announced.getOrDefault(room, Set.of()).contains(m.session())) {
          toOwner(room, new Command.Exit(room, m.session(), m.name(), reason, true), true, null);
        }
      }
    }
    outbox.added();
  }

  /** Another router is stopping: where it got to in its rooms is kept for their next owners. */
  private void onBye(Command.Bye bye) {
    String clusterId = clusterIds.get(bye.node());
    if (clusterId != null) {
      departed.put(bye.node(), clusterId);
    }
    for (Command.Handover h : bye.rooms()) {
      handedOver.merge(h.room(), h, Command.Handover::later);
    }
    removeNode(bye.node(), "server shutting down");
  }

  /** A change of another node's sessions; a gap in its versions means one was missed, so all are asked for again. */
  private void onUpdate(String other, long otherVersion, Runnable apply) {
    if (!ring.contains(other)) {
      hello(other);
      return;
    }
    long known = directory.version(other);
    if (otherVersion <= known) {
      return;
    }
    apply.run();
    if (otherVersion != known + 1) {
      hello(other);
    }
  }

  /** Tells every other router that one of this node's sessions is new or has changed. */
  private void publish(Member m) {
    directory.put(node, ++version, m);
    tellOthers(new Command.Update(node, version, m));
  }

  private void tellOthers(Command c) {
    if (ring.size() > 1) {
      for (String other : ring.nodes()) {
        if (!other.equals(node)) {
          bus.send(Addresses.router(other), c);
        }
      }
    }
  }

  // ----- commands

  private void onCommand(Message<Command> msg) {
    Command cmd = msg.body();
    try {
      Reply reply = handle(cmd, msg);
      if (reply != null && msg.replyAddress() != null) {
        msg.reply(reply);
      }
    } catch (Refusal r) {
      refuse(cmd, msg, r.code(), r.getMessage());
    } catch (RuntimeException e) {
      log.error("router failed on {}", cmd, e);
      if (msg.replyAddress() != null) {
        msg.fail(ErrorCode.INTERNAL.code(), "internal error");
      }
    } finally {
      outbox.added();
    }
  }

  /**
   * Turns {@code cmd} down: as the answer to a request, or, for a message sent without waiting for one, as a
   * {@link Reply.Refused} to the sender's edge (a session the router does not know has gone anyway).
   */
  private void refuse(Command cmd, Message<Command> msg, ErrorCode code, String message) {
    if (msg != null && msg.replyAddress() != null) {
      msg.fail(code.code(), message);
      return;
    }
    long session = cmd instanceof Command.Say ? ((Command.Say) cmd).session()
      : cmd instanceof Command.Post ? ((Command.Post) cmd).session() : -1;
    Member m = directory.session(session);
    if (m != null) {
      bus.send(m.edge(), new Reply.Refused(m.session(), code.code(), message));
    }
  }

  /** Carries out {@code cmd}; returns the reply, or null when there is none or it comes later. */
  private Reply handle(Command cmd, Message<Command> msg) {
    if (cmd instanceof Command.Say) {
      say((Command.Say) cmd, msg);
    } else if (cmd instanceof Command.Post) {
      Command.Post p = (Command.Post) cmd;
      toOwner(p.room(), p, p.forwarded(), msg);
    } else if (cmd instanceof Command.Tell) {
      return tell((Command.Tell) cmd, msg);
    } else if (cmd instanceof Command.ServiceSay) {
      serviceSay((Command.ServiceSay) cmd, msg);
    } else if (cmd instanceof Command.ServiceTell) {
      return serviceTell((Command.ServiceTell) cmd, msg);
    } else if (cmd instanceof Command.Update) {
      Command.Update u = (Command.Update) cmd;
      onUpdate(u.node(), u.version(), () -> directory.put(u.node(), u.version(), u.member()));
    } else if (cmd instanceof Command.Gone) {
      Command.Gone g = (Command.Gone) cmd;
      onUpdate(g.node(), g.version(), () -> directory.remove(g.node(), g.version(), g.session()));
    } else if (cmd instanceof Command.History) {
      history((Command.History) cmd, msg);
    } else if (cmd instanceof Command.RoomHistory) {
      Command.RoomHistory h = (Command.RoomHistory) cmd;
      toOwner(h.room(), h, h.forwarded(), msg);
    } else if (cmd instanceof Command.Login) {
      login((Command.Login) cmd, msg);
    } else if (cmd instanceof Command.Join) {
      join((Command.Join) cmd, msg);
    } else if (cmd instanceof Command.Enter) {
      Command.Enter e = (Command.Enter) cmd;
      toOwner(e.room(), e, e.forwarded(), msg);
    } else if (cmd instanceof Command.Leave) {
      leave((Command.Leave) cmd, msg);
    } else if (cmd instanceof Command.Exit) {
      Command.Exit e = (Command.Exit) cmd;
      toOwner(e.room(), e, e.forwarded(), msg);
    } else if (cmd instanceof Command.Rename) {
      rename((Command.Rename) cmd, msg);
    } else if (cmd instanceof Command.RenameIn) {
      Command.RenameIn r = (Command.RenameIn) cmd;
      toOwner(r.room(), r, r.forwarded(), msg);
    } else if (cmd instanceof Command.Who) {
      return who((Command.Who) cmd);
    } else if (cmd instanceof Command.ListRooms) {
      return listRooms();
    } else if (cmd instanceof Command.Disconnect) {
      disconnect((Command.Disconnect) cmd);
    } else if (cmd instanceof Command.Hello) {
      return onHello((Command.Hello) cmd);
    } else if (cmd instanceof Command.Release) {
      release((Command.Release) cmd, msg);
    } else if (cmd instanceof Command.Bye) {
      onBye((Command.Bye) cmd);
    } else {
      throw new IllegalArgumentException("unknown command " + cmd);
    }
    return null;
  }

  // ----- as the home of the node's sessions

  private void login(Command.Login login, Message<Command> msg) {
    checkUserName(login.name());
    String room = room(login.room());
    if (directory.session(login.session()) != null || loggingIn.containsKey(login.session())) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "already logged in");
    }
    String key = Names.nameKey(login.name());
    if (heldHere(login.name())) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + login.name() + " is taken");
    }
    long session = login.session();
    loggingIn.put(session, login.name());
    names.claim(key, membership.self(), session).onComplete(claimed -> {
      boolean wanted = loggingIn.remove(session) != null;
      if (claimed.failed()) {
        log.warn("the name registry failed: {}", claimed.cause().getMessage());
        msg.fail(ErrorCode.INTERNAL.code(), "the names cannot be checked right now; try again");
      } else if (!claimed.result() || heldHere(login.name())) {
        if (claimed.result()) {
          names.release(key, membership.self(), session);
        }
        msg.fail(ErrorCode.NAME_TAKEN.code(), "the name " + login.name() + " is taken");
      } else if (!wanted) {
        names.release(key, membership.self(), session);
        msg.fail(ErrorCode.BAD_REQUEST.code(), "the session has ended");
      } else {
        Member m = new Member(session, login.name(), node, login.edge(), List.of());
        quotas.loggedIn(session, login.remote());
        publish(m);
        enterRoom(m, room, false).onComplete(joined -> {
          if (joined.succeeded()) {
            msg.reply(new Reply.LoggedIn(m.name(), joined.result()));
          } else {
            disconnect(new Command.Disconnect(session, "login failed"));
            fail(msg, joined.cause());
          }
        });
      }
    });
  }

  private void join(Command.Join join, Message<Command> msg) {
    Member m = session(join.session());
    String room = room(join.room());
    if (m.rooms().contains(room)) {
      reply(msg, enterRoom(m, room, true));
      return;
    }
    String from = join.leave() == null ? null : room(join.leave());
    if (from == null && m.rooms().size() >= config.maxPerClient()) {
      throw new Refusal(ErrorCode.TOO_MANY_ROOMS, "you are in " + config.maxPerClient() + " rooms already");
    }
    if (directory.count(room) == 0 && !room.equals(config.defaultRoom())) {
      quotas.take(m.session(), System.currentTimeMillis());
    }
    // In before out: a text client whose switch fails stays where it was.
    reply(msg, enterRoom(m, room, false).andThen(entered -> {
      Member now = directory.session(m.session());
      if (entered.succeeded() && from != null && now != null && now.rooms().contains(from)) {
        exitRoom(now, from, null).onFailure(err -> log.warn("leaving #{} failed: {}", from, err.getMessage()));
      }
    }));
  }

  private void leave(Command.Leave leave, Message<Command> msg) {
    Member m = session(leave.session());
    String room = room(leave.room());
    if (!m.rooms().contains(room)) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + room);
    }
    reply(msg, exitRoom(m, room, null).map(v -> new Reply.Left(room)));
  }

  /** Enters {@code room} at its owner, and (unless {@code again}) counts the session in once it has. */
  private Future<Reply.Joined> enterRoom(Member m, String room, boolean again) {
    return askOwner(room, new Command.Enter(room, m, again, false)).map(r -> {
      Reply.Joined joined = (Reply.Joined) r;
      Member now = directory.session(m.session());
      if (now == null) {
        // Gone while entering: the owner has counted it in, so it is counted out again.
        toOwner(room, new Command.Exit(room, m.session(), m.name(), null, false), false, null);
        throw new Refusal(ErrorCode.NOT_LOGGED_IN, "the session has ended");
      }
      if (!again) {
        publish(now.in(room, true));
      }
      return joined;
    }).andThen(ar -> outbox.added());
  }

  /** Counts the session out of {@code room} here and everywhere, then has the owner announce it. */
  private Future<Reply> exitRoom(Member m, String room, String reason) {
    publish(m.in(room, false));
    return askOwner(room, new Command.Exit(room, m.session(), m.name(), reason, false));
  }

  private void say(Command.Say say, Message<Command> msg) {
    Member m = session(say.session());
    if (!m.rooms().contains(say.room())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + say.room());
    }
    toOwner(say.room(), new Command.Post(say.room(), m.session(), m.name(), say.text(), say.action(), say.durable(), false),
      false, msg);
  }

  private Reply tell(Command.Tell tell, Message<Command> msg) {
    Member s = session(tell.session());
    return privately(s.session(), s.name(), tell.to(), tell.text(), tell.action(), tell.durable(), msg);
  }

  private Reply privately(long fromSession, String from, String toName, String text, boolean action, boolean durable,
                          Message<Command> msg) {
    Member to = directory.byName(toName);
    if (to == null) {
      throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + toName);
    }
    long now = System.currentTimeMillis();
    PrivateMessage pm = new PrivateMessage(to.session(), to.name(), fromSession, from, text, action, ids.next(now), now);
    bus.send(to.edge(), pm);
    outbox.add(pm);
    return acknowledge(msg, new Reply.Accepted(pm.id(), 0, now), durable);
  }

  private void serviceSay(Command.ServiceSay say, Message<Command> msg) {
    String room = room(say.room());
    checkService(say.service());
    toOwner(room, new Command.Post(room, RoomEvent.SERVICE, say.service(), say.text(), say.action(), say.durable(), false),
      false, msg);
  }

  private Reply serviceTell(Command.ServiceTell tell, Message<Command> msg) {
    checkService(tell.service());
    return privately(RoomEvent.SERVICE, tell.service(), tell.to(), tell.text(), tell.action(), tell.durable(), msg);
  }

  /** A user's name is valid, and neither reserved nor a service's. */
  private void checkUserName(String name) {
    String problem = Names.nameProblem(name);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, "invalid name: " + problem);
    }
    problem = naming.userProblem(name);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, problem);
    }
  }

  /**
   * A service speaks under a valid name that is not reserved, is one of the service names when those are
   * listed, and that no user in the network holds, so it cannot pass for one.
   */
  private void checkService(String service) {
    String problem = Names.nameProblem(service);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, "invalid service name: " + problem);
    }
    problem = naming.serviceProblem(service);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, problem);
    }
    if (directory.byName(service) != null) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "a user is called " + service);
    }
  }

  private void history(Command.History h, Message<Command> msg) {
    session(h.session());
    String room = room(h.room());
    toOwner(room, new Command.RoomHistory(room, h.limit(), h.afterSeq(), h.beforeSeq(), h.messagesOnly(), false), false, msg);
  }

  /** Renames one after another per session: each is checked against the name the one before left. */
  private void rename(Command.Rename rename, Message<Command> msg) {
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
    reply(msg, done.andThen(ar -> {
      if (renaming.get(session) == done) {
        renaming.remove(session);
      }
    }));
  }

  private Future<Reply> renameNow(Command.Rename rename) {
    Member m = session(rename.session());
    checkUserName(rename.name());
    String oldName = m.name();
    if (oldName.equals(rename.name())) {
      return Future.succeededFuture(new Reply.Renamed(oldName));
    }
    String key = Names.nameKey(rename.name());
    String oldKey = Names.nameKey(oldName);
    Member holder = directory.byName(rename.name());
    if (holder != null && holder.session() != m.session() && holder.node().equals(node)) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + rename.name() + " is taken");
    }
    return names.claim(key, membership.self(), m.session())
      .recover(err -> Future.failedFuture(new Refusal(ErrorCode.INTERNAL, "the names cannot be checked right now; try again")))
      .compose(claimed -> {
        Member now = directory.session(m.session());
        Member other = directory.byName(rename.name());
        if (!claimed || (other != null && other.session() != m.session() && other.node().equals(node))) {
          if (claimed) {
            names.release(key, membership.self(), m.session());
          }
          throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + rename.name() + " is taken");
        }
        if (now == null) {
          names.release(key, membership.self(), m.session());
          throw new Refusal(ErrorCode.NOT_LOGGED_IN, "the session has ended");
        }
        publish(now.named(rename.name()));
        for (String room : now.rooms()) {
          toOwner(room, new Command.RenameIn(room, now.session(), now.name(), rename.name(), false), false, null);
        }
        outbox.added();
        // The old name is free once the answer comes: someone may take it at once.
        Future<Void> freed = key.equals(oldKey) ? Future.succeededFuture() : names.release(oldKey, membership.self(), m.session());
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
  private boolean heldHere(String name) {
    Member holder = directory.byName(name);
    return holder != null && holder.node().equals(node);
  }

  private Reply who(Command.Who who) {
    String room = room(who.room());
    int count = directory.count(room);
    if (count == 0) {
      throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no one is in #" + room);
    }
    return new Reply.Members(room, count, names(room, Reply.LIST_LIMIT, null));
  }

  private Reply listRooms() {
    List<Reply.RoomInfo> list = new ArrayList<>();
    directory.roomSizes().forEach((room, size) -> list.add(new Reply.RoomInfo(room, size)));
    list.sort(Comparator.comparing(Reply.RoomInfo::name));
    return new Reply.RoomList(list);
  }

  private void disconnect(Command.Disconnect d) {
    if (loggingIn.remove(d.session()) != null) {
      return;
    }
    Member m = directory.session(d.session());
    if (m == null || !m.node().equals(node)) {
      return;
    }
    directory.remove(node, ++version, m.session());
    quotas.gone(m.session());
    tellOthers(new Command.Gone(node, version, m.session()));
    names.release(Names.nameKey(m.name()), membership.self(), m.session());
    for (String room : m.rooms()) {
      toOwner(room, new Command.Exit(room, m.session(), m.name(), d.reason(), false), false, null);
    }
  }

  // ----- as the owner of rooms

  /**
   * Runs a room command at the room's owner: here when this router owns the room (or the command was
   * passed on to it already), else at the owner's router, answering {@code msg} (if any) with its answer.
   */
  private void toOwner(String room, Command op, boolean forwarded, Message<Command> msg) {
    String owner = owner(room);
    OwnedRoom r = held.get(room);
    if (!owner.equals(node)) {
      if (!forwarded || leaving) {
        forward(owner, op, msg);
        return;
      }
      if (r == null) {
        // Passed on here by a router that sees another network than this one: the two agree soon. What no
        // one waits for an answer to is tried again, as if it came from this node's own clients.
        if (msg == null || msg.replyAddress() == null) {
          vertx.setTimer(RETRY_MILLIS, id -> {
            toOwner(room, forwarded(op, false), false, null);
            outbox.added();
          });
        } else {
          refuse(op, msg, ErrorCode.INTERNAL, "the network is changing; try again");
        }
        return;
      }
    }
    if (r != null) {
      apply(op, r, msg);
      return;
    }
    if (op instanceof Command.RoomHistory && !opening.containsKey(room)) {
      // Reading a room's history does not take its numbering up.
      roomHistory(room, -1, (Command.RoomHistory) op, msg);
      return;
    }
    BooleanSupplier answeredLate = answerLateIfSlow(op, msg);
    open(room).onComplete(ar -> {
      Message<Command> waiting = answeredLate.getAsBoolean() ? null : msg;
      try {
        if (ar.succeeded()) {
          apply(op, ar.result(), waiting);
        } else if (!owner(room).equals(node)) {
          // The room has gone to another router meanwhile.
          forward(owner(room), op, waiting);
        } else if (op instanceof Command.Enter e && waiting == null) {
          // Its client went in, answered late: the join is carried out once the room can be taken up.
          retryEnter(e);
        } else {
          if (waiting == null || waiting.replyAddress() == null) {
            log.warn("#{} cannot be opened, so {} is dropped: {}", room, op.getClass().getSimpleName(),
              ar.cause().getMessage());
          }
          refuse(op, waiting, ErrorCode.INTERNAL, "#" + room + " cannot be opened right now; try again");
        }
      } catch (Refusal refusal) {
        refuse(op, waiting, refusal.code(), refusal.getMessage());
      } finally {
        outbox.added();
      }
    });
  }

  /**
   * Sees that an {@link Command.Enter} waiting for its room to be taken up is answered within
   * {@code history.replayTimeout}: past it, the client goes in at once ({@link #lateJoined}), and the join
   * is carried out when the room is up. Returns whether that happened, stopping the clock.
   */
  private BooleanSupplier answerLateIfSlow(Command op, Message<Command> msg) {
    if (!(op instanceof Command.Enter e) || msg == null || msg.replyAddress() == null) {
      return () -> false;
    }
    return answerLate(e, msg::reply);
  }

  /**
   * Gives {@code answer} {@link #lateJoined} once {@code history.replayTimeout} has passed; returns whether
   * it has, stopping the clock.
   */
  private BooleanSupplier answerLate(Command.Enter e, Consumer<Reply> answer) {
    boolean[] late = {false};
    long timer = vertx.setTimer(history.replayTimeout().toMillis(), id -> {
      late[0] = true;
      answer.accept(lateJoined(e));
    });
    return () -> {
      vertx.cancelTimer(timer);
      return late[0];
    };
  }

  /** {@link #answerLateIfSlow} for the home's own Enter: the answer, on time or late. */
  private Future<Reply> enterWhenOpen(Command.Enter e, Future<OwnedRoom> opening) {
    Promise<Reply> answer = Promise.promise();
    BooleanSupplier answeredLate = answerLate(e, answer::complete);
    opening.onComplete(ar -> {
      boolean late = answeredLate.getAsBoolean();
      if (ar.succeeded()) {
        Reply joined = answer(e, ar.result());
        outbox.added();
        if (!late) {
          answer.complete(joined);
        }
      } else if (late) {
        retryEnter(e);
      } else {
        answer.fail(ar.cause());
      }
    });
    return answer.future();
  }

  /**
   * An Enter answered late whose room could not be taken up: its client is in the room all the same, so
   * it is carried out (and the join announced) once the room can be, while the client is still there.
   */
  private void retryEnter(Command.Enter e) {
    log.debug("#{} could not be taken up for {}, who went in without it; trying again", e.room(), e.member().name());
    vertx.setTimer(RETRY_ENTER_MILLIS, id -> {
      if (!leaving && directory.isIn(e.room(), e.member().session())) {
        toOwner(e.room(), forwarded(e, false), false, null);
        outbox.added();
      }
    });
  }

  /**
   * The answer to an Enter whose room is not up yet: the members as the directory knows them, and seq -1,
   * since the join has no number yet; everything the client gets from the room after it is live.
   */
  private Reply.Joined lateJoined(Command.Enter e) {
    Member m = e.member();
    boolean counted = directory.isIn(e.room(), m.session());
    int count = directory.count(e.room()) + (counted ? 0 : 1);
    return new Reply.Joined(e.room(), -1, count, names(e.room(), Reply.LIST_LIMIT, counted ? null : m.name()));
  }

  /** {@link #toOwner} for the home's own use of the answer. */
  private Future<Reply> askOwner(String room, Command op) {
    String owner = owner(room);
    if (!owner.equals(node)) {
      return requestTo(owner, op, PROMPT);
    }
    OwnedRoom r = held.get(room);
    if (r == null && op instanceof Command.Enter e) {
      return enterWhenOpen(e, open(room));
    }
    Future<OwnedRoom> ready = r != null ? Future.succeededFuture(r) : open(room);
    return ready.map(owned -> {
      Reply reply = answer(op, owned);
      outbox.added();
      return reply;
    });
  }

  /** The owner of {@code room}: among the other routers once this one is stopping. */
  private String owner(String room) {
    return leaving && ring.size() > 1 ? ring.without(node).owner(room) : ring.owner(room);
  }

  private void forward(String owner, Command op, Message<Command> msg) {
    Command passed = forwarded(op, true);
    if (msg == null || msg.replyAddress() == null) {
      bus.send(Addresses.router(owner), passed);
      return;
    }
    boolean durable = op instanceof Command.Post && ((Command.Post) op).durable();
    requestTo(owner, passed, durable ? DURABLE : PROMPT).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        fail(msg, ar.cause());
      }
    });
  }

  /** Asks router {@code other}; fails when it leaves the cluster before answering. */
  private Future<Reply> requestTo(String other, Command cmd, DeliveryOptions options) {
    long id = ++passedOnCount;
    Promise<Reply> answer = Promise.promise();
    passedOn.computeIfAbsent(other, k -> new HashMap<>()).put(id, answer);
    bus.<Reply>request(Addresses.router(other), cmd, options).onComplete(ar -> {
      Map<Long, Promise<Reply>> waiting = passedOn.get(other);
      if (waiting != null && waiting.remove(id) != null && waiting.isEmpty()) {
        passedOn.remove(other);
        if (passedOn.isEmpty() && allAnswered != null) {
          allAnswered.tryComplete();
        }
      }
      if (ar.succeeded()) {
        answer.tryComplete(ar.result().body());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  /**
   * Completes once every request this router made of others is answered (or failed), or after the grace
   * period: what was passed on for this node's clients, or for other routers', is answered before it goes.
   */
  private Future<Void> allAnswered() {
    if (passedOn.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    allAnswered = done;
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> done.tryComplete());
    return done.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** Fails what was asked of {@code other}, which has left the cluster. */
  private void failRequestsTo(String other) {
    Map<Long, Promise<Reply>> unanswered = passedOn.remove(other);
    if (unanswered != null) {
      unanswered.values().forEach(p -> p.tryFail(new Refusal(ErrorCode.INTERNAL, other + " left before answering; try again")));
    }
    if (passedOn.isEmpty() && allAnswered != null) {
      allAnswered.tryComplete();
    }
  }

  /** {@code op} marked as passed on ({@code passed}) or not. */
  private static Command forwarded(Command op, boolean passed) {
    if (op instanceof Command.Post) {
      Command.Post p = (Command.Post) op;
      return new Command.Post(p.room(), p.session(), p.name(), p.text(), p.action(), p.durable(), passed);
    } else if (op instanceof Command.Enter) {
      Command.Enter e = (Command.Enter) op;
      return new Command.Enter(e.room(), e.member(), e.again(), passed);
    } else if (op instanceof Command.Exit) {
      Command.Exit e = (Command.Exit) op;
      return new Command.Exit(e.room(), e.session(), e.name(), e.reason(), passed);
    } else if (op instanceof Command.RenameIn) {
      Command.RenameIn r = (Command.RenameIn) op;
      return new Command.RenameIn(r.room(), r.session(), r.oldName(), r.newName(), passed);
    } else if (op instanceof Command.RoomHistory) {
      Command.RoomHistory h = (Command.RoomHistory) op;
      return new Command.RoomHistory(h.room(), h.limit(), h.afterSeq(), h.beforeSeq(), h.messagesOnly(), passed);
    }
    throw new IllegalArgumentException("not a room command: " + op);
  }

  /** Carries out a room command as the room's owner, answering {@code msg} when there is one. */
  private void apply(Command op, OwnedRoom r, Message<Command> msg) {
    if (op instanceof Command.Post) {
      Command.Post p = (Command.Post) op;
      RoomEvent e = publish(r, p.action() ? RoomEvent.Kind.ACTION : RoomEvent.Kind.MESSAGE, p.session(), p.name(), p.text());
      if (msg != null && msg.replyAddress() != null) {
        Reply reply = acknowledge(msg, new Reply.Accepted(e.id(), e.seq(), e.ts()), p.durable());
        if (reply != null) {
          msg.reply(reply);
        }
      }
    } else if (op instanceof Command.RoomHistory) {
      roomHistory(r.name, r.seq(), (Command.RoomHistory) op, msg);
    } else {
      Reply reply = answer(op, r);
      if (reply != null && msg != null && msg.replyAddress() != null) {
        msg.reply(reply);
      }
    }
  }

  /** The room commands whose answer is known at once. */
  private Reply answer(Command op, OwnedRoom r) {
    if (op instanceof Command.Enter) {
      return enter((Command.Enter) op, r);
    } else if (op instanceof Command.Exit) {
      Command.Exit e = (Command.Exit) op;
      if (announced(r.name, e.session())) {
        publish(r, RoomEvent.Kind.LEAVE, e.session(), e.name(), e.reason());
      }
      r.exit(e.session());
      return new Reply.Left(r.name);
    } else if (op instanceof Command.RenameIn) {
      Command.RenameIn rn = (Command.RenameIn) op;
      r.rename(rn.session(), rn.newName());
      if (announced(r.name, rn.session())) {
        publish(r, RoomEvent.Kind.RENAME, rn.session(), rn.oldName(), rn.newName());
      }
      return null;
    }
    throw new IllegalArgumentException("not a room command: " + op);
  }

  private Reply.Joined enter(Command.Enter e, OwnedRoom r) {
    Member m = e.member();
    // From now on the room's events go to the member's node too, including its own join.
    r.enter(m.session(), m.node(), m.name());
    boolean counted = directory.isIn(r.name, m.session());
    int count = directory.count(r.name) + (counted ? 0 : 1);
    long seq = r.seq();
    if (!e.again() && count <= config.announceUpTo()) {
      seq = publish(r, RoomEvent.Kind.JOIN, m.session(), m.name(), null).seq();
    }
    return new Reply.Joined(r.name, seq, count, names(r.name, Reply.LIST_LIMIT, counted ? null : m.name()));
  }

  /**
   * True if joins, leaves and renames in {@code room}, counting {@code session} whether or not it is still
   * counted in, are room events. In a larger room they would be most of the traffic, and everyone logging
   * in at once would cost the square of the room's size; its members ask {@code who} instead.
   */
  private boolean announced(String room, long session) {
    return directory.count(room) + (directory.isIn(room, session) ? 0 : 1) <= config.announceUpTo();
  }

  /** The names of the first {@code limit} members of {@code room} in the order they entered, and {@code plus}. */
  private List<String> names(String room, int limit, String plus) {
    List<String> list = new ArrayList<>();
    for (Member m : directory.members(room)) {
      if (list.size() == limit) {
        break;
      }
      list.add(m.name());
    }
    if (plus != null && list.size() < limit) {
      list.add(plus);
    }
    return list;
  }

  /**
   * Answers a history request from the store, read on a reader's thread, and from what waits to be written;
   * {@code lastSeq} is the room's latest number, or -1 when this router does not number the room. Without
   * the store (it fails, or does not answer), the answer holds what waits to be written, marked incomplete.
   */
  private void roomHistory(String room, long lastSeq, Command.RoomHistory h, Message<Command> msg) {
    if (!outbox.storing()) {
      msg.reply(new Reply.History(room, List.of(), lastSeq <= 0));
      return;
    }
    Persist.Query q = new Persist.Query(room, h.limit(), h.afterSeq(), h.beforeSeq(), h.messagesOnly());
    List<RoomEvent> unstored = outbox.unstored(q);
    readers.read(q).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof Refusal r && r.code() == ErrorCode.BUSY) {
        fail(msg, r);
        return;
      }
      if (ar.failed()) {
        log.debug("history of #{} without the store: {}", room, ar.cause().getMessage());
      }
      msg.reply(HistoryPage.assemble(q, ar.succeeded() ? ar.result() : null, unstored, lastSeq, history.maxBytes()));
    });
  }

  /**
   * Takes up the numbering of {@code room}: every other router stops numbering it and says where it got to,
   * then the store gives a new epoch. The commands that wait for it run in the order they came. If a
   * router that is alive does not answer, the room is not taken up (it may still be numbering it); if only
   * the store fails, the numbering goes on from where the last owner got to, when it said so.
   */
  private Future<OwnedRoom> open(String room) {
    Future<OwnedRoom> pending = opening.get(room);
    if (pending != null) {
      return pending;
    }
    Promise<OwnedRoom> opened = Promise.promise();
    opening.put(room, opened.future());
    List<Future<Reply.Released>> asked = new ArrayList<>();
    for (String other : ring.nodes()) {
      if (!other.equals(node)) {
        asked.add(bus.<Reply>request(Addresses.router(other), new Command.Release(room, node), PEER)
          .map(answer -> (Reply.Released) answer.body())
          .recover(err -> gone(other, err) ? Future.succeededFuture(new Reply.Released(null))
            : Future.failedFuture(other + " did not say whether it numbers #" + room + ": " + err.getMessage())));
      }
    }
    Future.join(asked).onComplete(all -> {
      Command.Handover last = handedOver.remove(room);
      for (Future<Reply.Released> f : asked) {
        Command.Handover was = f.succeeded() ? f.result().last() : null;
        if (was != null) {
          last = last == null ? was : Command.Handover.later(last, was);
        }
      }
      Command.Handover lastOwner = last;
      if (all.failed()) {
        keep(room, lastOwner);
        opening.remove(room);
        opened.fail(all.cause());
        return;
      }
      // Without a store to count epochs, the time stands in: a room's epoch must never go back, or the
      // edges would drop the new owner's events as stale.
      long atLeast = lastOwner == null ? 1 : lastOwner.epoch() + 1;
      Future<Persist.Claimed> claimed;
      if (!outbox.storing()) {
        claimed = Future.succeededFuture(new Persist.Claimed(room, Math.max(atLeast, System.currentTimeMillis()), 0));
      } else if (lastOwner == null && !handedAway.contains(room)) {
        claimed = resume(room, atLeast);
      } else {
        handedAway.remove(room);
        claimed = claim(room, atLeast);
      }
      claimed.onComplete(c -> {
        opening.remove(room);
        long epoch;
        long seq;
        if (c.succeeded()) {
          epoch = c.result().epoch();
          seq = Math.max(c.result().lastSeq(), lastOwner == null ? 0 : lastOwner.seq());
        } else if (lastOwner != null) {
          log.warn("#{}: the store did not record its new epoch ({}); numbering goes on from the last owner's {}",
            room, c.cause().getMessage(), lastOwner.seq());
          epoch = atLeast;
          seq = lastOwner.seq();
        } else {
          log.warn("#{} cannot be opened: {}", room, c.cause().getMessage());
          opened.fail(c.cause());
          return;
        }
        if (yielded.remove(room) || (leaving && ring.size() > 1)) {
          // Another router took the room up meanwhile (or this one is stopping): where the numbering got
          // to stays here for whoever asks, and the waiting commands go where the room is now.
          keep(room, new Command.Handover(room, epoch, seq, lastOwner == null ? List.of() : lastOwner.nodes()));
          opened.fail(new Refusal(ErrorCode.INTERNAL, "#" + room + " moved to another node; try again"));
          return;
        }
        OwnedRoom r = new OwnedRoom(room, epoch, seq);
        // The members as the directory knows them, and the nodes the last owner sent to, in case it knew
        // of members whose news is still on its way here.
        for (Member m : directory.members(room)) {
          r.enter(m.session(), m.node(), m.name());
        }
        if (lastOwner != null) {
          lastOwner.nodes().stream().filter(ring::contains).forEach(r::alsoTo);
        }
        held.put(room, r);
        metrics.roomsNumbered(held.size());
        log.debug("#{} numbered here from seq {} in epoch {}", room, seq, epoch);
        opened.complete(r);
      });
    });
    return opened.future();
  }

  /** A new epoch of {@code room}, from the store. */
  private Future<Persist.Claimed> claim(String room, long atLeast) {
    return bus.<Persist>request(Addresses.persist(node), new Persist.Claim(room, atLeast, run))
      .map(answer -> (Persist.Claimed) answer.body());
  }

  /**
   * Takes {@code room} up again in the epoch this run claimed for it, when it is this run's: a room set
   * aside for want of use goes on where it was. Any other room is claimed anew.
   */
  private Future<Persist.Claimed> resume(String room, long atLeast) {
    return readers.look(room, run).transform(found -> {
      if (found.succeeded() && found.result().epoch() > 0) {
        log.debug("#{} taken up again in epoch {}", room, found.result().epoch());
        return Future.succeededFuture(found.result());
      }
      return claim(room, atLeast);
    });
  }

  /**
   * Sets aside the rooms no one is in and no one has used for {@code rooms.evictAfter}: their numbering is
   * in the store, and they are taken up from there when next used. Not while the store fails, nor while
   * a room's events wait to be written, or the numbering would be lost.
   */
  private void evictIdle() {
    if (leaving || (outbox.storing() && !metrics.storeUp())) {
      metrics.roomsNumbered(held.size());
      return;
    }
    long now = System.currentTimeMillis();
    long before = now - config.evictAfter().toMillis();
    held.values().removeIf(r -> r.size() == 0 && r.lastUsed <= before && (!outbox.storing() || outbox.settled(r.name)));
    metrics.roomsNumbered(held.size());
    quotas.forgetFull(now);
  }

  /** Keeps where the last owner of {@code room} got to, for the next attempt to take it up. */
  private void keep(String room, Command.Handover lastOwner) {
    if (lastOwner != null) {
      handedOver.merge(room, lastOwner, Command.Handover::later);
    }
  }

  /** Whether a failed request to {@code other} means its router is gone, rather than slow. */
  private boolean gone(String other, Throwable err) {
    String clusterId = clusterIds.get(other);
    return clusterId == null || !membership.alive(clusterId)
      || (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.NO_HANDLERS);
  }

  /** Another router takes up {@code room}: stop numbering it, and say where it got to. */
  private void release(Command.Release release, Message<Command> msg) {
    if (!ring.contains(release.node())) {
      hello(release.node());
    }
    String room = release.room();
    Future<OwnedRoom> pending = opening.get(room);
    if (pending != null) {
      if (node.compareTo(release.node()) < 0) {
        // Both take the room up at once: the first in name order keeps it, and answers once it has it.
        pending.onComplete(ar -> msg.reply(released(room)));
        return;
      }
      yielded.add(room);
    }
    msg.reply(released(room));
  }

  /** Stops numbering {@code room} and says where it got to (or where its last owner did, if known here). */
  private Reply.Released released(String room) {
    OwnedRoom r = held.remove(room);
    if (r == null) {
      return new Reply.Released(handedOver.remove(room));
    }
    if (outbox.storing() && !metrics.storeUp()) {
      handedAway.add(room);
    }
    outbox.flush();
    return new Reply.Released(r.handover());
  }

  private RoomEvent publish(OwnedRoom room, RoomEvent.Kind kind, long session, String from, String text) {
    long now = System.currentTimeMillis();
    room.lastUsed = now;
    RoomEvent e = new RoomEvent(kind, room.name, room.nextSeq(), ids.next(now), now, session, from, text, room.epoch);
    bus.publish(room.address, e, LOCAL);
    // Services get the room's events in JSON from the owner, wherever in the cluster they listen.
    JsonObject json = JsonCodec.eventObject(e);
    bus.publish(room.apiAddress, json);
    if (kind == RoomEvent.Kind.JOIN || kind == RoomEvent.Kind.LEAVE || kind == RoomEvent.Kind.RENAME) {
      bus.publish(Addresses.API_PRESENCE, json);
    }
    if (ring.size() > 1) {
      for (String n : room.nodes.keySet()) {
        if (!n.equals(node)) {
          bus.send(deliverTo.computeIfAbsent(n, Addresses::deliver), e);
        }
      }
    }
    outbox.add(e);
    return e;
  }

  /** The reply now, or (durable) once what it acknowledges is stored. */
  private Reply acknowledge(Message<Command> msg, Reply.Accepted accepted, boolean durable) {
    if (!durable) {
      return accepted;
    }
    outbox.ackWhenStored(msg, accepted);
    return null;
  }

  // ----- helpers

  private void reply(Message<Command> msg, Future<? extends Reply> answer) {
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        fail(msg, ar.cause());
      }
    });
  }

  /** Fails {@code msg} with what went wrong: a refusal as it is, anything else as an internal error. */
  private static void fail(Message<Command> msg, Throwable cause) {
    if (cause instanceof Refusal) {
      msg.fail(((Refusal) cause).code().code(), cause.getMessage());
    } else if (cause instanceof ReplyException && ((ReplyException) cause).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      msg.fail(((ReplyException) cause).failureCode(), cause.getMessage());
    } else {
      log.warn("a room command failed: {}", cause.toString());
      msg.fail(ErrorCode.INTERNAL.code(), "the server could not answer in time; try again");
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

  private static String room(String input) {
    String room = Names.room(input);
    if (room == null) {
      throw new Refusal(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(input));
    }
    return room;
  }

  /** A room this router numbers: its epoch, latest sequence number, and its members' names and nodes. */
  private static final class OwnedRoom {
    /** Where a member is, and what it is called. */
    record At(String node, String name) {
    }

    final String name;
    /** Where the room's events are published on each node. */
    final String address;
    /** Where the room's events are published in JSON for services. */
    final String apiAddress;
    final long epoch;
    private long seq;
    /** When the room was last used (epoch milliseconds): an event, or a member entering or leaving. */
    long lastUsed = System.currentTimeMillis();
    /** Each member as its entering, renaming and leaving came here. */
    private final Map<Long, At> members = new HashMap<>();
    /** How many members each node has; a node the last owner sent to may be here with none. */
    final Map<String, Integer> nodes = new HashMap<>();

    OwnedRoom(String name, long epoch, long seq) {
      this.name = name;
      this.address = Addresses.room(name);
      this.apiAddress = Addresses.apiRoom(name);
      this.epoch = epoch;
      this.seq = seq;
    }

    void enter(long session, String node, String memberName) {
      lastUsed = System.currentTimeMillis();
      At was = members.put(session, new At(node, memberName));
      if (was == null) {
        nodes.merge(node, 1, Integer::sum);
      }
    }

    void rename(long session, String newName) {
      members.computeIfPresent(session, (s, at) -> new At(at.node(), newName));
    }

    void exit(long session) {
      lastUsed = System.currentTimeMillis();
      At at = members.remove(session);
      if (at != null && nodes.merge(at.node(), -1, Integer::sum) <= 0) {
        nodes.remove(at.node());
      }
    }

    void alsoTo(String node) {
      nodes.putIfAbsent(node, 0);
    }

    int size() {
      return members.size();
    }

    /** Forgets {@code node} and its members; returns their names by session. */
    Map<Long, String> dropNode(String node) {
      nodes.remove(node);
      Map<Long, String> dropped = new LinkedHashMap<>();
      members.entrySet().removeIf(e -> {
        if (e.getValue().node().equals(node)) {
          dropped.put(e.getKey(), e.getValue().name());
          return true;
        }
        return false;
      });
      return dropped;
    }

    /** Where the room's numbering has got to, for its next owner. */
    Command.Handover handover() {
      return new Command.Handover(name, epoch, seq, new ArrayList<>(nodes.keySet()));
    }

    long nextSeq() {
      return ++seq;
    }

    long seq() {
      return seq;
    }
  }
}
