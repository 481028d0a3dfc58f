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
import java.util.Map;

/**
 * The requests this router has made of other routers (room commands for the rooms they own), kept by
 * router until answered: when a router leaves the network, what waits for it fails at once rather than
 * when its time runs out, and a stopping router can wait until everything it passed on is answered.
 */
final class PassedOn {

  private final Vertx vertx;
  private final Map<String, Map<Long, Promise<Reply>>> waiting = new HashMap<>();
  private long count;
  /** Completes, while stopping, once nothing waits for an answer. */
  private Promise<Void> allAnswered;

  PassedOn(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Asks router {@code other}; fails when it leaves the network before answering. */
  Future<Reply> request(String other, RouterMessage m, DeliveryOptions options) {
    long id = ++count;
    Promise<Reply> answer = Promise.promise();
    waiting.computeIfAbsent(other, k -> new HashMap<>()).put(id, answer);
    vertx.eventBus().<Reply>request(Addresses.router(other), m, options).onComplete(ar -> {
      Map<Long, Promise<Reply>> asked = waiting.get(other);
      if (asked != null && asked.remove(id) != null && asked.isEmpty()) {
        waiting.remove(other);
        answeredAll();
      }
      if (ar.succeeded()) {
        answer.tryComplete(ar.result().body());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  /** Fails what was asked of {@code other}, which has left the network. */
  void fail(String other) {
    Map<Long, Promise<Reply>> unanswered = waiting.remove(other);
    if (unanswered != null) {
      unanswered.values().forEach(p -> p.tryFail(new Refusal(ErrorCode.INTERNAL, other + " left before answering; try again")));
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
