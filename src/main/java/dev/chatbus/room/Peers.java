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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The network of routers as this one sees it: the {@link Ring} that says who owns each room, the cluster
 * node id of each router, and the routers that said goodbye. It meets the others ({@link PeerMessage.Hello},
 * answered with their sessions), tells them each change of this node's sessions ({@link PeerMessage.Update},
 * {@link PeerMessage.Gone}) and hears theirs, and notices routers leaving, by a {@link PeerMessage.Bye} or
 * when Hazelcast finds their node gone; what that means for rooms and members it leaves to {@link Changes}.
 *
 * <p>The routers list themselves in a Hazelcast map, {@code chatbus.routers}, but that list is only where
 * to look: Hazelcast lets in whoever reaches its port, so a router is one that answers over the event bus,
 * which only the cluster's own nodes can do once it runs over mutual TLS. A listed router that does not
 * answer is ignored, a name listed for a node that does not answer to it is taken back, and the cluster
 * node ids of the routers met are what the name registry trusts ({@link #proven}).
 */
final class Peers {

  private static final Logger log = LoggerFactory.getLogger(Peers.class);
  /** The start of a refused hello's message when the two routers' node tags clash. */
  private static final String TAG_CLASH = "node tag clash: ";
  /** How many listed routers that did not answer are remembered, so as to warn once about each. */
  private static final int MAX_UNANSWERED = 1000;
  /** How long a router waits for another to answer a hello or a release: it is alive, or it is skipped. */
  static final DeliveryOptions PEER = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(5).toMillis());
  /** How long {@link #ownedBy} waits: a router in reach answers within milliseconds. */
  private static final DeliveryOptions PROBE = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(1).toMillis());

  /** What the rest of the router does when the network changes. */
  interface Changes {
    /** The router of {@code other} has gone, and its users ({@code members}) with it, for {@code reason}. */
    void left(String other, List<Member> members, String reason);

    /** A stopping router says where it got to in the rooms it numbered, for their next owners. */
    void handedOver(List<PeerMessage.Handover> rooms);

    /** Too few routers are in reach now: the rooms this one numbers are for the majority's to number. */
    void quorumLost();

    /**
     * {@code other} has said who its users are ({@code members}), met for the first time or again: {@code gone}
     * are those it had and has no more, whose news did not come here.
     */
    void met(String other, List<Member> members, List<Member> gone);

    /**
     * {@code other}, found gone without a goodbye, is in reach again, its process never having stopped: the
     * two were on the two sides of a partition, or one was paused, and may each have given out names.
     */
    void metAgain(String other);
  }

  private final String node;
  private final Vertx vertx;
  private final Context context;
  private final Membership membership;
  private final Directory directory;
  private final PassedOn passedOn;
  private final Duration discoverEvery;
  /** How many routers, this one counted, it must reach to take rooms and names up. */
  private final int quorum;
  private boolean warnedNoQuorum;
  private Changes changes;
  private Ring ring;
  /** The cluster node id of each router in the ring, by node name. */
  private final Map<String, String> clusterIds = new HashMap<>();
  /** The cluster node ids of routers that said goodbye: a late hello from one of them is not a new router. */
  private final Map<String, String> departed = new HashMap<>();
  /**
   * The routers found gone without a goodbye, by cluster node id: one whose node is alive again was cut off
   * (or paused), not dead, and is a router of the network before it is met again.
   */
  private final Map<String, String> lost = new HashMap<>();
  /** When each other router in the ring joined it, met for the first time or again (milliseconds). */
  private final Map<String, Long> metAt = new HashMap<>();
  /** Listed routers that did not answer, warned about once each (node name and cluster node id). */
  private final Set<String> unanswered = new HashSet<>();
  /** This node's tag, chosen by {@link #survey}: no other router's has the same low 10 bits. */
  private int tag;
  /** The address of each node's deliveries, made once. */
  private final Map<String, String> deliverTo = new HashMap<>();
  /** The version of this node's sessions in the directory: one more with each change told to the others. */
  private long version;
  /** Stopping: this router numbers no room any more, and passes room commands on. */
  private boolean leaving;
  private AsyncMap<String, String> routers;
  private long discoverTimer = -1;
  private Runnable stopListening = () -> { };

  Peers(String node, Vertx vertx, Context context, Membership membership, Directory directory, PassedOn passedOn,
        Duration discoverEvery, int quorum) {
    this.quorum = quorum;
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

  /**
   * Whether this router reaches enough of the network (a majority of {@code cluster.expectedSize}, itself
   * counted) to take rooms and names up: always, without split-brain protection.
   */
  boolean quorate() {
    return ring.size() >= quorum;
  }

  /** How many routers, this one counted, it must reach to take rooms and names up. */
  int quorum() {
    return quorum;
  }

  /** Why this router takes no room or name up now, for the refusals that say so. */
  String noQuorum() {
    return "only " + ring.size() + " of the network's nodes are in reach (" + quorum + " are needed to go on); try again";
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

  /** Whether {@code other} joined the network as this router sees it, or was met again, less than {@code millis} ago. */
  boolean metWithin(String other, long millis) {
    Long at = metAt.get(other);
    return at != null && System.currentTimeMillis() - at < millis;
  }

  /**
   * The routers found gone without a goodbye whose nodes are members of the cluster again, and that this
   * router has not met again yet: cut off or paused, they may still number rooms, and this router does not
   * know their users.
   */
  List<String> unmet() {
    List<String> unmet = new ArrayList<>();
    lost.forEach((clusterId, other) -> {
      if (membership.alive(clusterId) && !ring.contains(other)) {
        unmet.add(other);
      }
    });
    return unmet;
  }

  /** Whether router {@code other} answers, within a second, that it sees itself as the owner of {@code room}. */
  Future<Boolean> ownedBy(String other, String room) {
    return vertx.eventBus().request(Addresses.router(other), new PeerMessage.Owns(room), PROBE)
      .transform(ar -> Future.succeededFuture(ar.succeeded()));
  }

  /** Whether this router has met a router on every node of the cluster: it sees the whole network. */
  boolean seesAll() {
    for (String clusterId : membership.nodes()) {
      if (!clusterIds.containsValue(clusterId)) {
        return false;
      }
    }
    return true;
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

  /** This node's own check of whether one of its sessions holds (or is taking) a name. */
  interface LocalHolds {
    boolean holds(long session, String key);
  }

  private LocalHolds localHolds = (session, key) -> true;

  void onHolds(LocalHolds holds) {
    this.localHolds = holds;
  }

  /**
   * Whether the router on cluster node {@code clusterId} holds the name {@code key} for its session
   * {@code session}: this one answers for itself; another router met, or lost and alive again but not met
   * yet, is asked over the event bus (where only the network's routers answer), and counts as holding it
   * when it cannot be asked; a node that is no router of the network holds nothing.
   */
  Future<Boolean> holds(String clusterId, long session, String key) {
    if (clusterId.equals(membership.self())) {
      return Future.succeededFuture(localHolds.holds(session, key));
    }
    String other = null;
    for (Map.Entry<String, String> e : clusterIds.entrySet()) {
      if (e.getValue().equals(clusterId)) {
        other = e.getKey();
      }
    }
    if (other == null) {
      other = lost.get(clusterId);
    }
    if (other == null || !membership.alive(clusterId)) {
      return Future.succeededFuture(false);
    }
    return vertx.eventBus().<Reply>request(Addresses.router(other), new PeerMessage.Holds(key, session), PEER)
      .map(answer -> true)
      .recover(err -> Future.succeededFuture(ErrorCode.ofRefusal(err) != ErrorCode.NO_SUCH_USER));
  }

  /** Whether a failed request to {@code other} means its router is gone, rather than slow. */
  boolean gone(String other, Throwable err) {
    String clusterId = clusterIds.get(other);
    return clusterId == null || !membership.alive(clusterId)
      || (err instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS);
  }

  /**
   * Before this router is listed: asks each listed router who it is, and picks this node's tag, {@code hint}
   * (from the cluster's shared counter) unless a router that answers has one with the same low 10 bits (the
   * bits of a message id), which only happens when the counter has been tampered with: then a free one.
   */
  Future<Integer> survey(int hint) {
    return vertx.sharedData().<String, String>getAsyncMap("chatbus.routers")
      .compose(map -> {
        routers = map;
        return map.entries();
      })
      .compose(listed -> {
        List<Future<Reply.Directory>> asked = new ArrayList<>();
        listed.forEach((name, clusterId) -> {
          if (!name.equals(node) && membership.alive(clusterId)) {
            asked.add(who(name, clusterId));
          }
        });
        return Future.join(asked).transform(ar -> {
          Map<Integer, String> inUse = new HashMap<>();
          for (Future<Reply.Directory> a : asked) {
            if (a.succeeded()) {
              inUse.put(a.result().tag() & 0x3ff, a.result().node());
            }
          }
          tag = hint;
          if (inUse.containsKey(hint & 0x3ff)) {
            while (inUse.containsKey(tag & 0x3ff)) {
              tag = ThreadLocalRandom.current().nextInt(1 << 16);
            }
            log.warn("node tag {} from the shared counter chatbus.nodeTags is router {}'s; it may have been tampered "
              + "with: this node takes {}", hint, inUse.get(hint & 0x3ff), tag);
          }
          return Future.succeededFuture(tag);
        });
      });
  }

  /** Asks the router listed as {@code name} (on cluster node {@code listedAs}) who it is. */
  private Future<Reply.Directory> who(String name, String listedAs) {
    return vertx.eventBus().<Reply>request(Addresses.router(name), new PeerMessage.Who(), PEER)
      .map(answer -> (Reply.Directory) answer.body())
      .onFailure(err -> unanswered(name, listedAs, err));
  }

  /** Answers {@link PeerMessage.Who}. */
  Reply.Directory onWho() {
    return ownDirectory();
  }

  /**
   * Lists this router under its node name (which must not be a running router's), starts {@code listening}
   * to its address, and meets every router listed; then keeps looking, in case one was starting while this
   * one looked, or the list lost an entry. Fails if routers are listed and none of them answers: this
   * node's event bus is not the cluster's (its certificate, most likely).
   */
  Future<?> join(Supplier<Future<?>> listening) {
    stopListening = membership.onLeft(() -> context.runOnContext(v -> nodesLeft()));
    return list()
      .compose(listed -> listed ? listening.get()
        : Future.failedFuture("the node name " + node + " is taken by a running node; give every node its own nodeName"))
      .compose(v -> discover(true))
      .onSuccess(v -> discoverTimer = vertx.setPeriodic(discoverEvery.toMillis(), id -> list()
        .compose(listed -> discover(false))
        .onFailure(err -> log.warn("looking for other routers failed: {}", err.getMessage()))));
  }

  /**
   * Lists this router under its name, or finds it listed: false if a running router answers to the name. An
   * entry whose node does not answer to it (one of a node that is not a router of the network) is taken back.
   */
  private Future<Boolean> list() {
    String self = membership.self();
    return routers.putIfAbsent(node, self).compose(previous -> {
      if (previous == null || previous.equals(self) || leaving) {
        return Future.succeededFuture(true);
      }
      if (!membership.alive(previous)) {
        return routers.replaceIfPresent(node, previous, self);
      }
      if (discoverTimer >= 0) {
        // Running: this router answers to its name itself, so whoever listed another node under it is not a router.
        log.warn("this router's name {} was listed for cluster node {}, not a router of the network: taken back", node,
          previous);
        return routers.replaceIfPresent(node, previous, self);
      }
      return who(node, previous).transform(ar -> {
        if (ar.succeeded() && ar.result().clusterId().equals(previous)) {
          return Future.succeededFuture(false);
        }
        log.warn("the node name {} was listed for cluster node {}, which does not answer to it: taken back", node, previous);
        return routers.replaceIfPresent(node, previous, self);
      });
    });
  }

  /** Stops looking for routers and takes this one off the list; it is stopping from now on. */
  Future<?> leave() {
    if (discoverTimer >= 0) {
      vertx.cancelTimer(discoverTimer);
    }
    stopListening.run();
    Future<?> unlisted = routers == null ? Future.succeededFuture() : routers.removeIfPresent(node, membership.self());
    return unlisted.andThen(ar -> leaving = true);
  }

  /**
   * Says hello to every listed router not met yet; completes when each has answered or failed to. When
   * {@code starting}, fails if none answered, or one has this node's tag.
   */
  private Future<?> discover(boolean starting) {
    return routers.entries().compose(listed -> {
      List<Future<?>> hellos = new ArrayList<>();
      listed.forEach((name, clusterId) -> {
        if (name.equals(node) || ring.contains(name)) {
          return;
        }
        if (membership.alive(clusterId)) {
          hellos.add(hello(name).onFailure(err -> unanswered(name, clusterId, err)));
        } else {
          routers.removeIfPresent(name, clusterId);
        }
      });
      return Future.join(hellos).transform(ar -> {
        if (!starting || hellos.isEmpty()) {
          return Future.succeededFuture();
        }
        for (Future<?> h : hellos) {
          if (h.failed() && h.cause().getMessage() != null && h.cause().getMessage().startsWith(TAG_CLASH)) {
            return Future.failedFuture(h.cause());
          }
        }
        if (hellos.stream().anyMatch(Future::succeeded)) {
          return Future.succeededFuture();
        }
        return Future.failedFuture("no router listed in the cluster answers over the event bus (" + ar.cause().getMessage()
          + "): is this node's cluster.tls certificate one of the cluster's authority?");
      });
    });
  }

  /** A listed router did not answer: said once for each, since the list is anyone's to write to. */
  private void unanswered(String name, String clusterId, Throwable err) {
    if (unanswered.size() >= MAX_UNANSWERED) {
      // Whoever fills the list with entries is warned about again, rather than held in memory forever.
      unanswered.clear();
    }
    if (unanswered.add(name + "@" + clusterId)) {
      log.warn("router {} is listed for cluster node {}, but does not answer over the event bus ({}): ignored until it does",
        name, clusterId, err.getMessage());
    }
  }

  /** Says hello to {@code other}, and meets it with the sessions it answers with. */
  Future<?> hello(String other) {
    return vertx.eventBus().<Reply>request(Addresses.router(other), new PeerMessage.Hello(ownDirectory()), PEER)
      .map(answer -> {
        met((Reply.Directory) answer.body());
        return null;
      })
      .onFailure(err -> log.debug("router {} did not answer hello: {}", other, err.getMessage()));
  }

  /**
   * Another router says hello, and is answered with this node's sessions. One met already is met again with
   * its sessions; one not met yet is met once it answers this router's own hello. That it reached this
   * router does not mean this one reaches it: just after a partition heals, the node that merged back can
   * send to the others some seconds before they can connect to it, and what they sent it meanwhile would be
   * lost without a word.
   */
  Reply onHello(PeerMessage.Hello h) {
    if (leaving) {
      throw new Refusal(ErrorCode.SHUTTING_DOWN, node + " is stopping");
    }
    Reply.Directory d = h.sender();
    try {
      if (ring.contains(d.node()) && d.clusterId().equals(clusterIds.get(d.node()))) {
        met(d);
      } else {
        checkTag(d);
        hello(d.node());
      }
    } catch (IllegalStateException clash) {
      throw new Refusal(ErrorCode.BAD_REQUEST, clash.getMessage());
    }
    return ownDirectory();
  }

  /** Refuses to meet a router whose tag's low 10 bits are this node's (IllegalStateException). */
  private void checkTag(Reply.Directory d) {
    if ((d.tag() & 0x3ff) == (tag & 0x3ff)) {
      log.error("router {} (cluster node {}) has node tag {}, which clashes with this node's {}: not met", d.node(),
        d.clusterId(), d.tag(), tag);
      throw new IllegalStateException(TAG_CLASH + d.node() + " has node tag " + d.tag() + ", " + node + " has " + tag);
    }
  }

  /** This node's sessions, as of now. */
  private Reply.Directory ownDirectory() {
    return new Reply.Directory(node, membership.self(), tag, version, directory.sessionsOf(node));
  }

  /**
   * Another router is up, with these sessions: it takes its share of the rooms from now on; unless its tag's
   * low 10 bits are this node's, when their message ids could be the same (IllegalStateException).
   */
  private void met(Reply.Directory d) {
    String other = d.node();
    String clusterId = d.clusterId();
    if (!membership.alive(clusterId) || clusterId.equals(departed.get(other)) || leaving) {
      return;
    }
    checkTag(d);
    String known = clusterIds.get(other);
    if (known != null && !known.equals(clusterId)) {
      // The node restarted under its name before its old self was found dead: its old users are gone.
      removeNode(other, "connection lost: " + other + " restarted");
    }
    boolean isNew = !ring.contains(other);
    clusterIds.put(other, clusterId);
    ring = ring.with(other);
    List<Member> gone = directory.replace(other, d.version(), d.sessions());
    changes.met(other, d.sessions(), gone);
    if (isNew) {
      metAt.put(other, System.currentTimeMillis());
      log.info("router {} joined: the network is {}", other, ring);
      if (quorum <= 1 && ring.size() >= 3 && !warnedNoQuorum) {
        warnedNoQuorum = true;
        log.warn("the network has {} nodes and cluster.expectedSize is not set: in a partition both sides would take "
          + "rooms and names up on their own; set it to the number of nodes", ring.size());
      } else if (ring.size() == quorum) {
        log.info("{} of the network's nodes are in reach: taking rooms and names up", ring.size());
      }
      if (lost.remove(clusterId) != null) {
        changes.metAgain(other);
      }
    }
  }

  /** Hazelcast has found a node gone: whichever routers ran there have gone with it. */
  void nodesLeft() {
    for (String other : ring.nodes()) {
      String clusterId = clusterIds.get(other);
      if (!other.equals(node) && !membership.alive(clusterId)) {
        if (clusterId != null) {
          lost.put(clusterId, other);
        }
        removeNode(other, "connection lost: " + other + " left the network");
      }
    }
    // A router that said goodbye still answers what it was asked, until its node leaves.
    for (Map.Entry<String, String> d : new ArrayList<>(departed.entrySet())) {
      if (!membership.alive(d.getValue())) {
        passedOn.left(d.getKey());
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
    boolean wasQuorate = quorate();
    ring = ring.without(other);
    clusterIds.remove(other);
    metAt.remove(other);
    if (wasQuorate && !quorate()) {
      log.warn("{}: numbering no room and giving no name out", noQuorum());
      changes.quorumLost();
    }
    List<Member> gone = directory.drop(other);
    log.info("router {} left with {} users: the network is {}", other, gone.size(), ring);
    if (!departed.containsKey(other)) {
      passedOn.left(other);
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
