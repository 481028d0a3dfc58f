package dev.chatbus.http;

import dev.chatbus.account.Tokens;
import dev.chatbus.bridge.SockJsBridge;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.cluster.Membership;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.edge.ConnectionLimits;
import dev.chatbus.edge.EdgeNode;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.tls.ServerTls;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP port, for browsers, operators and dashboards: the web client and the operators' dashboard (static
 * files from the jar's {@code web/}), the chat's WebSocket at {@code /ws} (handed to the edge once upgraded,
 * see {@link EdgeNode#adoptWebSocket}), the SockJS event-bus bridge at {@code /eventbus}
 * ({@link SockJsBridge}), {@code /health} (readiness) and {@code /health/live} (liveness), {@code /metrics}
 * in Prometheus format, and the REST API under {@code /api/v1} ({@link RestApi}).
 * <p>
 * The port is open to all addresses (browsers and Prometheus need it), so every connection is bounded:
 * {@code http.maxConnections} in all and {@code http.maxConnectionsPerIp} per address (more are closed
 * at once), {@code http.headerTimeout} to send each request's headers (from connecting, or from the last
 * answer), {@code http.idleTimeout} without reading or writing (so a client that stops reading is closed
 * while its answer waits), and {@code http.readsPerSecond} REST reads per address. What waits for a client
 * that does not read is one answer or two: Vert.x takes a pipelined request only once the connection is
 * writable again, and a history answer is bounded in bytes by the API.
 * <p>
 * Runs on one event loop; its state (the open connections and the read rates) is touched only there.
 * {@code stop()} closes the port.
 */
public final class HttpServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpServerVerticle.class);

  /** How long browsers may keep the web client's files without asking whether they changed. */
  private static final long STATIC_MAX_AGE_SECONDS = 600;
  /** Where the chat's WebSocket is. */
  private static final String WEBSOCKET_PATH = "/ws";

  /** How often the read rates of addresses that stopped reading are forgotten. */
  private static final long FORGET_EVERY_MS = 10_000;

  /** One open connection: when its next request's headers are due. */
  private static final class Open {
    final InetAddress address;
    long headerTimer = -1;
    /** Requests begun on it: an answer's end re-arms the header timeout only if no later one began. */
    long requests;

    Open(InetAddress address) {
      this.address = address;
    }
  }

  private final ChatbusConfig.Http config;
  private final EdgeNode edge;
  private final NodeMetrics metrics;
  private final Membership membership;
  private final boolean store;
  private final ConnectionLimits limits;
  private final Map<HttpConnection, Open> open = new HashMap<>();
  private final ServerTls tls;
  /** The event-bus bridge's settings, which the SockJS bridge follows; null when the bridge is off. */
  private final ChatbusConfig.Bridge bridge;
  private final ChatbusConfig.Limits clientLimits;
  private final Origins origins;
  private final int maxFrameBytes;
  /** Signed tokens, when {@code tokens.secret} is set; else null. */
  private final Tokens tokens;
  private HttpServer server;
  /** HTTPS, beside HTTP; null without TLS. */
  private HttpServer tlsServer;
  private long forgetTimer;

  /**
   * @param limits where the per-address exemptions of the client port are set, which apply here too
   * @param edge   the node's edge, to tell whether it is shutting down
   * @param store  whether the node keeps a history, whose store is then part of its readiness
   * @param tls    TLS for the HTTPS port; null when there is none
   */
  public HttpServerVerticle(ChatbusConfig.Http config, ChatbusConfig.Limits limits, EdgeNode edge, NodeMetrics metrics,
                            Membership membership, boolean store, ServerTls tls, Tokens tokens,
                            ChatbusConfig.Bridge bridge) {
    this.tokens = tokens;
    this.bridge = bridge;
    this.clientLimits = limits;
    this.config = config;
    this.tls = tls;
    this.membership = membership;
    this.edge = edge;
    this.metrics = metrics;
    this.store = store;
    this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(), limits.spared());
    this.origins = new Origins(config.allowedOrigins());
    // A frame holds one line, which may be too long (and is then refused, the connection kept, as on the
    // client port), up to 64 KiB; a longer frame ends the connection (close code 1009).
    this.maxFrameBytes = Math.max(64 << 10, limits.maxLineBytes() + 2);
  }

  @Override
  public Future<?> start() {
    HealthChecks health = readiness();
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> Answers.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health").handler(ctx -> health.checkStatus().onComplete(ar -> {
      CheckResult result = ar.succeeded() ? ar.result() : CheckResult.from("chatbus", ar.cause());
      Answers.json(ctx, CheckResult.isUp(result) ? 200 : 503, result.toJson());
    }));
    PrometheusMeterRegistry registry = metrics.registry();
    if (registry != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    } else {
      router.get("/metrics").handler(ctx ->
        Answers.error(ctx, 404, "metrics_off", "this node runs with metrics.enabled=false"));
    }
    RestApi api = new RestApi(vertx, config, clientLimits, tokens, conn -> {
      Open o = open.get(conn);
      return o == null ? null : o.address;
    });
    api.mount(router);
    // The web client, from the jar: its pages load nothing from elsewhere and are shown in no other site's frame.
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; "
          + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
      .handler(StaticHandler.create("web").setMaxAgeSeconds(STATIC_MAX_AGE_SECONDS));
    if (sockJs()) {
      new SockJsBridge(vertx, bridge, clientLimits, tokens, edge.bans(), metrics).mount(router);
    }
    router.route().last().handler(ctx -> Answers.error(ctx, 404, "not_found", "no such resource: " + ctx.request().path()));
    // HTTP/1.1 only: without cleartext HTTP/2, whose detection waits for a request's first bytes, a
    // connection is known (counted, and its header timeout started) as soon as it is accepted.
    forgetTimer = vertx.setPeriodic(FORGET_EVERY_MS, id -> api.forgetIdle(System.currentTimeMillis()));
    server = config.port() < 0 ? null : serve(options(config.port()), router);
    tlsServer = tls == null || config.tlsPort() < 0 ? null : serve(tls.applyTo(options(config.tlsPort())), router);
    return Future.all(server == null ? Future.succeededFuture() : server.listen(),
      tlsServer == null ? Future.succeededFuture() : tlsServer.listen());
  }

  /**
   * Whether the SockJS bridge is on: with the event-bus bridge, and, on a port open beyond loopback, only
   * behind a token (a bridge without one is for this machine's services only).
   */
  private boolean sockJs() {
    if (bridge == null) {
      return false;
    }
    boolean token = !bridge.token().isEmpty() || tokens != null;
    InetAddress host = NetUtil.createInetAddressFromIpAddressString(config.host());
    if (!token && (host == null || !host.isLoopbackAddress())) {
      log.info("the SockJS event-bus bridge ({}) is off: the HTTP port listens on {}, beyond this machine, and "
        + "neither bridge.token nor tokens.secret is set", SockJsBridge.PATH, config.host());
      return false;
    }
    return true;
  }

  private HttpServerOptions options(int port) {
    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(port)
      .setHttp2ClearTextEnabled(false)
      .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
      // A chat message is a frame of a few hundred bytes: compressing each would cost a compressor per client
      // and CPU per delivery, for nothing.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      .setMaxWebSocketFrameSize(maxFrameBytes)
      .setMaxWebSocketMessageSize(maxFrameBytes);
    if (config.sendBufferBytes() > 0) {
      options.setSendBufferSize(config.sendBufferBytes());
    }
    return options;
  }

  private HttpServer serve(HttpServerOptions options, Router router) {
    return vertx.createHttpServer(options).connectionHandler(this::onConnection)
      .requestHandler(req -> {
        admit(req);
        // Vert.x's own request, not the router's wrapper: the edge takes the WebSocket's channel over.
        if (req.path().equals(WEBSOCKET_PATH)) {
          webSocket(req);
        } else {
          router.handle(req);
        }
      });
  }

  /** The TLS files changed: new HTTPS connections get what they hold now. */
  public Future<Boolean> reloadTls() {
    return tlsServer == null ? Future.succeededFuture(false) : tlsServer.updateSSLOptions(tls.vertxOptions(), true);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(forgetTimer);
    return Future.all(server == null ? Future.succeededFuture() : server.close(),
      tlsServer == null ? Future.succeededFuture() : tlsServer.close());
  }

  /** A new connection: counted, or closed at once past the limits; its first headers are due. */
  private void onConnection(HttpConnection conn) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(conn.remoteAddress().hostAddress());
    if (address == null || edge.bans().banned(address) || !limits.tryAcquire(address)) {
      log.debug("HTTP connection from {} refused: banned, or too many", conn.remoteAddress());
      conn.close();
      return;
    }
    Open o = new Open(address);
    open.put(conn, o);
    awaitHeaders(conn, o);
    conn.closeHandler(v -> forget(conn));
  }

  /** {@code conn} closed, or became a WebSocket, which the edge counts from then on. */
  private void forget(HttpConnection conn) {
    Open o = open.remove(conn);
    if (o != null) {
      vertx.cancelTimer(o.headerTimer);
      limits.release(o.address);
    }
  }

  /** Closes {@code conn} unless its next request's headers are in within {@code http.headerTimeout}. */
  private void awaitHeaders(HttpConnection conn, Open o) {
    o.headerTimer = vertx.setTimer(config.headerTimeout().toMillis(), id -> {
      log.debug("HTTP connection from {} closed: no request within {}", conn.remoteAddress(), config.headerTimeout());
      conn.close();
    });
  }

  /** A request's headers are in: the header timeout stops until its answer has ended. */
  private void admit(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    Open o = open.get(conn);
    if (o == null) {
      return;
    }
    vertx.cancelTimer(o.headerTimer);
    long request = ++o.requests;
    req.response().endHandler(v -> {
      if (o.requests == request && open.containsKey(conn)) {
        awaitHeaders(conn, o);
      }
    });
  }

  /** The port HTTP listens on, once started; -1 when there is none. */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** The port HTTPS listens on, once started; -1 when there is none. */
  public int tlsPort() {
    return tlsServer == null ? -1 : tlsServer.actualPort();
  }

  /**
   * The chat over a WebSocket: the JSON-lines protocol, one message per text frame, with the client port's
   * limits and rules. Refused to pages of other sites unless {@code http.allowedOrigins} names them, and as
   * a connection to the client port would be (banned, full, shutting down). Once open it is the edge's
   * connection, no longer this port's: the HTTP limits and timeouts stop counting it.
   */
  private void webSocket(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    Open o = open.get(conn);
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    if (req.method() != HttpMethod.GET || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      Answers.error(req, 400, ErrorCode.BAD_REQUEST.wireName(), "this is the chat's WebSocket (JSON lines, one per text "
        + "frame): open it with a WebSocket client; the web client is at /");
      return;
    }
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (!origins.allows(origin, req.scheme(), req.getHeader(HttpHeaders.HOST))) {
      log.info("WebSocket from {} refused: pages of {} may not open it", req.remoteAddress(), origin);
      Answers.error(req, 403, ErrorCode.FORBIDDEN.wireName(), "pages of " + origin + " may not open this server's "
        + "WebSocket: the server's own may, and those http.allowedOrigins names");
      return;
    }
    if (o == null) {
      return;
    }
    Goodbye refused = edge.admitWebSocket(o.address);
    if (refused != null) {
      log.info("WebSocket from {} refused: {}", req.remoteAddress(), refused.wireName());
      Answers.error(req, refused == Goodbye.BANNED ? 403 : 503, refused.wireName(), refused.message());
      return;
    }
    InetSocketAddress remote = new InetSocketAddress(o.address, req.remoteAddress().port());
    req.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        // Vert.x has answered the client that its handshake was wrong.
        edge.webSocketRefused(o.address);
      } else {
        forget(conn);
        edge.adoptWebSocket(ar.result(), remote);
      }
    });
  }

  /** Ready: not shutting down, the store taking writes (when there is one), and in the cluster (when clustered). */
  private HealthChecks readiness() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("accepting", p -> p.complete(edge.stopping() ? Status.KO(new JsonObject().put("reason", "shutting down"))
      : Status.OK()));
    if (store) {
      checks.register("store", p -> {
        JsonObject data = new JsonObject().put("buffered", metrics.storeBuffered())
          .put("lagSeconds", metrics.storeLagSeconds()).put("dropped", metrics.storeDropped());
        p.complete(metrics.storeUp() ? Status.OK(data) : Status.KO(data.put("reason", "writing to the store fails")));
      });
    }
    if (vertx.isClustered()) {
      checks.register("cluster", p -> p.complete(membership.alive(membership.self())
        ? Status.OK(new JsonObject().put("node", membership.self()))
        : Status.KO(new JsonObject().put("reason", "not a member of the cluster"))));
    }
    return checks;
  }

}
