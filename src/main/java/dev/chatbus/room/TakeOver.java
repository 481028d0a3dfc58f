package dev.chatbus.room;

import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Registration;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomRules;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.bus.Topic;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The rooms this router numbers, and how their numbering changes hands. Before numbering a room the router
 * takes it up ({@link #open}): every other router stops numbering it and says where it got to
 * ({@link PeerMessage.Release}), then the store records a new epoch ({@link Persist.Claim}), or, for a
 * room this run set aside itself for want of use, says where it got to in its epoch ({@link Persist.Look}).
 * Asked by another router, it gives a room up with where it got to ({@link #release}); stopping, it hands
 * them all over ({@link #handAllOver}); and it sets aside the rooms no one has used for
 * {@code rooms.evictAfter} ({@link #evictIdle}).
 */
final class TakeOver {

  private static final Logger log = LoggerFactory.getLogger(TakeOver.class);
  /** How soon a take-up refused by a router that has not met this one yet is tried again. */
  private static final long RETRY_MILLIS = 200;
  /** How long a take-up is tried again: longer than the failure detector takes. */
  private static final long SETTLE_MILLIS = 15_000;
  /**
   * How long a room given up waits for what this router numbered in it to be written, before saying where it
   * got to: well within the time the router taking it up waits for the answer ({@link Peers#PEER}).
   */
  private static final long WRITTEN_MILLIS = 2_000;

  private final String node;
  /** This run of this router, recorded with the epochs it claims. */
  private final String run;
  private final Vertx vertx;
  private final EventBus bus;
  private final Peers peers;
  private final Directory directory;
  private final Outbox outbox;
  private final Readers readers;
  private final NodeMetrics metrics;
  private final Duration evictAfter;
  private final RegisteredRooms registered;
  /** The rooms this router numbers. */
  private final Map<String, OwnedRoom> held = new HashMap<>();
  /** Rooms whose numbering is being taken up, with the commands waiting for it. */
  private final Map<String, Future<OwnedRoom>> opening = new HashMap<>();
  /** Where stopped routers got to in the rooms they numbered, for whoever takes each up next. */
  private final Map<String, PeerMessage.Handover> handedOver = new HashMap<>();
  /** Rooms this router is taking up that another router, first in name order, takes up at the same time. */
  private final Set<String> yielded = new HashSet<>();
  /**
   * Rooms this router handed to another while writing to the store failed: the other may number them from
   * the handover without recording a new epoch, so the store may still show this run's epoch for them;
   * they are claimed anew, never taken up again in that epoch. (With the store up, the other's claim
   * records its own epoch.)
   */
  private final Set<String> handedAway = new HashSet<>();

  TakeOver(String node, String run, Vertx vertx, Peers peers, Directory directory, Outbox outbox, Readers readers,
           NodeMetrics metrics, Duration evictAfter, RegisteredRooms registered) {
    this.registered = registered;
    this.node = node;
    this.run = run;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.peers = peers;
    this.directory = directory;
    this.outbox = outbox;
    this.readers = readers;
    this.metrics = metrics;
    this.evictAfter = evictAfter;
  }

  /** The room, if this router numbers it. */
  OwnedRoom held(String room) {
    return held.get(room);
  }

  /** Every room this router numbers. */
  Collection<OwnedRoom> held() {
    return held.values();
  }

  /** Whether {@code room} is being taken up. */
  boolean opening(String room) {
    return opening.containsKey(room);
  }

  /** The later of the topics the last owner and the store know of. */
  private static Topic topic(PeerMessage.Handover lastOwner, AsyncResult<Persist.Claimed> claimed) {
    return Topic.later(lastOwner == null ? null : lastOwner.topic(), claimed.succeeded() ? claimed.result().topic() : null);
  }

  /**
   * Takes up the numbering of {@code room}: every other router stops numbering it and says where it got to,
   * then the store gives a new epoch. The commands that wait for it run in the order they came. If a
   * router that is alive does not answer, the room is not taken up (it may still be numbering it); if only
   * the store fails, the numbering goes on from where the last owner got to, when it said so. Nor is it
   * taken up unless a majority of the network ({@code cluster.expectedSize}) answered, this router counted:
   * one whose cluster has just found the others gone, before it finds itself alone, takes nothing.
   */
  Future<OwnedRoom> open(String room) {
    Future<OwnedRoom> pending = opening.get(room);
    if (pending != null) {
      return pending;
    }
    Promise<OwnedRoom> opened = Promise.promise();
    opening.put(room, opened.future());
    attempt(room, opened, System.currentTimeMillis());
    return opened.future();
  }

  /**
   * One attempt at taking {@code room} up, begun at {@code since}: tried again a moment later while a router
   * that does not count this one in the network yet refuses (it has just met it again, after a partition,
   * or not yet at all), or one back in the cluster has not been met again here, for up to 15 s.
   */
  private void attempt(String room, Promise<OwnedRoom> opened, long since) {
    List<String> unmet = peers.unmet();
    if (!unmet.isEmpty()) {
      // A router back in the cluster, not met again yet, may number the room, and its users are not known
      // here: taken up now, the room would lack them, and their posts would be turned down.
      if (System.currentTimeMillis() - since < SETTLE_MILLIS && !peers.leaving()) {
        vertx.setTimer(RETRY_MILLIS, id -> attempt(room, opened, since));
        return;
      }
      opening.remove(room);
      opened.fail(new Refusal(ErrorCode.RETRY, "#" + room + " cannot be taken up until " + String.join(", ", unmet)
        + " is met again; try again"));
      return;
    }
    List<Future<Reply.Released>> asked = new ArrayList<>();
    for (String other : peers.otherNodes()) {
      asked.add(bus.<Reply>request(Addresses.router(other), new PeerMessage.Release(room, node), Peers.PEER)
        .map(answer -> (Reply.Released) answer.body())
        .recover(err -> peers.gone(other, err) ? Future.succeededFuture(GONE)
          : Future.failedFuture(new Refusal(ErrorCode.ofRefusal(err) == ErrorCode.RETRY ? ErrorCode.RETRY : ErrorCode.INTERNAL,
            other + " did not say whether it numbers #" + room + ": " + err.getMessage()))));
    }
    Future.join(asked).onComplete(all -> {
      PeerMessage.Handover last = handedOver.remove(room);
      int answered = 1;
      for (Future<Reply.Released> f : asked) {
        if (f.succeeded() && f.result() != GONE) {
          answered++;
        }
        PeerMessage.Handover was = f.succeeded() ? f.result().last() : null;
        if (was != null) {
          last = last == null ? was : PeerMessage.Handover.later(last, was);
        }
      }
      PeerMessage.Handover lastOwner = last;
      if (all.failed() || answered < peers.quorum()) {
        keep(room, lastOwner);
        boolean notMetYet = asked.stream().anyMatch(f -> f.failed() && ErrorCode.ofRefusal(f.cause()) == ErrorCode.RETRY);
        if (notMetYet && System.currentTimeMillis() - since < SETTLE_MILLIS && !peers.leaving()) {
          vertx.setTimer(RETRY_MILLIS, id -> attempt(room, opened, since));
          return;
        }
        opening.remove(room);
        opened.fail(all.failed() ? all.cause() : new Refusal(ErrorCode.RETRY, "#" + room + ": only " + answered
          + " of the network's nodes answered (" + peers.quorum() + " are needed to take it up); try again"));
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
        if (yielded.remove(room) || (peers.leaving() && peers.others())) {
          // Another router took the room up meanwhile (or this one is stopping): where the numbering got
          // to stays here for whoever asks, and the waiting commands go where the room is now.
          keep(room, new PeerMessage.Handover(room, epoch, seq, lastOwner == null ? List.of() : lastOwner.nodes(),
            topic(lastOwner, c), lastOwner == null ? RoomRules.NEW : lastOwner.rules()));
          opened.fail(new Refusal(ErrorCode.INTERNAL, "#" + room + " moved to another node; try again"));
          return;
        }
        OwnedRoom r = new OwnedRoom(room, epoch, seq, topic(lastOwner, c));
        // The members as the directory knows them, and the nodes the last owner sent to, in case it knew
        // of members whose news is still on its way here.
        for (Member m : directory.members(room)) {
          r.enter(m.session(), m.node(), m.name(), m.origin());
        }
        if (lastOwner != null) {
          lastOwner.nodes().stream().filter(peers::knows).forEach(r::alsoTo);
          // The room's operators, modes and bans come with it, for the members still in it.
          r.rules(lastOwner.rules());
          if (r.size() == 0) {
            // Its last members left while it moved: its rules end with them.
            r.emptied();
          }
        }
        Registration registration = registered.get(room);
        if (registration != null) {
          // A registered room's rules outlive its members, and its operators are accounts.
          r.register(registration, lastOwner == null || r.size() == 0);
          for (Member m : directory.members(room)) {
            if (r.operatorAccount(m.account()) && r.operators.add(m.session())) {
              bus.send(Addresses.router(m.node()), new SessionCommand.Status(m.session(), room, true, true));
            }
          }
        }
        held.put(room, r);
        metrics.roomsNumbered(held.size());
        log.debug("#{} numbered here from seq {} in epoch {}", room, seq, epoch);
        opened.complete(r);
      });
    });
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
   * This router is in a minority of the network: it stops numbering every room, which the majority's
   * routers take up (each with a new epoch, which fences what this one still had on its way to the store).
   */
  void letGoAll() {
    if (!held.isEmpty()) {
      log.warn("no longer numbering {} rooms: too few nodes in reach", held.size());
      held.clear();
    }
  }

  /**
   * The store refused events of {@code room}: another router claimed it ({@code epoch}) while this one,
   * cut off or paused, went on numbering it. This router stops numbering it at once; the room's next
   * command takes it up anew, from whoever holds it then.
   */
  void fenced(String room, long epoch) {
    OwnedRoom r = held.get(room);
    if (r != null && r.epoch < epoch) {
      held.remove(room);
      log.warn("#{} was claimed by another node (epoch {}, this node numbered it in {}): no longer numbering it",
        room, epoch, r.epoch);
    }
  }

  /**
   * Sets aside the rooms no one is in and no one has used for {@code rooms.evictAfter}: their numbering is
   * in the store, and they are taken up from there when next used. Not while the store fails, nor while
   * a room's events wait to be written, or the numbering would be lost.
   */
  void evictIdle(long now) {
    if (!peers.leaving() && (!outbox.storing() || metrics.storeUp())) {
      long before = now - evictAfter.toMillis();
      held.values().removeIf(r -> r.size() == 0 && r.lastUsed <= before && (!outbox.storing() || outbox.settled(r.name)));
    }
    metrics.roomsNumbered(held.size());
  }

  /** Keeps where the last owner of {@code room} got to, for the next attempt to take it up. */
  void keep(String room, PeerMessage.Handover lastOwner) {
    if (lastOwner != null) {
      handedOver.merge(room, lastOwner, PeerMessage.Handover::later);
    }
  }

  /** Keeps where a stopping router got to in each of its rooms. */
  void keepAll(List<PeerMessage.Handover> rooms) {
    for (PeerMessage.Handover h : rooms) {
      keep(h.room(), h);
    }
  }

  /**
   * Stops numbering every room, for a router that is stopping; says where each got to once what it numbered
   * is written (see {@link #released}), or once {@code grace} is over.
   */
  Future<List<PeerMessage.Handover>> handAllOver(Duration grace) {
    List<PeerMessage.Handover> rooms = new ArrayList<>();
    held.values().forEach(r -> rooms.add(r.handover()));
    held.clear();
    return written(grace.toMillis()).transform(ar -> Future.succeededFuture(rooms));
  }

  /**
   * Completes once what this router numbered is written (at once without a store), failing if that takes
   * longer than {@code millis}, or at once if the store is away.
   */
  private Future<Void> written(long millis) {
    if (!outbox.storing()) {
      return Future.succeededFuture();
    }
    if (!metrics.storeUp()) {
      outbox.flush();
      return Future.failedFuture("the store is away");
    }
    return outbox.written().timeout(millis, TimeUnit.MILLISECONDS);
  }

  /** The answer counted for a router gone while it was asked to release a room. */
  private static final Reply.Released GONE = new Reply.Released(null);

  /**
   * Another router takes up {@code room}: stop numbering it, and say where it got to. A router this one does
   * not count in the network is refused (and greeted, in case it is one starting that it has not met yet):
   * one the others found dead, paused or cut off meanwhile, would otherwise take rooms from the network's
   * owners on the strength of a network that is no longer there.
   */
  void release(PeerMessage.Release release, Message<?> msg) {
    if (!peers.knows(release.node())) {
      peers.hello(release.node());
      msg.fail(ErrorCode.RETRY.code(), release.node() + " is not in the network as " + node + " sees it");
      return;
    }
    String room = release.room();
    Future<OwnedRoom> pending = opening.get(room);
    if (pending != null) {
      if (node.compareTo(release.node()) < 0) {
        // Both take the room up at once: the first in name order keeps it, and answers once it has it.
        pending.onComplete(ar -> released(room).onSuccess(msg::reply));
        return;
      }
      yielded.add(room);
    }
    released(room).onSuccess(msg::reply);
  }

  /**
   * Stops numbering {@code room} and says where it got to (or where its last owner did, if known here), once
   * what it numbered there is written: written after the next owner's claim of a new epoch, it would be
   * fenced, and carried out again there. If the store is away it says so at once, if it is slower than
   * {@link #WRITTEN_MILLIS} once that is over, and the room is claimed anew if it comes back here.
   */
  private Future<Reply.Released> released(String room) {
    OwnedRoom r = held.remove(room);
    if (r == null) {
      return Future.succeededFuture(new Reply.Released(handedOver.remove(room)));
    }
    Reply.Released released = new Reply.Released(r.handover());
    return written(WRITTEN_MILLIS).transform(ar -> {
      if (ar.failed()) {
        handedAway.add(room);
      }
      return Future.succeededFuture(released);
    });
  }
}
