package dev.chatbus.room;

import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RouterMessage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * A request this router carries out for itself: what it had asked of a router that left, asked again now
 * that the room is its own ({@link PassedOn}). It is carried out at once, in the order it was first asked,
 * rather than sent over the bus to this router, where what came meanwhile would overtake it. Its answer (or
 * failure) completes {@code answer}.
 */
final class AskedHere implements Message<RouterMessage> {

  private final RouterMessage body;
  private final Promise<Reply> answer;

  AskedHere(RouterMessage body, Promise<Reply> answer) {
    this.body = body;
    this.answer = answer;
  }

  @Override
  public String address() {
    return null;
  }

  @Override
  public MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap();
  }

  @Override
  public RouterMessage body() {
    return body;
  }

  /** Not null: someone waits for the answer. */
  @Override
  public String replyAddress() {
    return "asked-here";
  }

  @Override
  public boolean isSend() {
    return true;
  }

  @Override
  public void reply(Object reply, DeliveryOptions options) {
    if (reply instanceof ReplyException failed) {
      answer.tryFail(failed);
    } else {
      answer.tryComplete((Reply) reply);
    }
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object reply, DeliveryOptions options) {
    return Future.failedFuture(new UnsupportedOperationException("no request follows an answer asked here"));
  }
}
