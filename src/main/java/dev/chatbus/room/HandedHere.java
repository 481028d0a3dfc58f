package dev.chatbus.room;

import dev.chatbus.bus.RouterMessage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * A message this router hands to its own parts rather than sending over the bus ({@link AskedHere},
 * {@link RelayedPosts}): it has no address or headers, and no request follows its answer.
 */
abstract class HandedHere implements Message<RouterMessage> {

  private final RouterMessage body;

  HandedHere(RouterMessage body) {
    this.body = body;
  }

  @Override
  public final String address() {
    return null;
  }

  @Override
  public final MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap();
  }

  @Override
  public final RouterMessage body() {
    return body;
  }

  @Override
  public final boolean isSend() {
    return true;
  }

  @Override
  public final <R> Future<Message<R>> replyAndRequest(Object reply, DeliveryOptions options) {
    return Future.failedFuture(new UnsupportedOperationException("no request follows an answer handed here"));
  }
}
