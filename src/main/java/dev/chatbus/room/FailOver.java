package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the {@link Owner}'s work follows the network as it changes: commands passed on here by routers that
 * see another network than this one are held until the two agree; what a router left without answering is
 * asked again of whoever should answer it now ({@link PassedOn.Rerouting}); posts the store refused because
 * another router claimed their rooms are carried out again where the rooms are now ({@link Outbox.Refused});
 * and the members of a router met, or gone, are counted in or let out of the rooms this router numbers.
 * Touched only on the router's context.
 */
final class FailOver {

  /** How often a command passed on to a router that does not own its room looks again. */
  private static final long RETRY_MILLIS = 200;
  /**
   * How long such a command is held for the routers to agree on the network: more than Hazelcast's failure
   * detector takes to find a node gone (10 s, conf/cluster.xml).
   */
  private static final long SETTLE_MILLIS = 15_000;

  private final Owner owner;
  private final String node;
  private final Vertx vertx;
  private final Peers peers;
  private final PassedOn passedOn;
  private final TakeOver takeOver;
  private final Directory directory;
  private final Outbox outbox;
  private final Answers answers;
  private final Relays relays;
  private final int announceUpTo;
  /** By room, the commands held until this router sees the network as the routers that sent them do. */
  private final Map<String, Unsettled> unsettled = new HashMap<>();

  FailOver(Owner owner, String node, Vertx vertx, Peers peers, PassedOn passedOn, TakeOver takeOver,
           Directory directory, Outbox outbox, Answers answers, Relays relays, int announceUpTo) {
    this.owner = owner;
    this.node = node;
    this.vertx = vertx;
    this.peers = peers;
    this.passedOn = passedOn;
    this.takeOver = takeOver;
    this.directory = directory;
    this.outbox = outbox;
    this.answers = answers;
    this.relays = relays;
    this.announceUpTo = announceUpTo;
    passedOn.reroute(new PassedOn.Rerouting() {
      @Override
      public boolean reroutable(RouterMessage m) {
        return m instanceof RoomCommand || m instanceof PeerMessage.Relay;
      }

      @Override
      public Future<Reply> again(RouterMessage m) {
        return FailOver.this.again(m);
      }

      @Override
      public Future<Reply> ask(RoomCommand m) {
        return askOwner(m);
      }

      @Override
      public boolean knows(String router) {
        return peers.knows(router);
      }
    });
  }

  /** Whether commands for {@code room} are held until this router sees the network as their senders do. */
  boolean holding(String room) {
    return !unsettled.isEmpty() && unsettled.containsKey(room);
  }

  /**
   * Holds {@code op}, behind the room's commands held already, until this router sees the network as the
   * router that passed it on does (see {@link Unsettled}); the future completes once it is carried out,
   * turned down or passed on.
   */
  Future<Void> hold(RoomCommand op, Message<?> msg) {
    return unsettled.computeIfAbsent(op.room(), Unsettled::new).add(op, msg);
  }

  /**
   * The commands for a room passed on here by routers that see it as this router's while this one sees it
   * as another's, held in order until the two agree. A router that found the owner this one sees gone
   * before this one did is ahead: the commands wait until this router finds it gone too, and owns the
   * room. A router that has not yet met an owner this one has just met (a node back from a partition, or
   * just started) is behind: once this router sees the whole network (a router met on every node of the
   * cluster) and that owner answers that it owns the room ({@link Peers#ownedBy}), the commands go there.
   * An owner cut off or paused does not answer, and what waits for it stays here. Past
   * {@link #SETTLE_MILLIS} they are carried out as this router sees it: refused as retryable when someone
   * waits for an answer, else routed to the owner it sees.
   */
  private final class Unsettled {
    private record Held(RoomCommand op, Message<?> msg, Promise<Void> done) {
    }

    private final String room;
    private final long since = System.currentTimeMillis();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Whether the owner this router sees is being asked whether it owns the room. */
    private boolean asking;

    Unsettled(String room) {
      this.room = room;
      vertx.setTimer(RETRY_MILLIS, id -> look());
    }

    Future<Void> add(RoomCommand op, Message<?> msg) {
      Promise<Void> done = Promise.promise();
      held.add(new Held(op, msg, done));
      return done.future();
    }

    private void look() {
      if (unsettled.get(room) != this) {
        return;
      }
      boolean settled = peers.owns(room) || takeOver.held(room) != null;
      if (settled || System.currentTimeMillis() - since >= SETTLE_MILLIS) {
        release(settled, false);
        return;
      }
      String to = peers.owner(room);
      if (!asking && peers.seesAll() && peers.metWithin(to, SETTLE_MILLIS)) {
        asking = true;
        peers.ownedBy(to, room).onComplete(owns -> {
          asking = false;
          if (owns.result() && unsettled.get(room) == this && to.equals(peers.owner(room))) {
            release(false, true);
          }
        });
      }
      vertx.setTimer(RETRY_MILLIS, id -> look());
    }

    /**
     * Carries the held commands out in order: as this router's own once {@code settled}; else passed on to
     * the owner it sees ({@code passOn}), or, past the wait, refused when someone waits for an answer.
     */
    private void release(boolean settled, boolean passOn) {
      unsettled.remove(room);
      for (Held h : held) {
        if (settled || !h.op().forwarded()) {
          owner.run(h.op(), h.msg()).onComplete(h.done());
        } else if (!passOn && Answers.expected(h.msg())) {
          answers.refuse(h.op(), h.msg(), ErrorCode.RETRY, "the network is changing; try again");
          h.done().complete();
        } else {
          owner.run(h.op().asForwarded(false), h.msg()).onComplete(h.done());
        }
      }
      outbox.added();
    }
  }

