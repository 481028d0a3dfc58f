package dev.chatbus.room;

import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RouterMessage;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;

/**
 * A request this router carries out for itself: what it had asked of a router that left, asked again now
 * that the room is its own ({@link PassedOn}). It is carried out at once, in the order it was first asked,
 * rather than sent over the bus to this router, where what came meanwhile would overtake it. Its answer (or
 * failure) completes {@code answer}.
 */
final class AskedHere extends HandedHere {

  private final Promise<Reply> answer;

  AskedHere(RouterMessage body, Promise<Reply> answer) {
    super(body);
    this.answer = answer;
  }

  /** Not null: someone waits for the answer. */
  @Override
  public String replyAddress() {
    return "asked-here";
  }

  @Override
  public void reply(Object reply, DeliveryOptions options) {
    if (reply instanceof ReplyException failed) {
      answer.tryFail(failed);
    } else {
      answer.tryComplete((Reply) reply);
    }
  }
}
