package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.cluster.Membership;
import dev.chatbus.cluster.Ring;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The network of routers as this one sees it: the {@link Ring} that says who owns each room, the cluster
 * node id of each router, and the routers that said goodbye. It meets the others ({@link PeerMessage.Hello},
 * answered with their sessions), tells them each change of this node's sessions ({@link PeerMessage.Update},
 * {@link PeerMessage.Gone}) and hears theirs, and notices routers leaving, by a {@link PeerMessage.Bye} or
 * when Hazelcast finds their node gone; what that means for rooms and members it leaves to {@link Changes}.
 */
final class Peers {

  private static final Logger log = LoggerFactory.getLogger(Peers.class);
  /** How long a router waits for another to answer a hello or a release: it is alive, or it is skipped. */
  static final DeliveryOptions PEER = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(5).toMillis());

  /** What the rest of the router does when the network changes. */
  interface Changes {
    /** The router of {@code other} has gone, and its users ({@code members}) with it, for {@code reason}. */
    void left(String other, List<Member> members, String reason);

    /** A stopping router says where it got to in the rooms it numbered, for their next owners. */
    void handedOver(List<PeerMessage.Handover> rooms);
  }

  private final String node;
  private final Vertx vertx;
  private final Context context;
  private final Membership membership;
  private final Directory directory;
  private final PassedOn passedOn;
  private final Duration discoverEvery;
  private Changes changes;
  private Ring ring;
  /** The cluster node id of each router in the ring, by node name. */
  private final Map<String, String> clusterIds = new HashMap<>();
  /** The cluster node ids of routers that said goodbye: a late hello from one of them is not a new router. */
  private final Map<String, String> departed = new HashMap<>();
  /** The address of each node's deliveries, made once. */
  private final Map<String, String> deliverTo = new HashMap<>();
  /** The version of this node's sessions in the directory: one more with each change told to the others. */
  private long version;
  /** Stopping: this router numbers no room any more, and passes room commands on. */
  private boolean leaving;
  private AsyncMap<String, String> routers;
  private long discoverTimer = -1;

  Peers(String node, Vertx vertx, Context context, Membership membership, Directory directory, PassedOn passedOn,
        Duration discoverEvery) {
    this.node = node;
    this.vertx = vertx;
    this.context = context;
    this.membership = membership;
    this.directory = directory;
    this.passedOn = passedOn;
    this.discoverEvery = discoverEvery;
    this.ring = Ring.of(node);
    clusterIds.put(node, membership.self());
    directory.replace(node, 0, List.of());
  }

  void onChanges(Changes changes) {
    this.changes = changes;
  }

  /** The owner of {@code room}: among the other routers once this one is stopping. */
  String owner(String room) {
    return leaving && ring.size() > 1 ? ring.without(node).owner(room) : ring.owner(room);
  }

  /** Whether this router owns {@code room}. */
  boolean owns(String room) {
    return owner(room).equals(node);
  }

  boolean leaving() {
    return leaving;
  }

  /** Whether there are other routers in the network. */
  boolean others() {
    return ring.size() > 1;
  }

  /** Whether {@code other} is in the network as this router sees it. */
  boolean knows(String other) {
    return ring.contains(other);
  }

  /** The other routers. */
  List<String> otherNodes() {
    List<String> others = new ArrayList<>(List.of(ring.nodes()));
    others.remove(node);
    return others;
  }

  /** Where the room events for {@code other}'s node go. */
  String deliverTo(String other) {
    return deliverTo.computeIfAbsent(other, Addresses::deliver);
  }

  /** Whether a failed request to {@code other} means its router is gone, rather than slow. */
  boolean gone(String other, Throwable err) {
    String clusterId = clusterIds.get(other);
    return clusterId == null || !membership.alive(clusterId)
      || (err instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS);
  }

  /**
   * Lists this router under its node name (which must not be a running node's) and meets every router
   * listed; then keeps looking, in case one was starting while this one looked.
   */
  Future<?> join() {
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

  /** Stops looking for routers and takes this one off the list; it is stopping from now on. */
  Future<?> leave() {
    if (discoverTimer >= 0) {
      vertx.cancelTimer(discoverTimer);
    }
    Future<?> unlisted = routers == null ? Future.succeededFuture() : routers.removeIfPresent(node, membership.self());
    return unlisted.andThen(ar -> leaving = true);
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

  /** Says hello to {@code other}, and meets it with the sessions it answers with. */
  Future<?> hello(String other) {
    return vertx.eventBus().<Reply>request(Addresses.router(other), new PeerMessage.Hello(ownDirectory()), PEER)
      .onSuccess(answer -> met((Reply.Directory) answer.body()))
      .onFailure(err -> log.debug("router {} did not answer hello: {}", other, err.getMessage()));
  }

  /** Another router says hello: it is met, and answered with this node's sessions. */
  Reply onHello(PeerMessage.Hello h) {
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
        passedOn.fail(d.getKey());
        departed.remove(d.getKey());
      }
    }
  }

  /**
   * {@code other} has gone: requests passed on to it fail, and its rooms and users are the business of
   * {@link Changes#left}.
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
      passedOn.fail(other);
    }
    changes.left(other, gone, reason);
  }

  /** Another router is stopping: where it got to in its rooms is kept for their next owners. */
  void onBye(PeerMessage.Bye bye) {
    String clusterId = clusterIds.get(bye.node());
    if (clusterId != null) {
      departed.put(bye.node(), clusterId);
    }
    changes.handedOver(bye.rooms());
    removeNode(bye.node(), "server shutting down");
  }

  void onUpdate(PeerMessage.Update u) {
    onChange(u.node(), u.version(), () -> directory.put(u.node(), u.version(), u.member()));
  }

  void onGone(PeerMessage.Gone g) {
    onChange(g.node(), g.version(), () -> directory.remove(g.node(), g.version(), g.session()));
  }

  /** A change of another node's sessions; a gap in its versions means one was missed, so all are asked for again. */
  private void onChange(String other, long otherVersion, Runnable apply) {
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

  /** One of this node's sessions is new or has changed: in the directory, and told to every other router. */
  void changed(Member m) {
    directory.put(node, ++version, m);
    tellOthers(new PeerMessage.Update(node, version, m));
  }

  /** One of this node's sessions has ended: out of the directory, and told to every other router. */
  void ended(long session) {
    directory.remove(node, ++version, session);
    tellOthers(new PeerMessage.Gone(node, version, session));
  }

  /** Tells every other router {@code m}, without waiting for an answer. */
  void tellOthers(PeerMessage m) {
    if (ring.size() > 1) {
      for (String other : ring.nodes()) {
        if (!other.equals(node)) {
          vertx.eventBus().send(Addresses.router(other), m);
        }
      }
    }
  }
}
