package dev.chatbus.http;

import dev.chatbus.account.Grant;
import dev.chatbus.account.Tokens;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.config.ChatbusConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;

/**
 * The REST API under {@code /api/v1}, over the public event-bus API of this node: with the bearer token of
 * {@code http.token}, reading rooms, members and history and posting into a room or to a user; with that of
 * {@code http.readToken}, reading only, and every node's figures ({@code /api/v1/stats}); with a signed token,
 * what its grant allows. Reads are held to {@code http.readsPerSecond} per remote address. Touched only on
 * the HTTP port's event loop.
 */
final class RestApi {

  /** The API on this node answers: requests do not cross the cluster for nothing. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final long BODY_LIMIT = 64 << 10;
  /** Where a request's grant is kept, once its signed token is verified. */
  private static final String GRANT = "chatbus.grant";

  private final Vertx vertx;
  private final ChatbusConfig.Http config;
  /** Signed tokens, when {@code tokens.secret} is set; else null. */
  private final Tokens tokens;
  private final ReadRate reads;
  /** The remote address of an open connection, or null for one the port no longer counts. */
  private final Function<HttpConnection, InetAddress> addressOf;
  /**
   * A post is answered once stored, which takes longer while the store is slow: up to a minute, and
   * within the idle timeout, which would close a connection waiting longer than that.
   */
  private final DeliveryOptions posting;

  RestApi(Vertx vertx, ChatbusConfig.Http config, ChatbusConfig.Limits limits, Tokens tokens,
          Function<HttpConnection, InetAddress> addressOf) {
    this.vertx = vertx;
    this.config = config;
    this.tokens = tokens;
    this.addressOf = addressOf;
    this.reads = new ReadRate(config.readsPerSecond(), config.readBurst(), limits.spared());
    this.posting = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(Math.max(1, Math.min(60_000, config.idleTimeout().toMillis() - 1_000)));
  }

  void mount(Router router) {
    router.get("/api/v1/*").handler(this::authorizeRead);
    router.get("/api/v1/rooms").handler(ctx -> ask(ctx, Addresses.API_ROOMS, new JsonObject(), 200));
    router.get("/api/v1/rooms/:room/members").handler(ctx ->
      ask(ctx, Addresses.API_MEMBERS, new JsonObject().put("room", ctx.pathParam("room")), 200));
    router.get("/api/v1/rooms/:room/history").handler(this::history);
    router.get("/api/v1/stats").handler(ctx -> ask(ctx, Addresses.STATS_GATHERED, new JsonObject(), 200));
    // The token is checked before a body is read; no body is ever kept as a file.
    router.post("/api/v1/*").handler(this::authorize);
    router.post("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/api/v1/rooms/:room/messages").handler(ctx -> post(ctx, Addresses.API_SAY, "room"));
    router.post("/api/v1/users/:name/messages").handler(ctx -> post(ctx, Addresses.API_TELL, "to"));
  }

