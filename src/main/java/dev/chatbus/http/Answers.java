package dev.chatbus.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How the HTTP port answers in JSON: a body, or an error as {@code {"error": code, "message": ...}}. */
final class Answers {

  private Answers() {
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    error(ctx.request(), status, code, message);
  }

  static void error(HttpServerRequest req, int status, String code, String message) {
    json(req, status, new JsonObject().put("error", code).put("message", message));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx.request(), status, body);
  }

  static void json(HttpServerRequest req, int status, JsonObject body) {
    if (!req.response().ended()) {
      req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode() + "\n");
    }
  }
}
