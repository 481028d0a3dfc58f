package dev.chatbus.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;

import java.net.StandardSocketOptions;

/**
 * One edge instance's server channel on one port: on the instance's own event loop, with the transport
 * Vert.x runs on, and every accepted connection handed to {@code onConnect} on the instance's context.
 */
final class Listener {

  private final Context context;
  private final ServerBootstrap bootstrap;

  Listener(Vertx vertx, Context context, EventLoop loop, NetServerOptions options, Handler<Channel> onConnect) {
    this.context = context;
    Transport transport = VertxInternals.transport(vertx);
    bootstrap = new ServerBootstrap()
      .group(loop, loop)
      .channelFactory(transport.serverChannelFactory(false))
      .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
      .childHandler(new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
          VertxInternals.emit(context, ch, onConnect);
        }
      });
    transport.configure(options, false, bootstrap);
    if (!vertx.isNativeTransportEnabled()) {
      // Vert.x sets SO_REUSEPORT on native transports only; the JDK supports it too on Linux and macOS.
      bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
  }

  /** Listens on {@code host:port}; completes, on the instance's context, with the server channel. */
  Future<Channel> bind(String host, int port) {
    Promise<Channel> bound = Promise.promise();
    // Netty answers on the event loop, but outside the verticle's context: what follows runs on it.
    bootstrap.bind(host, port).addListener((ChannelFuture f) -> context.runOnContext(v -> {
      if (f.isSuccess()) {
        bound.complete(f.channel());
      } else {
        bound.fail(new IllegalStateException("cannot listen on " + host + ":" + port + ": "
          + f.cause().getMessage(), f.cause()));
      }
    }));
    return bound.future();
  }
}
