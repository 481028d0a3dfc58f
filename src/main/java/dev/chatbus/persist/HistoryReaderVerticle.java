package dev.chatbus.persist;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * A history reader: reads a room's stored events, and where its numbering stands, for the router, on a
 * thread of its own, so that reads wait neither for the persistence worker's writes nor for each other.
 * Deployed with {@link io.vertx.core.ThreadingModel#WORKER}, {@code persistence.readers} instances over the
 * worker's store, each taking one request at a time on its own local address: the router hands a request
 * to a reader that is free, and holds the rest itself.
 * <p>
 * Consumes {@link Persist.Query} (answered with {@link Persist.Stored}), {@link Persist.Locate} (answered
 * with {@link Persist.Located}) and {@link Persist.Look} (answered
 * with {@link Persist.Claimed}) on {@link Addresses#reader}; a store that fails the read fails the request
 * with {@link ErrorCode#INTERNAL}. What still waits to be written is not here: the router adds it. Holds
 * no state; {@code stop()} has nothing to drain (the worker closes the store).
 */
public final class HistoryReaderVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HistoryReaderVerticle.class);

  private final String address;
  private final EventStore store;

  public HistoryReaderVerticle(String node, int instance, EventStore store) {
    this.address = Addresses.reader(node, instance);
    this.store = store;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Persist>localConsumer(address, this::onMessage).completion();
  }

  private void onMessage(Message<Persist> msg) {
    Persist p = msg.body();
    try {
      if (p instanceof Persist.Query q) {
        msg.reply(store.history(q));
      } else if (p instanceof Persist.Locate l) {
        msg.reply(store.locate(l));
      } else if (p instanceof Persist.Look look) {
        msg.reply(store.look(look.room(), look.run()));
      } else {
        msg.fail(ErrorCode.BAD_REQUEST.code(), "unexpected " + p.getClass().getSimpleName());
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("reading {} failed: {}", store, e.getMessage());
      msg.fail(ErrorCode.INTERNAL.code(), store + " cannot be read: " + e.getMessage());
    }
  }
}
