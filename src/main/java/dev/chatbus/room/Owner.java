package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.bus.AccountCommand;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Registration;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RoomFlag;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.bus.Topic;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The owner of rooms: carries out each {@link RoomCommand} (enter, exit, post, rename in, history) at the
 * one router of the network that numbers the room, here or at the owner's router. As the owner it gives
 * the room's events their ids, epoch and sequence numbers, publishes them on {@link Addresses#room} (and
 * sends them to every other node with members there), hands them to the {@link Outbox}, and holds a
 * durable acknowledgement until its event is stored. A join whose room takes long to take up is answered
 * late, after {@code history.replayTimeout}, and carried out once the room is up. How all that follows the
 * network as it changes is {@link FailOver}'s.
 */
final class Owner {

  private static final Logger log = LoggerFactory.getLogger(Owner.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /**
   * How long a question every router is asked (which rooms it numbers) waits for each: a router slower than
   * this is left out of the answer rather than holding up the client who asked.
   */
  private static final DeliveryOptions SURVEY = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(2).toMillis());
  /**
   * How old a post passed on by another router is when it counts as late ({@link #late}): less than the
   * failure detector's 10 s, after which its sender asks it again elsewhere.
   */
  private static final long LATE_MILLIS = 5_000;

  private final String node;
  private final EventBus bus;
  private final Peers peers;
  private final PassedOn passedOn;
  private final TakeOver takeOver;
  private final Directory directory;
  private final Outbox outbox;
  private final HistoryReads reads;
  private final MessageIds ids;
  private final Answers answers;
  private final Relays relays;
  private final FailOver failOver;
  private final int announceUpTo;
  private final Operators operators;
  private final LateJoins lateJoins;
  private final RegisteredRooms registered;
  /** Whether the node keeps a store, where registrations are kept. */
  private final boolean stored;

  Owner(String node, Vertx vertx, Peers peers, PassedOn passedOn, TakeOver takeOver, Directory directory, Outbox outbox,
        Readers readers, MessageIds ids, Answers answers, ChatbusConfig.Rooms rooms, ChatbusConfig.History history,
        RegisteredRooms registered, boolean stored, ClosedRooms closed) {
    this.registered = registered;
    this.stored = stored;
    this.node = node;
    this.bus = vertx.eventBus();
    this.peers = peers;
    this.passedOn = passedOn;
    this.takeOver = takeOver;
    this.directory = directory;
    this.outbox = outbox;
    this.reads = new HistoryReads(outbox, readers, history.maxBytes());
    this.ids = ids;
    this.answers = answers;
    this.relays = new Relays(vertx.getOrCreateContext(), passedOn, answers);
    this.announceUpTo = rooms.announceUpTo();
    this.failOver = new FailOver(this, node, vertx, peers, passedOn, takeOver, directory, outbox, answers, relays,
      announceUpTo);
    this.operators = new Operators(this, bus, directory, rooms, new Audit(bus, node), stored, closed);
    this.lateJoins = new LateJoins(this, node, vertx, peers, directory, outbox, history.replayTimeout());
  }

