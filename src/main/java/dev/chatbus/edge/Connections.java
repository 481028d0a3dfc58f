package dev.chatbus.edge;

import dev.chatbus.bus.SessionCommand;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.ClientCodec;
import dev.chatbus.protocol.Goodbye;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The connections of one edge instance and how they end.
 * <p>
 * Every ending goes through {@link #leave}: the client leaves its rooms and the router is told exactly
 * once, then the socket closes. One periodic {@link #sweep} per instance enforces the login, idle and
 * slow-consumer timeouts, and forces shut the sockets of clients that do not read their last lines.
 */
final class Connections {

  private static final Logger log = LoggerFactory.getLogger(Connections.class);

  private final Map<Long, Connection> byId = new HashMap<>();
  private final List<Runnable> sweepActions = new ArrayList<>();
  private final EventBus bus;
  private final String router;
  private final LocalRooms rooms;
  private final ConnectionLimits limits;
  private final ClientCodec fallbackCodec;
  private final long loginTimeout;
  private final long idleTimeout;
  private final long pingAfter;
  private final long closeLinger;
  private Promise<Void> allClosed;

  private final NodeMetrics metrics;

  /**
   * @param fallbackCodec how to speak to a client whose protocol is not known yet
   * @param pingAfter     how long a client whose protocol has a keep-alive may be silent before it is sent
   *                      one; silent as long again, it is disconnected
   */
  Connections(EventBus bus, String router, LocalRooms rooms, ConnectionLimits limits, ClientCodec fallbackCodec,
              ChatbusConfig.Limits config, Duration pingAfter, NodeMetrics metrics) {
    this.bus = bus;
    this.metrics = metrics;
    this.router = router;
    this.rooms = rooms;
    this.limits = limits;
    this.fallbackCodec = fallbackCodec;
    this.loginTimeout = config.loginTimeout().toNanos();
    this.idleTimeout = config.idleTimeout().toNanos();
    this.pingAfter = pingAfter.toNanos();
    // A client that does not read its last lines is a slow consumer: it gets as long as one.
    this.closeLinger = config.slowConsumer().maxTime().toNanos();
  }

  void add(Connection c) {
    byId.put(c.id, c);
  }

  Connection get(long id) {
    return byId.get(id);
  }

  /** The codec to speak to {@code c} in. */
  ClientCodec codec(Connection c) {
    return c.codec() != null ? c.codec() : fallbackCodec;
  }

  /**
   * Queues an answer to what {@code c} asked for, disconnecting it if that overflows its queue; kept back
   * instead while its codec collects the answer to a command (IRC's {@code labeled-response}).
   */
  void reply(Connection c, String lines) {
    if (c.codec() == null || !c.codec().collects(lines)) {
      tell(c, lines);
    }
  }

  /** Queues for {@code c} what is not an answer to it (a keep-alive, an invitation), disconnecting it if that overflows. */
  void tell(Connection c, String lines) {
    if (!c.send(lines)) {
      goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason());
    }
  }

  /** Tells {@code c} why it is being disconnected, takes it out of its rooms and closes it once that line is sent. */
  void goodbye(Connection c, Goodbye reason, String leaveReason) {
    if (!c.open()) {
      return;
    }
    if (reason == Goodbye.TOO_SLOW) {
      metrics.dropped(NodeMetrics.Drop.SLOW_CONSUMER_DISCONNECT, 1);
    }
    c.send(codec(c).goodbye(reason));
    leave(c, leaveReason);
    c.close();
  }

  /** A half-closed client has no answers coming any more: close its side too. */
  void checkInputDone(Connection c) {
    if (c.inputDone() && c.open()) {
      leave(c, "connection closed");
      c.close();
    }
  }

  /** The socket of {@code c} closed, whoever closed it. */
  void closed(Connection c) {
    if (c.closed()) {
      return;
    }
    if (c.open()) {
      leave(c, c.lost() ? "connection lost" : "connection closed");
    }
    c.socketClosed();
    c.discard();
    byId.remove(c.id);
    limits.release(c.address);
    if (allClosed != null && byId.isEmpty()) {
      allClosed.tryComplete();
    }
    long lived = (System.nanoTime() - c.openedAt) / 1_000_000;
    log.info("conn {} closed: {}; {} {}, {} ms, {} lines in, {} delivered, {} dropped", c, c.leaveReason(),
      c.remote(), c.name() == null ? "(no name)" : c.name(), lived, c.linesIn(), c.deliveries(), c.droppedTotal());
  }

  /**
   * Ends every session whose time is up. Called from the instance's one periodic timer; decisions are
   * made first and carried out after, because closing a socket changes the set being walked.
   */
  void sweep(long now) {
    long wallClock = System.currentTimeMillis();
    for (Connection c : byId.values()) {
      switch (c.state()) {
        case GREETED:
        case LOGGING_IN:
          if (now - c.openedAt >= loginTimeout) {
            sweepActions.add(() -> goodbye(c, Goodbye.LOGIN_TIMEOUT, Goodbye.LOGIN_TIMEOUT.roomReason()));
          }
          break;
        case READY:
          String keepAlive = c.codec().keepAlive();
          long silent = now - c.lastActive();
          if (c.grant() != null && c.grant().expired(wallClock)) {
            // A token's client goes when the token does, reading or not.
            sweepActions.add(() -> goodbye(c, Goodbye.TOKEN_EXPIRED, Goodbye.TOKEN_EXPIRED.roomReason()));
          } else if (keepAlive != null && silent >= 2 * pingAfter && c.pinged()) {
            sweepActions.add(() -> goodbye(c, Goodbye.PING_TIMEOUT, Goodbye.PING_TIMEOUT.roomReason()));
          } else if (keepAlive != null && silent >= pingAfter && !c.pinged()) {
            c.ping();
            sweepActions.add(() -> tell(c, keepAlive));
          } else if (silent >= idleTimeout) {
            sweepActions.add(() -> goodbye(c, Goodbye.IDLE_TIMEOUT, Goodbye.IDLE_TIMEOUT.roomReason()));
          } else if (!c.checkBehind(now)) {
            sweepActions.add(() -> goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason()));
          }
          break;
        case CLOSING:
          if (now - c.closingSince() >= closeLinger) {
            sweepActions.add(() -> c.channel.close());
          }
          break;
        default:
          break;
      }
    }
    for (Runnable action : sweepActions) {
      action.run();
    }
    sweepActions.clear();
  }

  /** Closes every socket at once, without waiting for its queued lines: the end of a shutdown's grace. */
  void closeAllNow() {
    for (Connection c : byId.values()) {
      c.channel.close();
    }
  }

  /**
   * Completes once every connection has closed and been accounted for (its rooms told, its count
   * released). Only for a stopping edge, whose server accepts no more connections.
   */
  Future<Void> allClosed() {
    if (allClosed == null) {
      allClosed = Promise.promise();
      if (byId.isEmpty()) {
        allClosed.complete();
      }
    }
    return allClosed.future();
  }

  /** Tells every client the server is going away and closes each once its queued lines are sent. */
  void shutdownAll() {
    for (Connection c : new ArrayList<>(byId.values())) {
      goodbye(c, Goodbye.SHUTTING_DOWN, Goodbye.SHUTTING_DOWN.roomReason());
    }
  }

  private void leave(Connection c, String reason) {
    for (String room : c.closing(reason, System.nanoTime())) {
      rooms.remove(c, room);
    }
    if (c.unregister()) {
      bus.send(router, new SessionCommand.Disconnect(c.id, reason));
    }
  }
}
