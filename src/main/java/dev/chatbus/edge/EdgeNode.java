package dev.chatbus.edge;

import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.ServerBans;
import dev.chatbus.account.Tokens;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.tls.ServerTls;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What the edge instances of one node share, each on its own event loop: the node's connection counts,
 * the tag in its session ids, the port they listen on, the registered names, and whether the node is
 * shutting down.
 */
public final class EdgeNode {

  private final ConnectionLimits limits;
  private final int tag;
  private final NodeMetrics metrics;
  private final ServerTls tls;
  private final RegisteredNames registered;
  private final Tokens tokens;
  private final ServerBans bans;
  /** When the node started, as IRC clients are told it. */
  private final String startedAt = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
  private volatile boolean stopping;
  /** The port the first instance listens on, which the others then listen on too, by listener. */
  private final Map<String, Future<Integer>> sharedPorts = new HashMap<>();
  /** The running instances, which WebSockets accepted on the HTTP port are handed to in turn. */
  private final List<TcpServerVerticle> instances = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextInstance = new AtomicInteger();

  /**
   * @param tag 16 bits that tell this node's session ids from other nodes'
   * @param tls TLS for the TLS ports; null when there are none
   * @param registered the names registered as accounts
   * @param tokens     signed tokens, when {@code tokens.secret} is set; else null
   * @param bans       the addresses banned from the network
   */
  public EdgeNode(ConnectionLimits limits, int tag, NodeMetrics metrics, ServerTls tls, RegisteredNames registered,
                  Tokens tokens, ServerBans bans) {
    this.bans = bans;
    this.registered = registered;
    this.tokens = tokens;
    this.limits = limits;
    this.tag = tag;
    this.metrics = metrics;
    this.tls = tls;
  }

  RegisteredNames registered() {
    return registered;
  }

  Tokens tokens() {
    return tokens;
  }

  /** The addresses banned from the network, which every listener of the node refuses. */
  public ServerBans bans() {
    return bans;
  }

  /** TLS for the TLS ports; null when there are none. */
  ServerTls tls() {
    return tls;
  }

  /**
   * Binds one instance's {@code listener} (the client port, the IRC port) with {@code bind}: the first to the
   * configured port (a free one if that is 0), the others, once it has, to the same port. The instances bind
   * with SO_REUSEPORT, which would also let a second node started by mistake on the same port share its
   * clients silently: so the first makes sure that nothing listens there yet.
   */
  synchronized Future<Integer> listen(String listener, String host, int configured,
                                      Function<Integer, Future<Integer>> bind) {
    Future<Integer> shared = sharedPorts.get(listener);
    if (shared != null) {
      return shared.compose(bind);
    }
    try {
      if (configured != 0) {
        checkFree(host, configured);
      }
      shared = bind.apply(configured);
    } catch (IOException e) {
      shared = Future.failedFuture(new IllegalStateException(
        "cannot listen on " + host + ":" + configured + ": " + e.getMessage(), e));
    }
    sharedPorts.put(listener, shared);
    return shared;
  }

  /** Fails if a socket already listens on {@code host:port} (Linux refuses a second bind, SO_REUSEADDR or not). */
  private static void checkFree(String host, int port) throws IOException {
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      // Connections of an earlier run still in TIME_WAIT do not make the port taken.
      probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      probe.bind(new InetSocketAddress(host, port));
    }
  }

  void started(TcpServerVerticle instance) {
    instances.add(instance);
  }

  void stopped(TcpServerVerticle instance) {
    instances.remove(instance);
  }

  /**
   * Whether a WebSocket from {@code address} may be opened, as a connection to the client port would be:
   * null if so (it then counts against the node's connection limits, until it closes or
   * {@link #webSocketRefused} gives the count back), else why not.
   */
  public Goodbye admitWebSocket(InetAddress address) {
    if (stopping || instances.isEmpty()) {
      return Goodbye.SHUTTING_DOWN;
    } else if (bans.banned(address)) {
      return Goodbye.BANNED;
    } else if (!limits.tryAcquire(address)) {
      return Goodbye.SERVER_FULL;
    }
    return null;
  }

  /** A WebSocket that {@link #admitWebSocket} let in did not open after all. */
  public void webSocketRefused(InetAddress address) {
    limits.release(address);
  }

  /**
   * Makes a WebSocket just accepted on the HTTP port (and let in by {@link #admitWebSocket}) a client
   * connection of one of the instances, in turn, speaking JSON lines, one per frame. Called on the
   * WebSocket's event loop; its socket moves to the instance's (see {@link TcpServerVerticle#adopt}).
   */
  public void adoptWebSocket(ServerWebSocket ws, InetSocketAddress remote) {
    boolean tls = ws.isSsl();
    VertxInternals.takeChannel(ws).onComplete(ar -> {
      List<TcpServerVerticle> running = instances;
      Channel ch = ar.result();
      if (ch == null || running.isEmpty()) {
        limits.release(remote.getAddress());
        if (ch != null) {
          ch.close();
        }
        return;
      }
      running.get(Math.floorMod(nextInstance.getAndIncrement(), running.size())).adopt(ch, remote, tls);
    });
  }

  String startedAt() {
    return startedAt;
  }

  ConnectionLimits limits() {
    return limits;
  }

  int tag() {
    return tag;
  }

  NodeMetrics metrics() {
    return metrics;
  }

  /**
   * Marks the start of a shutdown: from now on the departures the shutdown itself causes are not echoed
   * to this node's clients, who are all about to be told goodbye as well. Without this, every client
   * would be sent the departure of every other before its own goodbye.
   */
  public void shuttingDown() {
    stopping = true;
  }

  /** Whether the node is shutting down. */
  public boolean stopping() {
    return stopping;
  }
}