  /**
   * Runs {@code op} at the room's owner: here when this router owns the room (or {@code op} was passed on
   * to it already), else at the owner's router, answering {@code msg} (if any) with its answer. The future
   * completes once {@code op} is carried out, turned down, or passed on.
   */
  Future<Void> run(RoomCommand op, Message<?> msg) {
    if (!peers.quorate()) {
      answers.refuse(op, msg, ErrorCode.RETRY, peers.noQuorum());
      return Future.succeededFuture();
    }
    String room = op.room();
    String owner = peers.owner(room);
    if (failOver.holding(room) && (op.forwarded() || owner.equals(node))) {
      // Held behind what was passed on here before it. This router's own commands for a room another router
      // owns still go there: held here, they would overtake their sender's earlier ones, which wait there
      // for an answer and are asked again here if that router leaves.
      return failOver.hold(op, msg);
    }
    OwnedRoom r = takeOver.held(room);
    if (!owner.equals(node)) {
      if (!op.forwarded() || peers.leaving()) {
        forward(owner, op, msg);
        return Future.succeededFuture();
      }
      if (r == null) {
        // Passed on here by a router that sees another network than this one (it found a node gone that this
        // one has not yet, or has not met one this one has): the two agree within the failure detector's time,
        // so the room's commands are held until then, in order.
        return failOver.hold(op, msg);
      }
    }
    if (r != null) {
      return applyOrRefuse(op, r, msg);
    }
    if (!takeOver.opening(room) && directory.count(room) == 0 && !keepsHistoryToMembers(registered.get(room))) {
      // Reading the history of a room no one is in (whose rules ended with it, unless it is registered and
      // they keep its history to members) does not take its numbering up.
      if (op instanceof RoomCommand.RoomHistory h) {
        reads.history(room, -1, h, msg);
        return Future.succeededFuture();
      }
      if (op instanceof RoomCommand.RoomLocate l) {
        reads.locate(room, -1, l, msg);
        return Future.succeededFuture();
      }
    }
    BooleanSupplier answeredLate = op instanceof RoomCommand.Enter e && Answers.expected(msg)
      ? lateJoins.answerLate(e, msg::reply) : () -> false;
    Promise<Void> done = Promise.promise();
    takeOver.open(room).onComplete(ar -> {
      Message<?> waiting = answeredLate.getAsBoolean() ? null : msg;
      Future<Void> applied = Future.succeededFuture();
      try {
        if (ar.succeeded()) {
          applied = apply(op, ar.result(), waiting);
        } else if (!peers.owns(room)) {
          // The room has gone to another router meanwhile.
          forward(peers.owner(room), op, waiting);
        } else if (op instanceof RoomCommand.Enter e && waiting == null) {
          // Its client went in, answered late: the join is carried out once the room can be taken up.
          lateJoins.retryEnter(e);
        } else {
          if (!Answers.expected(waiting)) {
            log.warn("#{} cannot be opened, so {} is dropped: {}", room, op.getClass().getSimpleName(),
              ar.cause().getMessage());
          }
          answers.refuse(op, waiting, ErrorCode.RETRY, "#" + room + " cannot be opened right now; try again");
        }
      } catch (Refusal refusal) {
        if (op instanceof RoomCommand.Enter e && waiting == null && Answers.expected(msg) && ar.succeeded()) {
          lateJoins.refusedLate(e, ar.result(), refusal);
        } else {
          answers.refuse(op, waiting, refusal.code(), refusal.getMessage());
        }
      } finally {
        outbox.added();
        applied.onComplete(x -> done.complete());
      }
    });
    return done.future();
  }

  /**
   * Carries out, in order, the posts another router relayed here ({@link Relays}), answering once each is
   * carried out (and stored), turned down or passed on, with those turned down ({@link RelayedPosts}): a
   * relay this router dies before answering is sent again to the next owner, which finds what was stored
   * of it.
   */
  void relayed(PeerMessage.Relay relay, Message<?> msg) {
    List<Future<Void>> done = new ArrayList<>(relay.posts().size());
    List<String> ids = new ArrayList<>(relay.posts().size());
    RelayedPosts posts = new RelayedPosts(relay);
    for (RoomCommand.Post p : relay.posts()) {
      done.add(run(p.asForwarded(true), posts));
      ids.add(p.id());
    }
    Future.join(done).onComplete(ar -> {
      outbox.ackWhenStored(msg, posts.answer(), ids, relay);
      outbox.added();
    });
  }

  /** How this router's work follows the network as it changes. */
  FailOver failOver() {
    return failOver;
  }

  /**
   * {@link #run} for the home's own use of the answer. An {@link RoomCommand.Enter} whose room is not up
   * yet is answered within {@code history.replayTimeout}, late if need be.
   */
  Future<Reply> ask(RoomCommand op) {
    String owner = peers.owner(op.room());
    if (!owner.equals(node)) {
      return passedOn.request(owner, op, Addresses.toRouter(false));
    }
    OwnedRoom r = takeOver.held(op.room());
    if (r == null && op instanceof RoomCommand.Enter e) {
      return lateJoins.enterWhenOpen(e, takeOver.open(op.room()));
    }
    Future<OwnedRoom> ready = r != null ? Future.succeededFuture(r) : takeOver.open(op.room());
    return ready.map(owned -> {
      Reply reply = answer(op, owned);
      outbox.added();
      return reply;
    });
  }

