package dev.chatbus.http;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.cluster.Membership;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.edge.EdgeNode;
import dev.chatbus.metrics.NodeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The HTTP port, for operators and dashboards: {@code /health} (readiness) and {@code /health/live}
 * (liveness), {@code /metrics} in Prometheus format, and a small REST API under {@code /api/v1} over the
 * public event-bus API of this node: rooms, members, history, and (with the bearer token of
 * {@code http.token}) posting into a room or to a user.
 * <p>
 * Runs on one event loop and holds no state; {@code stop()} closes the port.
 */
public final class HttpServerVerticle extends VerticleBase {

  /** The API on this node answers: requests do not cross the cluster for nothing. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** A post is answered once stored, which takes longer while the store is slow. */
  private static final DeliveryOptions POSTING = new DeliveryOptions().setLocalOnly(true).setSendTimeout(60_000);
  private static final long BODY_LIMIT = 64 << 10;

  private final ChatbusConfig.Http config;
  private final EdgeNode edge;
  private final NodeMetrics metrics;
  private final boolean store;
  private HttpServer server;

  /**
   * @param edge  the node's edge, to tell whether it is shutting down
   * @param store whether the node keeps a history, whose store is then part of its readiness
   */
  public HttpServerVerticle(ChatbusConfig.Http config, EdgeNode edge, NodeMetrics metrics, boolean store) {
    this.config = config;
    this.edge = edge;
    this.metrics = metrics;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    HealthChecks health = readiness();
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health").handler(ctx -> health.checkStatus().onComplete(ar -> {
      CheckResult result = ar.succeeded() ? ar.result() : CheckResult.from("chatbus", ar.cause());
      json(ctx, CheckResult.isUp(result) ? 200 : 503, result.toJson());
    }));
    PrometheusMeterRegistry registry = NodeMetrics.registry(vertx);
    if (registry != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    } else {
      router.get("/metrics").handler(ctx -> error(ctx, 404, "metrics_off", "this node runs with metrics.enabled=false"));
    }
    router.get("/api/v1/rooms").handler(ctx -> ask(ctx, Addresses.API_ROOMS, new JsonObject(), 200));
    router.get("/api/v1/rooms/:room/members").handler(ctx ->
      ask(ctx, Addresses.API_MEMBERS, new JsonObject().put("room", ctx.pathParam("room")), 200));
    router.get("/api/v1/rooms/:room/history").handler(this::history);
    // The token is checked before a body is read; no body is ever kept as a file.
    router.post("/api/v1/*").handler(this::authorize);
    router.post("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/api/v1/rooms/:room/messages").handler(ctx -> post(ctx, Addresses.API_SAY, "room"));
    router.post("/api/v1/users/:name/messages").handler(ctx -> post(ctx, Addresses.API_TELL, "to"));
    router.route().last().handler(ctx -> error(ctx, 404, "not_found", "no such resource: " + ctx.request().path()));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()));
    return server.requestHandler(router).listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The port HTTP listens on, once started. */
  public int port() {
    return server.actualPort();
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
      Membership membership = Membership.of(vertx);
      checks.register("cluster", p -> p.complete(membership.alive(membership.self())
        ? Status.OK(new JsonObject().put("node", membership.self()))
        : Status.KO(new JsonObject().put("reason", "not a member of the cluster"))));
    }
    return checks;
  }

  private void history(RoutingContext ctx) {
    JsonObject req = new JsonObject().put("room", ctx.pathParam("room"));
    try {
      for (String param : new String[]{"limit", "afterSeq", "beforeSeq"}) {
        String value = ctx.queryParams().get(param);
        if (value != null) {
          req.put(param, param.equals("limit") ? Integer.parseInt(value) : Long.parseLong(value));
        }
      }
    } catch (NumberFormatException e) {
      error(ctx, 400, ErrorCode.BAD_REQUEST.wireName(), "limit, afterSeq and beforeSeq are whole numbers");
      return;
    }
    String messagesOnly = ctx.queryParams().get("messagesOnly");
    if (messagesOnly != null) {
      req.put("messagesOnly", Boolean.parseBoolean(messagesOnly));
    }
    ask(ctx, Addresses.API_HISTORY, req, 200);
  }

  private void authorize(RoutingContext ctx) {
    if (config.token().isEmpty()) {
      error(ctx, 403, "posting_off", "posting over HTTP is off: set http.token to turn it on");
      return;
    }
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String expected = "Bearer " + config.token();
    if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "unauthorized", "posting needs the header Authorization: Bearer <http.token>");
      return;
    }
    ctx.next();
  }

  /** Posts the body's {@code from} and {@code text} to the room or user named in the path. */
  private void post(RoutingContext ctx, String address, String target) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, ErrorCode.BAD_REQUEST.wireName(), "the body must be a JSON object");
      return;
    }
    if (body == null) {
      error(ctx, 400, ErrorCode.BAD_REQUEST.wireName(), "the body must be a JSON object with from and text");
      return;
    }
    JsonObject req = new JsonObject().put("service", body.getValue("from")).put("text", body.getValue("text"))
      .put(target, ctx.pathParam(target.equals("room") ? "room" : "name"));
    if (body.containsKey("action")) {
      req.put("action", body.getValue("action"));
    }
    ask(ctx, address, req, 201, POSTING);
  }

  private void ask(RoutingContext ctx, String address, JsonObject req, int status) {
    ask(ctx, address, req, status, LOCAL);
  }

  private void ask(RoutingContext ctx, String address, JsonObject req, int status, DeliveryOptions options) {
    vertx.eventBus().<JsonObject>request(address, req, options).onComplete(ar -> {
      ReplyFailure failure = ar.cause() instanceof ReplyException ? ((ReplyException) ar.cause()).failureType() : null;
      if (ar.succeeded()) {
        json(ctx, status, ar.result().body());
      } else if (failure == ReplyFailure.RECIPIENT_FAILURE) {
        ErrorCode code = ErrorCode.ofCode(((ReplyException) ar.cause()).failureCode());
        error(ctx, status(code), code.wireName(), ar.cause().getMessage());
      } else if (failure == ReplyFailure.NO_HANDLERS) {
        error(ctx, 503, ErrorCode.SHUTTING_DOWN.wireName(), "this node is shutting down");
      } else {
        error(ctx, 504, ErrorCode.INTERNAL.wireName(), "no answer in time (" + ar.cause().getMessage()
          + "); a message may still be stored");
      }
    });
  }

  private static int status(ErrorCode code) {
    switch (code) {
      case NO_SUCH_ROOM:
      case NO_SUCH_USER:
        return 404;
      case NAME_TAKEN:
        return 409;
      case RATE_LIMITED:
        return 429;
      case SHUTTING_DOWN:
      case NOT_STORED:
      case BUSY:
        return 503;
      case INTERNAL:
        return 500;
      default:
        return 400;
    }
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new JsonObject().put("error", code).put("message", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode() + "\n");
    }
  }
}
