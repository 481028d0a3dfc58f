package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RouterMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The requests this router has made of other routers (room commands for the rooms they own), kept by
 * router until answered. When a router leaves the network, what waits for it is asked again, in the order
 * it was asked, of whichever router the {@link Rerouting} names now (a room's next owner), and what cannot
 * be asked again fails at once with {@link ErrorCode#RETRY} rather than when its time runs out. A stopping
 * router can wait until everything it passed on is answered.
 */
final class PassedOn {

  /** What becomes of a request whose router left before answering. */
  interface Rerouting {
    /** Whether {@code m} can be asked again of another router. */
    boolean reroutable(RouterMessage m);

    /** {@code m} asked again of the router that should answer it now. */
    Future<Reply> again(RouterMessage m);

    /** {@code m}, held back while its room's earlier requests waited at another router, asked of its owner now. */
    Future<Reply> ask(RoomCommand m);

    /** Whether {@code router} is in the network as this router sees it. */
    boolean knows(String router);
  }

  /** A request of a router, until answered. */
  private static final class Asked {
    final long id;
    final RouterMessage message;
    /** The room it is for, if it is a room command. */
    final String room;
    final DeliveryOptions options;
    final Promise<Reply> answer = Promise.promise();
    final long since;
    /** Not sent (or not again yet): the router had no address on the bus a moment ago. */
    boolean held;

    Asked(long id, RouterMessage message, DeliveryOptions options, long since) {
      this.id = id;
      this.message = message;
      this.room = message instanceof RoomCommand c ? c.room() : null;
      this.options = options;
      this.since = since;
    }
  }

  /** A room's commands unanswered at one router, and those for it held back until they are. */
  private static final class RoomAt {
    final String router;
    int count;
    final ArrayDeque<Later> after = new ArrayDeque<>();

    RoomAt(String router) {
      this.router = router;
    }
  }

  /** A room command held back behind the room's earlier ones at another router. */
  private record Later(RoomCommand message, Promise<Reply> answer) {
  }

  /** How soon the requests held for a router that had no address are sent again. */
  private static final long RETRY_MILLIS = 200;
  /** How long requests are held for a router that has no address: longer than the failure detector takes. */
  private static final long SETTLE_MILLIS = 15_000;

  private final Vertx vertx;
  /** By router, in the order asked. */
  private final Map<String, TreeMap<Long, Asked>> waiting = new HashMap<>();
  /** The routers that had no address on the bus at their last request, whose requests are held meanwhile. */
  private final Set<String> unreachable = new HashSet<>();
  /** By room: where its commands wait for an answer. */
  private final Map<String, RoomAt> rooms = new HashMap<>();
  private Rerouting rerouting = new Rerouting() {
    @Override
    public boolean reroutable(RouterMessage m) {
      return false;
    }

    @Override
    public Future<Reply> again(RouterMessage m) {
      throw new IllegalStateException("not reroutable: " + m);
    }

    @Override
    public Future<Reply> ask(RoomCommand m) {
      throw new IllegalStateException("cannot be asked: " + m);
    }

    @Override
    public boolean knows(String router) {
      return true;
    }
  };
  private long count;
  /** Completes, while stopping, once nothing waits for an answer. */
  private Promise<Void> allAnswered;

  PassedOn(Vertx vertx) {
    this.vertx = vertx;
  }

  void reroute(Rerouting rerouting) {
    this.rerouting = rerouting;
  }

  /**
   * Asks router {@code other}; asked again elsewhere, or failed, when it leaves the network before
   * answering, or has left already. An answer that comes from it after that is not heard.
   * <p>
   * The cluster can forget a router's address on the bus before this router finds its node gone (Hazelcast
   * drops a member's addresses first), and learn the address of a router met again after a partition a
   * moment after this one meets it. A request that finds no one at the address was not sent: it is held,
   * with every later one for that router, and sent again in order 200 ms later, of whoever should answer
   * by then (for up to 15 s), so that none overtakes another.
   * <p>
   * A room's owner can change while its commands wait for an answer at the last one (a router has joined,
   * or been met again after a partition). A command for that room is then held back, with the room's later
   * ones, until those waiting there are answered, and only then asked of the owner of the moment: sent
   * straight to the new owner, it could be carried out before them.
   */
  Future<Reply> request(String other, RouterMessage m, DeliveryOptions options) {
    if (!rerouting.knows(other) && rerouting.reroutable(m)) {
      // Named by the caller before the router left (a relay gathers for it until the end of a turn): asked
      // again now, as what waited for it then was. Sent there, it could wait for an answer that never comes,
      // since the cluster forgets a gone node's addresses a moment after this router finds it gone.
      return rerouting.again(m);
    }
    if (m instanceof RoomCommand c) {
      RoomAt at = rooms.get(c.room());
      if (at != null && (!at.router.equals(other) || !at.after.isEmpty())) {
        // The room's owner has changed while its earlier commands wait at the last one: this one follows them.
        Promise<Reply> answer = Promise.promise();
        at.after.add(new Later(c, answer));
        return answer.future();
      }
      if (at == null) {
        at = new RoomAt(other);
        rooms.put(c.room(), at);
      }
      at.count++;
    }
    Asked a = new Asked(++count, m, options, System.currentTimeMillis());
    waiting.computeIfAbsent(other, k -> new TreeMap<>()).put(a.id, a);
    if (unreachable.contains(other) && rerouting.reroutable(m)) {
      a.held = true;
    } else {
      send(other, a);
    }
    return a.answer.future();
  }

  private void send(String other, Asked a) {
    vertx.eventBus().<Reply>request(Addresses.router(other), a.message, a.options).onComplete(ar -> {
      TreeMap<Long, Asked> asked = waiting.get(other);
      if (asked == null || asked.get(a.id) != a) {
        return;
      }
      if (ar.failed() && noRouter(ar.cause()) && rerouting.reroutable(a.message)
        && System.currentTimeMillis() - a.since < SETTLE_MILLIS) {
        a.held = true;
        if (unreachable.add(other)) {
          vertx.setTimer(RETRY_MILLIS, t -> sendHeld(other));
        }
        return;
      }
      remove(other, a.id);
      if (ar.succeeded()) {
        a.answer.complete(ar.result().body());
      } else {
        a.answer.fail(ar.cause());
      }
    });
  }

  /**
   * Sends what is held for {@code other} again, in order, each to whoever should answer it now; once what
   * was sent to it before is answered or has failed too, so that none of it comes after what follows it.
   */
  private void sendHeld(String other) {
    TreeMap<Long, Asked> asked = waiting.get(other);
    if (asked == null) {
      unreachable.remove(other);
      return;
    }
    for (Asked a : asked.values()) {
      if (!a.held) {
        vertx.setTimer(RETRY_MILLIS, t -> sendHeld(other));
        return;
      }
    }
    unreachable.remove(other);
    List<Asked> held = new ArrayList<>();
    for (Asked a : asked.values()) {
      if (a.held) {
        held.add(a);
      }
    }
    List<RoomAt> done = new ArrayList<>();
    for (Asked a : held) {
      remove(other, a.id, done);
      if (System.currentTimeMillis() - a.since >= SETTLE_MILLIS) {
        a.answer.fail(new Refusal(ErrorCode.RETRY, other + " could not be reached; try again"));
      } else {
        rerouting.again(a.message).onComplete(a.answer);
      }
    }
    done.forEach(this::askLater);
  }

  /** Whether a request failed for want of anyone at the router's address. */
  private static boolean noRouter(Throwable cause) {
    return cause instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS;
  }

  /** Forgets request {@code id} of router {@code other}; what its room held back behind it is asked now. */
  private void remove(String other, long id) {
    List<RoomAt> done = new ArrayList<>();
    remove(other, id, done);
    done.forEach(this::askLater);
  }

  /**
   * Forgets request {@code id} of router {@code other}, adding to {@code done} its room's entry if nothing
   * of the room waits at {@code other} any more (for what it held back to be asked once the caller is done).
   */
  private void remove(String other, long id, List<RoomAt> done) {
    TreeMap<Long, Asked> asked = waiting.get(other);
    Asked a = asked == null ? null : asked.remove(id);
    if (a == null) {
      return;
    }
    answered(other, a, done);
    if (asked.isEmpty()) {
      waiting.remove(other);
      answeredAll();
    }
  }

  /** {@code a}, asked of {@code other}, no longer waits there. */
  private void answered(String other, Asked a, List<RoomAt> done) {
    RoomAt at = a.room == null ? null : rooms.get(a.room);
    if (at != null && at.router.equals(other) && --at.count == 0) {
      rooms.remove(a.room);
      done.add(at);
    }
  }

  /** Asks, in order, what a room held back while its commands waited at the router it had before. */
  private void askLater(RoomAt at) {
    for (Later l : at.after) {
      rerouting.ask(l.message()).onComplete(l.answer());
    }
  }

  /** {@code other} has left the network: what was asked of it is asked again elsewhere, or fails. */
  void left(String other) {
    unreachable.remove(other);
    TreeMap<Long, Asked> unanswered = waiting.remove(other);
    List<RoomAt> done = new ArrayList<>();
    if (unanswered != null) {
      for (Asked a : unanswered.values()) {
        answered(other, a, done);
      }
      for (Asked a : unanswered.values()) {
        if (rerouting.reroutable(a.message)) {
          rerouting.again(a.message).onComplete(a.answer);
        } else {
          a.answer.fail(new Refusal(ErrorCode.RETRY, other + " left before answering; try again"));
        }
      }
    }
    // What their rooms held back behind them follows them.
    done.forEach(this::askLater);
    answeredAll();
  }

  /**
   * Completes once every request made of other routers is answered (or failed), or after {@code grace}:
   * what was passed on for this node's clients, or for other routers', is answered before it goes.
   */
  Future<Void> allAnswered(Duration grace) {
    if (waiting.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    allAnswered = done;
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> done.tryComplete());
    return done.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  private void answeredAll() {
    if (waiting.isEmpty() && allAnswered != null) {
      allAnswered.tryComplete();
    }
  }
}
