package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RouterMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
    /** {@code m} asked again of the router that should answer it now; null when it cannot be asked again. */
    Future<Reply> again(RouterMessage m);
  }

  private record Asked(RouterMessage message, Promise<Reply> answer) {
  }

  private final Vertx vertx;
  /** By router, in the order asked. */
  private final Map<String, Map<Long, Asked>> waiting = new HashMap<>();
  private Rerouting rerouting = m -> null;
  private long count;
  /** Completes, while stopping, once nothing waits for an answer. */
  private Promise<Void> allAnswered;

  PassedOn(Vertx vertx) {
    this.vertx = vertx;
  }

  void rerouteWith(Rerouting rerouting) {
    this.rerouting = rerouting;
  }

  /**
   * Asks router {@code other}; asked again elsewhere, or failed, when it leaves the network before
   * answering. An answer that comes from it after that is not heard.
   */
  Future<Reply> request(String other, RouterMessage m, DeliveryOptions options) {
    long id = ++count;
    Promise<Reply> answer = Promise.promise();
    waiting.computeIfAbsent(other, k -> new LinkedHashMap<>()).put(id, new Asked(m, answer));
    vertx.eventBus().<Reply>request(Addresses.router(other), m, options).onComplete(ar -> {
      Map<Long, Asked> asked = waiting.get(other);
      if (asked == null || asked.remove(id) == null) {
        return;
      }
      if (asked.isEmpty()) {
        waiting.remove(other);
        answeredAll();
      }
      if (ar.succeeded()) {
        answer.complete(ar.result().body());
      } else {
        answer.fail(ar.cause());
      }
    });
    return answer.future();
  }

  /** {@code other} has left the network: what was asked of it is asked again elsewhere, or fails. */
  void left(String other) {
    Map<Long, Asked> unanswered = waiting.remove(other);
    if (unanswered != null) {
      for (Asked a : unanswered.values()) {
        Future<Reply> again = rerouting.again(a.message());
        if (again != null) {
          again.onComplete(a.answer());
        } else {
          a.answer().fail(new Refusal(ErrorCode.RETRY, other + " left before answering; try again"));
        }
      }
    }
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