  /** The rooms with members this router numbers, with their topics and whether they are secret. */
  Reply.RoomList owned() {
    List<Reply.RoomInfo> rooms = new ArrayList<>();
    for (OwnedRoom r : takeOver.held()) {
      if (r.size() > 0) {
        rooms.add(new Reply.RoomInfo(r.name, r.size(), Topic.shown(r.topic) ? r.topic.text() : null, r.is(RoomFlag.SECRET)));
      }
    }
    return new Reply.RoomList(rooms);
  }

  /** Asks the router of {@code other} {@code m}, a question every router is asked, waiting at most 2 seconds. */
  Future<Reply> askRouter(String other, RouterMessage m) {
    return passedOn.request(other, m, SURVEY);
  }

  private void forward(String owner, RoomCommand op, Message<?> msg) {
    RoomCommand passed = op.asForwarded(true);
    if (!Answers.expected(msg)) {
      if (passed instanceof RoomCommand.Post p) {
        relays.add(owner, p);
      } else {
        bus.send(Addresses.router(owner), passed);
      }
      return;
    }
    boolean durable = op instanceof RoomCommand.Post p && p.durable();
    Answers.reply(msg, passedOn.request(owner, passed, Addresses.toRouter(durable)));
  }

  /** {@link #apply}, turning {@code op} down when the room's rules refuse it. */
  private Future<Void> applyOrRefuse(RoomCommand op, OwnedRoom r, Message<?> msg) {
    try {
      return apply(op, r, msg);
    } catch (Refusal refusal) {
      answers.refuse(op, msg, refusal.code(), refusal.getMessage());
      return Future.succeededFuture();
    }
  }

  /**
   * Carries out a room command as the room's owner, answering {@code msg} when there is one; the future
   * completes once it is carried out. While a post sent again is looked for, the room's commands wait, so
   * that each sender's messages keep their order.
   */
  private Future<Void> apply(RoomCommand op, OwnedRoom r, Message<?> msg) {
    if (r.waiting != null) {
      Promise<Void> applied = Promise.promise();
      r.waiting.add(() -> applyOrRefuse(op, r, msg).onComplete(applied));
      return applied.future();
    }
    if (op instanceof RoomCommand.Post p && outbox.storing() && (p.again() || late(p))) {
      return lookForPost(p, r, msg);
    }
    applyNow(op, r, msg);
    return Future.succeededFuture();
  }

  private void applyNow(RoomCommand op, OwnedRoom r, Message<?> msg) {
    if (op instanceof RoomCommand.Post p) {
      operators.mayPost(r, p);
      RoomEvent e = publish(r, p.kind(), p.session(), p.name(), p.origin(), p.text(), null, 0, p.id());
      if (Answers.expected(msg)) {
        Reply reply = acknowledge(msg, new Reply.Accepted(e.id(), e.seq(), e.ts()), p.durable(), p);
        if (reply != null) {
          msg.reply(reply);
        }
      }
    } else if (op instanceof RoomCommand.RoomHistory h) {
      mayRead(r, h.asker());
      reads.history(r.name, r.seq(), h, msg);
    } else if (op instanceof RoomCommand.RoomLocate l) {
      mayRead(r, l.asker());
      reads.locate(r.name, r.seq(), l, msg);
    } else {
      Reply reply = answer(op, r);
      if (reply != null && Answers.expected(msg)) {
        msg.reply(reply);
      }
    }
  }

  /**
   * Whether {@code p} comes late: given its id more than {@link #LATE_MILLIS} ago. It may have been held in a
   * connection while the network was cut, and carried out meanwhile by the room's next owner, asked again
   * by its sender: it is looked for before it is numbered, as a post sent again is. (A post takes
   * milliseconds from its sender's node to its room's owner, as long as the nodes' clocks agree.)
   */
  private static boolean late(RoomCommand.Post p) {
    return p.forwarded() && System.currentTimeMillis() - MessageIds.millis(p.id()) > LATE_MILLIS;
  }

