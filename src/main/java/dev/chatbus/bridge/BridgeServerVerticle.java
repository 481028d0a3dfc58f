package dev.chatbus.bridge;

import dev.chatbus.account.ServerBans;
import dev.chatbus.account.Tokens;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.edge.ConnectionLimits;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.tls.ServerTls;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
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
 * disconnected; past {@code bridge.maxConnections} in all or {@code bridge.maxConnectionsPerIp} from one
 * address, new clients are told {@code server_full} and closed. A new client has
 * {@code bridge.firstFrameTimeout} to send a valid first frame, and at most {@code bridge.maxPending} wait
 * for theirs at once: one more closes the one that has waited longest.
 * {@code stop()} closes the port and every bridge connection.
 */
public final class BridgeServerVerticle extends VerticleBase {

  private final ChatbusConfig.Bridge config;
  private final NodeMetrics metrics;
  private final ConnectionLimits limits;
  /** Clients that have not sent a valid first frame yet, oldest first. */
  private final Set<BridgeConnection> pending = new LinkedHashSet<>();
  private final ServerTls tls;
  /** Signed tokens, when {@code tokens.secret} is set; else null. */
  private final Tokens tokens;
  /** The addresses banned from the network. */
  private final ServerBans bans;
  private NetServer server;
  /** The bridge over TLS; null without it. */
  private NetServer tlsServer;

  /**
   * @param limits where the per-address exemptions of the client port are set, which apply here too
   * @param tls    TLS for the bridge's TLS port; null when there is none
   */
  public BridgeServerVerticle(ChatbusConfig.Bridge config, ChatbusConfig.Limits limits, NodeMetrics metrics, ServerTls tls,
                              Tokens tokens, ServerBans bans) {
    this.tokens = tokens;
    this.bans = bans;
    this.config = config;
    this.tls = tls;
    this.metrics = metrics;
    this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(), limits.spared());
  }

  @Override
  public Future<?> start() {
    server = config.port() < 0 ? null : vertx.createNetServer(options(config.port())).connectHandler(this::onConnect);
    tlsServer = tls == null || config.tlsPort() < 0 ? null
      : vertx.createNetServer(tls.applyTo(options(config.tlsPort()))).connectHandler(this::onConnect);
    return Future.all(server == null ? Future.succeededFuture() : server.listen(),
      tlsServer == null ? Future.succeededFuture() : tlsServer.listen());
  }

  private NetServerOptions options(int port) {
    return new NetServerOptions()
      .setHost(config.host())
      .setPort(port)
      .setTcpNoDelay(true)
      .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** The TLS files changed: new connections to the TLS port get what they hold now. */
  public Future<Boolean> reloadTls() {
    return tlsServer == null ? Future.succeededFuture(false) : tlsServer.updateSSLOptions(tls.vertxOptions(), true);
  }

  /**
   * A new client: refused past the limits; otherwise pending until its first valid frame. Past
   * {@code bridge.maxPending} pending clients the oldest is closed, so that clients that never show the
   * token hold no room a client that does would need.
   */
  private void onConnect(NetSocket socket) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(socket.remoteAddress().hostAddress());
    boolean banned = address != null && bans.banned(address);
    if (address == null || banned || !limits.tryAcquire(address)) {
      byte[] err = (banned ? new JsonObject().put("type", "err").put("message", "access_denied")
        .put("detail", "this address is banned from the server")
        : new JsonObject().put("type", "err").put("message", "server_full")
        .put("detail", "this bridge has as many clients as it takes, in all or from this address")).encode()
        .getBytes(StandardCharsets.UTF_8);
      socket.write(Buffer.buffer().appendInt(err.length).appendBytes(err));
      socket.close();
      return;
    }
    metrics.connected(NodeMetrics.Protocol.BRIDGE);
    BridgeConnection[] created = new BridgeConnection[1];
    created[0] = new BridgeConnection(socket, vertx, config, tokens, metrics, pending::remove, () -> {
      pending.remove(created[0]);
      limits.release(address);
      metrics.disconnected(NodeMetrics.Protocol.BRIDGE);
    });
    pending.add(created[0]);
    if (pending.size() > config.maxPending()) {
      BridgeConnection oldest = pending.iterator().next();
      pending.remove(oldest);
      oldest.evict();
    }
  }

  @Override
  public Future<?> stop() {
    return Future.all(server == null ? Future.succeededFuture() : server.close(),
      tlsServer == null ? Future.succeededFuture() : tlsServer.close());
  }

  /** The port the bridge listens on, once started; -1 when there is none. */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** The port the bridge listens on over TLS, once started; -1 when there is none. */
  public int tlsPort() {
    return tlsServer == null ? -1 : tlsServer.actualPort();
  }
}