  /** Forgets the read rates of addresses that stopped reading. */
  void forgetIdle(long nowMillis) {
    reads.forgetIdle(nowMillis);
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
      Answers.error(ctx, 400, ErrorCode.BAD_REQUEST.wireName(), "limit, afterSeq and beforeSeq are whole numbers");
      return;
    }
    String messagesOnly = ctx.queryParams().get("messagesOnly");
    if (messagesOnly != null) {
      req.put("messagesOnly", Boolean.parseBoolean(messagesOnly));
    }
    ask(ctx, Addresses.API_HISTORY, req, 200);
  }

  /** Posting needs {@code http.token}, or a signed token that allows the post (checked by {@link #ask}). */
  private void authorize(RoutingContext ctx) {
    if (config.token().isEmpty() && tokens == null) {
      Answers.error(ctx, 403, "api_off", "posting over the REST API is off: set http.token (or tokens.secret) to turn it on");
    } else if (bearer(ctx, config.token())) {
      ctx.next();
    } else {
      withGrant(ctx, "posting needs the header Authorization: Bearer <http.token, or a signed token>", ctx::next);
    }
  }

  /**
   * Reading needs {@code http.token}, {@code http.readToken}, or a signed token that allows the read (checked
   * by {@link #ask}), and is held to the address's read rate.
   */
  private void authorizeRead(RoutingContext ctx) {
    if (config.token().isEmpty() && config.readToken().isEmpty() && tokens == null) {
      Answers.error(ctx, 403, "api_off", "the REST API is off: set http.token (or http.readToken, to read only, or "
        + "tokens.secret) to turn it on");
    } else if (bearer(ctx, config.token()) || bearer(ctx, config.readToken())) {
      withinReadRate(ctx);
    } else {
      withGrant(ctx, "reading needs the header Authorization: Bearer <http.token, http.readToken, or a signed token>",
        () -> withinReadRate(ctx));
    }
  }

  /**
   * Verifies the request's bearer token as a signed one and keeps its grant for {@link #ask}, then runs
   * {@code then}; answers 401 ({@code unauthorized} saying {@code needs}) when there is none or it is not valid.
   */
  private void withGrant(RoutingContext ctx, String needs, Runnable then) {
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (tokens == null || auth == null || !auth.startsWith("Bearer ")) {
      unauthorized(ctx, needs);
      return;
    }
    // The body, if any, waits until the token is known.
    ctx.request().pause();
    tokens.verify(auth.substring("Bearer ".length()).strip()).onComplete(ar -> {
      if (ar.failed()) {
        unauthorized(ctx, ar.cause().getMessage());
      } else {
        ctx.put(GRANT, ar.result());
        then.run();
      }
      // After the body handler, if any, has taken the body up.
      ctx.request().resume();
    });
  }

  private void withinReadRate(RoutingContext ctx) {
    if (!withinReadRate(ctx.request())) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      Answers.error(ctx, 429, ErrorCode.RATE_LIMITED.wireName(), "more than " + config.readsPerSecond()
        + " reads a second from this address; try again shortly");
    } else {
      ctx.next();
    }
  }

  private boolean withinReadRate(HttpServerRequest request) {
    InetAddress address = addressOf.apply(request.connection());
    return address == null || reads.tryTake(address, System.currentTimeMillis());
  }

  /** Whether the request shows {@code token} as its bearer token (compared in constant time); never for an empty one. */
  private static boolean bearer(RoutingContext ctx, String token) {
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    return !token.isEmpty() && auth != null && MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
      ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
  }

  private static void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    Answers.error(ctx, 401, "unauthorized", message);
  }

  /** Posts the body's {@code from} and {@code text} to the room or user named in the path. */
  private void post(RoutingContext ctx, String address, String target) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      Answers.error(ctx, 400, ErrorCode.BAD_REQUEST.wireName(), "the body must be a JSON object");
      return;
    }
    if (body == null) {
      Answers.error(ctx, 400, ErrorCode.BAD_REQUEST.wireName(), "the body must be a JSON object with from and text");
      return;
    }
    JsonObject req = new JsonObject().put("service", body.getValue("from")).put("text", body.getValue("text"))
      .put(target, ctx.pathParam(target.equals("room") ? "room" : "name"));
    if (body.containsKey("action")) {
      req.put("action", body.getValue("action"));
    }
    ask(ctx, address, req, 201, posting);
  }

  private void ask(RoutingContext ctx, String address, JsonObject req, int status) {
    ask(ctx, address, req, status, LOCAL);
  }

  private void ask(RoutingContext ctx, String address, JsonObject req, int status, DeliveryOptions options) {
    Grant grant = ctx.get(GRANT);
    if (grant != null) {
      String refusal = grant.expired(System.currentTimeMillis()) ? "the token has expired" : grant.refusal(address, req);
      if (refusal != null) {
        Answers.error(ctx, 403, ErrorCode.FORBIDDEN.wireName(), refusal);
        return;
      }
    }
    vertx.eventBus().<JsonObject>request(address, req, options).onComplete(ar -> {
      ErrorCode code = ar.succeeded() ? null : ErrorCode.of(ar.cause());
      if (ar.succeeded()) {
        Answers.json(ctx, status, ar.result().body());
      } else if (ErrorCode.ofRefusal(ar.cause()) != null) {
        Answers.error(ctx, status(code), code.wireName(), ar.cause().getMessage());
      } else if (code == ErrorCode.SHUTTING_DOWN) {
        Answers.error(ctx, 503, ErrorCode.SHUTTING_DOWN.wireName(), "this node is shutting down");
      } else {
        Answers.error(ctx, 504, ErrorCode.INTERNAL.wireName(), "no answer in time (" + ar.cause().getMessage()
          + "); a message may still be stored");
      }
    });
  }

  private static int status(ErrorCode code) {
    switch (code) {
      case NO_SUCH_ROOM:
      case NO_SUCH_USER:
        return 404;
      case NOT_IN_ROOM:
        return 403;
      case NAME_TAKEN:
      case NOT_A_MEMBER:
        return 409;
      case RATE_LIMITED:
        return 429;
      case SHUTTING_DOWN:
      case NOT_STORED:
      case RETRY:
      case BUSY:
        return 503;
      case INTERNAL:
        return 500;
      default:
        return 400;
    }
  }
}