  /**
   * A post sent again after the router it went to left the network: that router may have numbered it, and
   * its events are in the store, or in this router's outbox when the room came back to this router. Found,
   * it is answered as it was accepted then; not found, it is carried out now. The room's commands wait
   * meanwhile.
   */
  private Future<Void> lookForPost(RoomCommand.Post p, OwnedRoom r, Message<?> msg) {
    r.waiting = new ArrayDeque<>();
    return reads.find(r.name, p.id()).transform(ar -> {
      ArrayDeque<Runnable> next = r.waiting;
      r.waiting = null;
      if (ar.failed()) {
        answers.refuse(p, msg, ErrorCode.RETRY, "whether your message to #" + r.name + " was stored cannot be told"
          + " right now; try again");
      } else if (ar.result() != null) {
        if (Answers.expected(msg)) {
          msg.reply(ar.result());
        }
      } else {
        try {
          applyNow(p, r, msg);
        } catch (Refusal refusal) {
          answers.refuse(p, msg, refusal.code(), refusal.getMessage());
        }
      }
      while (!next.isEmpty()) {
        next.poll().run();
        if (r.waiting != null) {
          // Another post sent again: the rest wait behind it.
          r.waiting.addAll(next);
          break;
        }
      }
      outbox.added();
      return Future.succeededFuture();
    });
  }

  /** The room commands whose answer is known at once. */
  Reply answer(RoomCommand op, OwnedRoom r) {
    if (op instanceof RoomCommand.Enter e) {
      return enter(e, r);
    } else if (op instanceof RoomCommand.Exit e) {
      if (announced(r.name, e.session())) {
        publish(r, e.quit() ? RoomEvent.Kind.QUIT : RoomEvent.Kind.LEAVE, e.session(), e.name(), e.origin(), e.reason());
      }
      r.exit(e.session());
      return new Reply.Left(r.name);
    } else if (op instanceof RoomCommand.SetTopic t) {
      return operators.topic(t, r);
    } else if (op instanceof RoomCommand.Moderate m) {
      adoptRegistration(r);
      Reply done = operators.moderate(m, r);
      if (r.registration != null) {
        operators.keepRegistration(m, r);
      }
      return done;
    } else if (op instanceof RoomCommand.CloseRoom cr) {
      return operators.close(cr, r);
    } else if (op instanceof RoomCommand.Identified i) {
      adoptRegistration(r);
      OwnedRoom.At at = r.member(i.session());
      if (at != null && r.operatorAccount(i.account()) && r.operators.add(i.session())) {
        bus.send(Addresses.router(at.node()), new SessionCommand.Status(i.session(), r.name, true, true));
      }
      return null;
    } else if (op instanceof RoomCommand.RegisterRoom rr) {
      adoptRegistration(r);
      return operators.register(rr, r);
    } else if (op instanceof RoomCommand.Invite i) {
      return operators.invite(i, r);
    } else if (op instanceof RoomCommand.Describe d) {
      return operators.describe(d, r);
    } else if (op instanceof RoomCommand.RenameIn rn) {
      r.rename(rn.session(), rn.newName());
      if (announced(r.name, rn.session())) {
        publish(r, RoomEvent.Kind.RENAME, rn.session(), rn.oldName(), rn.origin(), rn.newName());
      }
      return null;
    }
    throw new IllegalArgumentException("not answered at once: " + op);
  }

  private Reply.Joined enter(RoomCommand.Enter e, OwnedRoom r) {
    Member m = e.member();
    if (!r.has(m.session())) {
      operators.admit(e, r);
    }
    boolean first = r.size() == 0;
    // From now on the room's events go to the member's node too, including its own join.
    r.enter(m.session(), m.node(), m.name(), m.origin());
    if (r.registration != null ? r.operatorAccount(m.account())
      : first && !e.again() && operators.hasOperators(r.name)) {
      r.operators.add(m.session());
    }
    boolean counted = directory.isIn(r.name, m.session());
    long seq = r.seq();
    if (!e.again() && directory.count(r.name) + (counted ? 0 : 1) <= announceUpTo) {
      seq = publish(r, RoomEvent.Kind.JOIN, m.session(), m.name(), m.origin(), null).seq();
    }
    return new Reply.Joined(r.name, seq, r.topic, operators.roster(r, m.session(), counted ? null : m));
  }

