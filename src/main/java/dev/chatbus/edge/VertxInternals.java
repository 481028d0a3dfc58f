package dev.chatbus.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.spi.transport.Transport;

/**
 * The edge's only uses of Vert.x internals, in one place. The edge runs a Netty server channel of its own
 * rather than a {@code NetServer}, whose per-socket queues would cost more memory than all of a
 * connection's own state (see {@link TcpServerVerticle}); for that it needs the verticle's event loop,
 * the transport Vert.x was started with (epoll or NIO), and a way to hand a channel's events to the
 * verticle's context without a task per line. A WebSocket that Vert.x's HTTP server has accepted becomes
 * an edge connection like the others, which takes its Netty channel. Vert.x 5 has no public API for any
 * of the four.
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
   * Takes the Netty channel of a WebSocket that Vert.x's HTTP server has just accepted, on its event loop,
   * once the handshake's answer is written: Vert.x's handlers after the frame codec are told the
   * connection closed (so that Vert.x's own books, its metrics among them, count it gone) and removed, and
   * what is left is the socket, TLS if any, and the frame codec. Vert.x no longer sees the channel's events,
   * nor applies the HTTP port's idle timeout. The future holds null when the socket closed meanwhile.
   */
  static Future<Channel> takeChannel(ServerWebSocket ws) {
    ChannelHandlerContext vertx = ((WebSocketInternal) ws).channelHandlerContext();
    Channel ch = vertx.channel();
    // Nothing more is read until the edge has its handlers in place (see TcpServerVerticle#adopt).
    ch.config().setAutoRead(false);
    Promise<Channel> taken = Promise.promise();
    // Written after the handshake's answer, past the HTTP encoder, which goes once that answer is out.
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      ChannelPipeline p = ch.pipeline();
      ChannelHandlerContext decoder = p.context(WebSocketFrameDecoder.class);
      if (!f.isSuccess() || !ch.isActive() || decoder == null || p.get(HttpResponseEncoder.class) != null) {
        ch.close();
        taken.complete(null);
        return;
      }
      // From the frame decoder on: Vert.x's idle handler, chunked writer and connection handler.
      decoder.fireChannelInactive();
      p.remove(vertx.handler());
      for (String name : new String[] {"idle", "chunkedWriter"}) {
        if (p.get(name) != null) {
          p.remove(name);
        }
      }
      taken.complete(ch);
    });
    return taken.future();
  }

  /**
   * Runs {@code handler} with {@code event} on {@code context}, at once when called on its event loop: what
   * the handler does on the event bus and with timers then belongs to the verticle.
   */
  static <T> void emit(Context context, T event, Handler<T> handler) {
    ((ContextInternal) context).emit(event, handler);
  }
}
