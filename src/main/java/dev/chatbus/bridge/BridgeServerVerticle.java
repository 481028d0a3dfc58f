package dev.chatbus.bridge;

import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The TCP event-bus bridge: services in any language reach the public API ({@code chat.api.v1.*}) over
 * frames of a 4-byte length and JSON, in the wire format of vertx-tcp-eventbus-bridge, so that its
 * client libraries work unchanged.
 * <p>
 * The protocol is served here rather than by that module's server because the server has no bound on a
 * frame's length (a length prefix alone makes it buffer gigabytes), none on what it queues for a client
 * that does not read, and no hook before a frame is parsed where a token could be checked. Each client is
 * a {@link BridgeConnection}; permissions are fixed to the public addresses: requests to
 * {@code say}, {@code tell}, {@code history}, {@code members} and {@code rooms}; publishing to
 * {@code say} and {@code tell} (taken on this node); listening on {@code chat.api.v1.room.<room>} and
 * {@code chat.api.v1.presence}.
 * <p>
 * Runs on one event loop. A client that sends nothing for {@code bridge.idleTimeout} (pings count) is
 * disconnected; past {@code bridge.maxConnections}, new clients are told {@code server_full} and closed.
 * {@code stop()} closes the port and every bridge connection.
 */
public final class BridgeServerVerticle extends VerticleBase {

  private final ChatbusConfig.Bridge config;
  private final NodeMetrics metrics;
  private NetServer server;
  private int open;

  public BridgeServerVerticle(ChatbusConfig.Bridge config, NodeMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions()
      .setHost(config.host())
      .setPort(config.port())
      .setTcpNoDelay(true)
      .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    server.connectHandler(socket -> {
      if (open >= config.maxConnections()) {
        byte[] err = new JsonObject().put("type", "err").put("message", "server_full")
          .put("detail", "this bridge has " + open + " clients, its limit").encode().getBytes(StandardCharsets.UTF_8);
        socket.write(Buffer.buffer().appendInt(err.length).appendBytes(err));
        socket.close();
        return;
      }
      open++;
      metrics.connected(NodeMetrics.Protocol.BRIDGE);
      new BridgeConnection(socket, vertx, config, metrics, () -> {
        open--;
        metrics.disconnected(NodeMetrics.Protocol.BRIDGE);
      });
    });
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The port the bridge listens on, once started. */
  public int port() {
    return server.actualPort();
  }
}