  /**
   * {@code m}, which a router left the network without answering, asked again of whoever should answer it
   * now ({@link PassedOn.Rerouting}): of the room's owner as this router sees the network, a post marked as
   * sent again; the posts of a relay are relayed again, to their rooms' owners. What is this router's own
   * now is carried out at once ({@link AskedHere}), so that it keeps its order before what came meanwhile.
   */
  private Future<Reply> again(RouterMessage m) {
    if (m instanceof PeerMessage.Relay relay) {
      Map<String, List<RoomCommand.Post>> byOwner = new LinkedHashMap<>();
      for (RoomCommand.Post p : relay.posts()) {
        byOwner.computeIfAbsent(peers.owner(p.room()), k -> new ArrayList<>()).add(p.sentAgain());
      }
      List<Future<Reply>> sent = new ArrayList<>();
      byOwner.forEach((to, posts) -> {
        if (to.equals(node)) {
          Promise<Reply> answer = Promise.promise();
          PeerMessage.Relay here = new PeerMessage.Relay(posts);
          owner.relayed(here, new AskedHere(here, answer));
          sent.add(relays.tellSenders(posts, answer.future()));
        } else {
          sent.add(relays.send(to, posts));
        }
      });
      outbox.added();
      // Each relay sent again tells its own posts' senders if it fails.
      return Future.join(sent).transform(ar -> Future.succeededFuture(new Reply.Done()));
    }
    RoomCommand op = (RoomCommand) m;
    return askOwner(op instanceof RoomCommand.Post p ? p.sentAgain() : op);
  }

  /** Asks {@code op} of the room's owner as this router sees the network now: carried out at once if it is this one. */
  private Future<Reply> askOwner(RoomCommand op) {
    String to = peers.owner(op.room());
    if (to.equals(node)) {
      Promise<Reply> answer = Promise.promise();
      owner.run(op.asForwarded(false), new AskedHere(op, answer));
      outbox.added();
      return answer.future();
    }
    boolean durable = op instanceof RoomCommand.Post p && p.durable();
    return passedOn.request(to, op.asForwarded(true), Addresses.toRouter(durable));
  }

  /**
   * What becomes of posts the store refused because another router claimed their rooms while this one,
   * paused or cut off, still numbered them: this router no longer numbers those rooms, and its own clients'
   * posts are carried out again where the rooms are now, as posts sent again, found there if they were
   * stored. What another router passed on here is refused as retryable: that router asked it again of the
   * room's next owner when it found this one gone (which the claim says it did), and asked again from here
   * too, a relay that failed would tell its senders a line is lost that the next owner stored.
   */
  Outbox.Refused refused() {
    return new Outbox.Refused() {
      @Override
      public void answerAgain(RouterMessage op, Message<?> request) {
        if (request instanceof AskedHere || op instanceof RoomCommand c && !c.forwarded()) {
          Answers.reply(request, again(op));
        } else {
          request.fail(ErrorCode.RETRY.code(), "not stored: another node has taken the room over; say it again");
        }
      }

      @Override
      public void postAgain(RoomEvent e) {
        owner.run(new RoomCommand.Post(e.room(), e.senderSession(), e.from(), e.origin(), e.text(), e.kind(), false,
          e.id(), true, false), null);
        outbox.added();
      }
    };
  }

  /**
   * Router {@code other} has said who its users are: those in rooms this router numbers that the room does
   * not count yet are counted in, announced as joining (as after a partition, when this side found them gone
   * or took a room up before it met them again); those it no longer has, whose leaving never came here,
   * leave.
   */
  void nodeMet(String other, List<Member> members, List<Member> gone) {
    for (Member m : gone) {
      for (String room : m.rooms()) {
        OwnedRoom r = takeOver.held(room);
        if (r != null && r.has(m.session()) && peers.owns(room)) {
          owner.run(new RoomCommand.Exit(room, m.session(), m.name(), m.origin(), "connection lost", true, true), null);
        }
      }
    }
    for (Member m : members) {
      for (String room : m.rooms()) {
        OwnedRoom r = takeOver.held(room);
        if (r != null && !r.has(m.session()) && peers.owns(room)) {
          r.enter(m.session(), m.node(), m.name(), m.origin());
          if (directory.count(room) <= announceUpTo) {
            owner.publish(r, RoomEvent.Kind.JOIN, m.session(), m.name(), m.origin(), null);
          }
        }
      }
    }
    outbox.added();
  }

  /**
   * The router of {@code other} has gone with its users ({@code members}): they leave every room, announced
   * by the rooms' owners, this router for the rooms it owns.
   */
  void nodeGone(String other, List<Member> members, String reason) {
    // First the members this router counted in its own rooms, then any the directory knew of besides.
    Map<String, Set<Long>> announced = new HashMap<>();
    for (OwnedRoom r : takeOver.held()) {
      int before = r.size();
      Map<Long, OwnedRoom.At> dropped = r.dropNode(other);
      announced.put(r.name, dropped.keySet());
      // A room this router still numbers but no longer owns is announced by its owner when taken up.
      if (before <= announceUpTo && peers.owns(r.name)) {
        dropped.forEach((session, at) -> owner.publish(r, RoomEvent.Kind.QUIT, session, at.name(), at.origin(), reason));
      }
    }
    for (Member m : members) {
      for (String room : m.rooms()) {
        if (!peers.leaving() && peers.owns(room) && !announced.getOrDefault(room, Set.of()).contains(m.session())) {
          owner.run(new RoomCommand.Exit(room, m.session(), m.name(), m.origin(), reason, true, true), null);
        }
      }
    }
    outbox.added();
  }
}