  /**
   * True if joins, leaves and renames in {@code room}, counting {@code session} whether or not it is still
   * counted in, are room events. In a larger room they would be most of the traffic, and everyone logging
   * in at once would cost the square of the room's size; its members ask {@code who} instead.
   */
  private boolean announced(String room, long session) {
    return directory.count(room) + (directory.isIn(room, session) ? 0 : 1) <= announceUpTo;
  }

  private void mayRead(OwnedRoom r, long asker) {
    if (!operators.mayRead(r, asker)) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "#" + r.name + " keeps its history to its members");
    }
  }

  /**
   * A registration this node heard of only after it took {@code r} up (it came with the room from another
   * node a moment before the news of it): the room is registered from now on, its live rules kept.
   */
  private void adoptRegistration(OwnedRoom r) {
    if (r.registration == null) {
      Registration heard = registered.get(r.name);
      if (heard != null) {
        r.register(heard, false);
      }
    }
  }

  /** Whether a registered room's rules keep its history to its members ({@code +i}, {@code +s}, {@code +k}). */
  private static boolean keepsHistoryToMembers(Registration reg) {
    return reg != null && (reg.flags().contains(RoomFlag.INVITE_ONLY) || reg.flags().contains(RoomFlag.SECRET)
      || reg.key() != null);
  }

  /** A room's registration changed (or was dropped): every node holds it from now on, and the store keeps it. */
  void save(Registration registration) {
    registered.apply(registration);
    bus.publish(Addresses.ROOM_REGISTRATIONS, registration);
    if (stored) {
      bus.send(Addresses.records(node), new AccountCommand.SaveRoom(registration), LOCAL);
    }
  }

  /** Numbers, publishes and keeps one event of {@code room}. */
  RoomEvent publish(OwnedRoom room, RoomEvent.Kind kind, long session, String from, String origin, String text) {
    return publish(room, kind, session, from, origin, text, null, 0);
  }

  /** {@link #publish}, for an event that acts on the member {@code target} ({@code targetSession}). */
  RoomEvent publish(OwnedRoom room, RoomEvent.Kind kind, long session, String from, String origin, String text,
                    String target, long targetSession) {
    return publish(room, kind, session, from, origin, text, target, targetSession, null);
  }

  /** {@link #publish}, with the {@code id} its sender's home gave it (null for a new one). */
  private RoomEvent publish(OwnedRoom room, RoomEvent.Kind kind, long session, String from, String origin, String text,
                            String target, long targetSession, String id) {
    long now = System.currentTimeMillis();
    room.lastUsed = now;
    RoomEvent e = new RoomEvent(kind, room.name, room.nextSeq(), id != null ? id : ids.next(now), now, session, from, text,
      room.epoch, origin, target, targetSession);
    bus.publish(room.address, e, LOCAL);
    // Services get the room's events in JSON from the owner, wherever in the cluster they listen.
    JsonObject json = JsonCodec.eventObject(e);
    bus.publish(room.apiAddress, json);
    if (kind == RoomEvent.Kind.JOIN || kind == RoomEvent.Kind.RENAME || e.departure()) {
      bus.publish(Addresses.API_PRESENCE, json);
    }
    if (peers.others()) {
      for (String n : room.nodes.keySet()) {
        if (!n.equals(node)) {
          bus.send(peers.deliverTo(n), e);
        }
      }
    }
    outbox.add(e);
    return e;
  }

  /**
   * The reply to {@code msg}, about {@code op}, now, or (durable) null, the reply coming once what it
   * acknowledges is stored.
   */
  Reply acknowledge(Message<?> msg, Reply.Accepted accepted, boolean durable, RouterMessage op) {
    if (!durable) {
      return accepted;
    }
    outbox.ackWhenStored(msg, accepted, op);
    return null;
  }
}
