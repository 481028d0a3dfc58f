package dev.chatbus.bridge;

import dev.chatbus.account.Grant;
import dev.chatbus.account.ServerBans;
import dev.chatbus.account.Tokens;
import dev.chatbus.bus.Addresses;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.edge.ConnectionLimits;
import dev.chatbus.metrics.NodeMetrics;
import io.netty.util.NetUtil;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The event-bus API for browsers and Node, the Vert.x way: vertx-web's SockJS bridge on the HTTP port, at
 * {@link #PATH}, for {@code @vertx/eventbus-bridge-client.js}. It lets through what the TCP bridge does
 * ({@link BridgeConnection}): requests to the public API ({@code say}, {@code tell}, {@code history},
 * {@code members}, {@code rooms}, {@code topic}, {@code moderate}) and listening on
 * {@code chat.api.v1.room.<room>} and {@code chat.api.v1.presence}, under the same settings: {@code bridge.token}
 * or a signed token ({@code tokens.secret}) in the {@code token} header (the client's {@code defaultHeaders}),
 * checked before anything else a client sends is acted on, a signed token's grant checked on every request
 * and its expiry ending the connection; {@code bridge.maxConnections} and {@code bridge.maxConnectionsPerIp},
 * banned addresses refused, {@code bridge.maxFrameBytes} for what a client sends, {@code bridge.maxQueueBytes}
 * waiting for one that does not read, and {@code bridge.idleTimeout} without a ping.
 * <p>
 * Publishing is refused: on a cluster's event bus a publish would reach every node's API, each taking it;
 * a send without a reply handler is the fire-and-forget way here. The token header goes no further than
 * this bridge. Touched only on the HTTP port's event loop.
 */
public final class SockJsBridge {

  private static final Logger log = LoggerFactory.getLogger(SockJsBridge.class);

  /** Where the bridge is on the HTTP port. */
  public static final String PATH = "/eventbus";

  /** What a client has shown and holds. */
  private static final class Client {
    final InetAddress address;
    /** Whether the client has shown a token that lets it in (or none is needed). */
    boolean admitted;
    /** What its signed token allows; null for the shared token, or none. */
    Grant grant;
    long expiryTimer = -1;

    Client(InetAddress address) {
      this.address = address;
    }
  }

  private final Vertx vertx;
  private final ChatbusConfig.Bridge config;
  private final Tokens tokens;
  private final ServerBans bans;
  private final NodeMetrics metrics;
  private final ConnectionLimits limits;
  private final Map<SockJSSocket, Client> clients = new HashMap<>();

  /**
   * @param limits where the per-address exemptions of the client port are set, which apply here too
   * @param tokens signed tokens, when {@code tokens.secret} is set; else null
   */
  public SockJsBridge(Vertx vertx, ChatbusConfig.Bridge config, ChatbusConfig.Limits limits, Tokens tokens,
                      ServerBans bans, NodeMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.tokens = tokens;
    this.bans = bans;
    this.metrics = metrics;
    this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(), limits.spared());
  }

  /** Mounts the bridge on {@code router} at {@link #PATH}. */
  public void mount(Router router) {
    SockJSHandlerOptions options = new SockJSHandlerOptions()
      .setRegisterWriteHandler(false)
      // JSONP runs the server's answer as a script in the page: never needed by a client of today.
      .addDisabledTransport(Transport.JSON_P.name())
      .addDisabledTransport(Transport.HTML_FILE.name());
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
      .setPingTimeout(config.idleTimeout().toMillis())
      .setMaxHandlersPerSocket(BridgeConnection.MAX_REGISTRATIONS)
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.apiRoom("").replace(".", "\\.") + ".+"))
      .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.API_PRESENCE));
    for (String address : BridgeConnection.REQUESTS) {
      bridge.addInboundPermitted(new PermittedOptions().setAddress(address));
    }
    // What the polling transports post is read whole: bounded as a frame of the TCP bridge is.
    router.post(PATH + "/*").handler(BodyHandler.create(false).setBodyLimit(config.maxFrameBytes()));
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx, options).bridge(bridge, this::onEvent));
  }

  private void onEvent(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_CREATED -> event.complete(created(socket));
      case SOCKET_CLOSED -> {
        closed(socket);
        event.complete(true);
      }
      case SEND, PUBLISH, REGISTER -> request(event);
      case RECEIVE -> {
        // What waits for a client that does not read is bounded: past it, the client goes.
        if (socket.writeQueueFull()) {
          log.info("SockJS bridge client {} disconnected: more than {} bytes unread", socket.remoteAddress(),
            config.maxQueueBytes());
          metrics.dropped(NodeMetrics.Drop.BRIDGE_SLOW, 1);
          socket.close();
          event.complete(false);
        } else {
          event.complete(true);
        }
      }
      default -> event.complete(true);
    }
  }

  private boolean created(SockJSSocket socket) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(socket.remoteAddress().hostAddress());
    if (address == null || bans.banned(address) || !limits.tryAcquire(address)) {
      log.debug("SockJS bridge client {} refused: banned, or too many", socket.remoteAddress());
      return false;
    }
    socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, config.maxQueueBytes()));
    Client c = new Client(address);
    c.admitted = config.token().isEmpty() && tokens == null;
    clients.put(socket, c);
    metrics.connected(NodeMetrics.Protocol.BRIDGE);
    return true;
  }

  private void closed(SockJSSocket socket) {
    Client c = clients.remove(socket);
    if (c != null) {
      vertx.cancelTimer(c.expiryTimer);
      limits.release(c.address);
      metrics.disconnected(NodeMetrics.Protocol.BRIDGE);
    }
  }

  /** A send, publish or register: let through once the client is admitted and its grant allows it. */
  private void request(BridgeEvent event) {
    Client c = clients.get(event.socket());
    JsonObject raw = event.getRawMessage();
    if (c == null || raw == null) {
      event.complete(false);
      return;
    }
    JsonObject headers = raw.getValue("headers") instanceof JsonObject h ? h : null;
    String shown = headers != null && headers.getValue("token") instanceof String t ? t : null;
    if (headers != null) {
      // The token is for this bridge: it goes no further.
      headers.remove("token");
      event.setRawMessage(raw);
    }
    if (c.admitted) {
      decide(event, c, raw);
    } else if (BridgeConnection.sharedToken(config, shown)) {
      c.admitted = true;
      decide(event, c, raw);
    } else if (shown != null && tokens != null) {
      tokens.verify(shown).onComplete(ar -> {
        if (!clients.containsKey(event.socket())) {
          event.complete(false);
        } else if (ar.failed()) {
          refuse(event, raw, "access_denied", ar.cause().getMessage());
        } else {
          c.admitted = true;
          c.grant = ar.result();
          // Frames sent before the first verification ended are verified each: one expiry is enough.
          if (c.expiryTimer < 0) {
            c.expiryTimer = vertx.setTimer(Math.max(1, c.grant.expiresAt() - System.currentTimeMillis()), id -> {
              log.debug("SockJS bridge client {}: its token has expired", event.socket().remoteAddress());
              event.socket().close();
            });
          }
          decide(event, c, raw);
        }
      });
    } else {
      refuse(event, raw, "access_denied", "this bridge needs a token (the \"token\" header) before anything else");
    }
  }

  private void decide(BridgeEvent event, Client c, JsonObject raw) {
    Object address = raw.getValue("address");
    if (!(address instanceof String to)) {
      event.complete(true);
      return;
    }
    if (c.grant != null && c.grant.expired(System.currentTimeMillis())) {
      refuse(event, raw, "access_denied", "the token has expired");
      event.socket().close();
      return;
    }
    BridgeConnection.Refusal refusal = switch (event.type()) {
      case PUBLISH -> new BridgeConnection.Refusal("access_denied", "publishing is not taken here (on a cluster it "
        + "would reach every node): send to " + to + " without a reply handler instead");
      case SEND -> sending(c, to, raw.getValue("body"));
      case REGISTER -> BridgeConnection.listening(c.grant, to);
      default -> null;
    };
    if (refusal != null) {
      refuse(event, raw, refusal.code(), refusal.detail());
    } else {
      event.complete(true);
    }
  }

  /** Why the client may not send {@code body} to {@code address}, or null if it may. */
  private static BridgeConnection.Refusal sending(Client c, String address, Object body) {
    String refusal = !BridgeConnection.REQUESTS.contains(address) ? "sending to " + address + " is not allowed"
      : c.grant == null ? null : c.grant.refusal(address, body);
    return refusal == null ? null : new BridgeConnection.Refusal("access_denied", refusal);
  }

  /**
   * Tells the client why, at the address its request waits on (a send's reply address, or a registration's
   * address), so that its callback gets the error; the bridge then refuses the request.
   */
  private void refuse(BridgeEvent event, JsonObject raw, String code, String detail) {
    metrics.dropped(NodeMetrics.Drop.BRIDGE_REFUSED, 1);
    Object waiting = event.type() == BridgeEventType.REGISTER ? raw.getValue("address") : raw.getValue("replyAddress");
    JsonObject err = new JsonObject().put("type", "err").put("failureCode", -1).put("failureType", "RECIPIENT_FAILURE")
      .put("message", code + ": " + detail);
    if (waiting instanceof String) {
      err.put("address", waiting);
    }
    event.socket().write(err.encode());
    event.complete(false);
  }
}
