package dev.chatbus.edge;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;

/**
 * The edge's only uses of Vert.x internals, in one place. The edge runs a Netty server channel of its own
 * rather than a {@code NetServer}, whose per-socket queues would cost more memory than all of a
 * connection's own state (see {@link TcpServerVerticle}); for that it needs the verticle's event loop,
 * the transport Vert.x was started with (epoll or NIO), and a way to hand a channel's events to the
 * verticle's context without a task per line. Vert.x 5 has no public API for any of the three.
 */
final class VertxInternals {

  private VertxInternals() {
  }

  /** The Netty event loop of {@code context}, on which the edge runs its channels. */
  static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /** The transport Vert.x was started with: its channel classes and socket options. */
  static Transport transport(Vertx vertx) {
    return ((VertxInternal) vertx).transport();
  }

  /**
   * Runs {@code handler} with {@code event} on {@code context}, at once when called on its event loop: what
   * the handler does on the event bus and with timers then belongs to the verticle.
   */
  static <T> void emit(Context context, T event, Handler<T> handler) {
    ((ContextInternal) context).emit(event, handler);
  }
}
