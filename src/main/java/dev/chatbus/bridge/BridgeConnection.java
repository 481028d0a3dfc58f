package dev.chatbus.bridge;

import dev.chatbus.account.Grant;
import dev.chatbus.account.Tokens;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.Names;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One bridge client: frames of a 4-byte big-endian length and that many bytes of UTF-8 JSON, each way, as
 * vertx-tcp-eventbus-bridge defines them. Runs on the event loop of its socket.
 * <p>
 * What the stock bridge leaves open is bounded here: a frame longer than {@code bridge.maxFrameBytes} is
 * refused before it is read; a client with more than {@code bridge.maxQueueBytes} unwritten is
 * disconnected rather than buffered for; a client with {@link #MAX_IN_FLIGHT} requests unanswered is not
 * read from until some are answered; with {@code bridge.token} or {@code tokens.secret} set no frame is acted
 * on before the client has shown a token (the {@code token} header of its first frame): the shared one, which
 * allows everything, or a signed one ({@link Tokens}), whose {@link Grant} every later request is checked
 * against, and which stops working when it expires; and a client that sends no valid first frame within
 * {@code bridge.firstFrameTimeout} is closed. Every refusal is an {@code err} frame to this client alone.
 */
final class BridgeConnection {

  private static final Logger log = LoggerFactory.getLogger(BridgeConnection.class);

  /** The requests a bridge client may make (a send, with or without a reply address). */
  static final Set<String> REQUESTS = Set.of(Addresses.API_SAY, Addresses.API_TELL, Addresses.API_HISTORY,
    Addresses.API_MEMBERS, Addresses.API_ROOMS, Addresses.API_TOPIC, Addresses.API_MODERATE);
  /** What a bridge client may publish: these are taken by the API on the client's own node. */
  static final Set<String> PUBLISHES = Set.of(Addresses.API_SAY, Addresses.API_TELL);
  /** How many addresses one client may listen on. */
  static final int MAX_REGISTRATIONS = 1000;
  /** Requests of one client waiting for an answer, beyond which its frames are not read for now. */
  static final int MAX_IN_FLIGHT = 64;
  /** The longest a client may ask to wait for an answer. */
  private static final long MAX_TIMEOUT_MS = 3_600_000;
  private static final long DEFAULT_TIMEOUT_MS = 60_000;
  /** How long a refused client is given to read why before its connection is cut. */
  private static final long LINGER_MS = 1_000;

  private final NetSocket socket;
  private final Vertx vertx;
  private final EventBus bus;
  private final ChatbusConfig.Bridge config;
  /** Signed tokens, when {@code tokens.secret} is set; else null. */
  private final Tokens tokens;
  /** What the client's signed token allows; null when it showed the shared token, or none was needed. */
  private Grant grant;
  /** When a signed token's client is closed for its token's expiry; -1 without one. */
  private long expiryTimer = -1;
  private final NodeMetrics metrics;
  private final RecordParser parser;
  private final Map<String, MessageConsumer<Object>> registrations = new HashMap<>();
  private final String id;
  private final Consumer<BridgeConnection> onGreeted;
  private final long firstFrameTimer;
  private boolean expectingLength = true;
  /** Whether the client has sent a valid first frame (showing the token, when one is set). */
  private boolean greeted;
  private boolean closed;
  private int inFlight;
  /** Bytes handed to the socket and not yet written to the network. */
  private long queuedBytes;

  /**
   * @param onGreeted called once the client has sent a valid first frame
   * @param onClosed  called once the connection has closed, whoever closed it
   */
  BridgeConnection(NetSocket socket, Vertx vertx, ChatbusConfig.Bridge config, Tokens tokens, NodeMetrics metrics,
                   Consumer<BridgeConnection> onGreeted, Runnable onClosed) {
    this.tokens = tokens;
    this.socket = socket;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.config = config;
    this.metrics = metrics;
    this.onGreeted = onGreeted;
    this.id = String.valueOf(socket.remoteAddress());
    this.firstFrameTimer = vertx.setTimer(config.firstFrameTimeout().toMillis(), t -> {
      refuse("timeout", "no valid first frame within " + config.firstFrameTimeout().toMillis() + " ms");
      close();
    });
    // The parser reads from the socket as a stream of its own, so pausing it stops frames already read too.
    this.parser = RecordParser.newFixed(4, socket);
    parser.handler(this::onRecord);
    parser.exceptionHandler(err -> {
      log.info("bridge client {} failed: {}", id, err.toString());
      close();
    });
    socket.closeHandler(v -> {
      closed();
      onClosed.run();
    });
  }

  /** Closes a client that has not sent a valid first frame, to make room for a newer one. */
  void evict() {
    refuse("server_full", "too many clients are connecting at once; this one waited longest for its first frame");
    close();
  }

  /** Frames come as a length, then a body of that length: the parser is told which to read next. */
  private void onRecord(Buffer record) {
    if (closed) {
      return;
    }
    if (expectingLength) {
      if (record.length() < 4) {
        // What the parser hands over when the client ends its connection within a frame's length.
        return;
      }
      long length = record.getUnsignedInt(0);
      if (length > config.maxFrameBytes()) {
        // The rest of the frame is not read: the connection cannot find the next frame, so it ends here.
        refuse("frame_too_large", "a frame may hold at most " + config.maxFrameBytes() + " bytes, this one " + length);
        close();
      } else if (length == 0) {
        refuse("invalid_json", "the frame is empty");
      } else {
        expectingLength = false;
        parser.fixedSizeMode((int) length);
      }
      return;
    }
    expectingLength = true;
    parser.fixedSizeMode(4);
    onFrame(record);
  }

  private void onFrame(Buffer body) {
    JsonObject frame;
    try {
      frame = new JsonObject(body);
    } catch (DecodeException e) {
      frame = null;
    }
    if (greeted) {
      act(frame);
      return;
    }
    boolean needsToken = !config.token().isEmpty() || tokens != null;
    String shown = frame == null ? null : shownToken(frame);
    Object replyAddress = frame == null ? null : frame.getValue("replyAddress");
    if (!needsToken || sharedToken(config, shown)) {
      if (frame != null) {
        greet();
      }
      act(frame);
    } else if (shown != null && tokens != null) {
      // A signed token: verified before this frame, or any after it, is acted on.
      JsonObject first = frame;
      parser.pause();
      tokens.verify(shown).onComplete(ar -> {
        if (closed) {
          return;
        }
        if (ar.failed()) {
          refuse("access_denied", ar.cause().getMessage(), replyAddress);
          close();
          return;
        }
        grant = ar.result();
        // A client that only listens goes when its token does, too.
        expiryTimer = vertx.setTimer(Math.max(1, grant.expiresAt() - System.currentTimeMillis()), id -> {
          refuse("access_denied", "the token has expired");
          close();
        });
        greet();
        act(first);
        parser.resume();
      });
    } else {
      refuse("access_denied", "this bridge needs a token (the \"token\" header) before anything else", replyAddress);
      close();
    }
  }

  /** The client has shown what it needed to: its frames are acted on from now on. */
  private void greet() {
    greeted = true;
    vertx.cancelTimer(firstFrameTimer);
    onGreeted.accept(this);
  }

  private void act(JsonObject frame) {
    if (frame == null) {
      refuse("invalid_json", "a frame must be a JSON object in UTF-8");
      return;
    }
    Object type = frame.getValue("type");
    if ("ping".equals(type)) {
      write(new JsonObject().put("type", "pong"));
      return;
    }
    Object address = frame.getValue("address");
    if (!(address instanceof String)) {
      refuse("missing_address", "a " + type + " frame needs an address");
      return;
    }
    String to = (String) address;
    if (grant != null && grant.expired(System.currentTimeMillis())) {
      refuse("access_denied", "the token has expired", frame.getValue("replyAddress"));
      close();
      return;
    }
    if ("send".equals(type)) {
      if (!REQUESTS.contains(to)) {
        refuse("access_denied", "sending to " + to + " is not allowed", frame.getValue("replyAddress"));
        return;
      }
      String refusal = grant == null ? null : grant.refusal(to, frame.getValue("body"));
      if (refusal != null) {
        refuse("access_denied", refusal, frame.getValue("replyAddress"));
        return;
      }
      ask(to, frame, false);
    } else if ("publish".equals(type)) {
      if (!PUBLISHES.contains(to)) {
        refuse("access_denied", "publishing to " + to + " is not allowed");
        return;
      }
      String refusal = grant == null ? null : grant.refusal(to, frame.getValue("body"));
      if (refusal != null) {
        refuse("access_denied", refusal);
        return;
      }
      ask(to, frame, true);
    } else if ("register".equals(type)) {
      register(to);
    } else if ("unregister".equals(type)) {
      MessageConsumer<Object> consumer = registrations.remove(to);
      if (consumer == null) {
        refuse("unknown_address", "not registered on " + to);
      } else {
        consumer.unregister();
      }
    } else {
      refuse("unknown_type", "unknown frame type: " + type);
    }
  }

  /**
   * Passes a send or publish on to the API as a request, so that the client's requests in flight are
   * counted (and the client not read from while too many are) whether or not it waits for the answers.
   * A publish goes to this node's API only: it is taken once.
   */
  private void ask(String address, JsonObject frame, boolean local) {
    Object replyAddress = frame.getValue("replyAddress");
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout(frame.getValue("headers"))).setLocalOnly(local);
    if (++inFlight == MAX_IN_FLIGHT) {
      parser.pause();
    }
    bus.request(address, frame.getValue("body"), options).onComplete(ar -> {
      if (--inFlight == MAX_IN_FLIGHT / 2 && !closed) {
        parser.resume();
      }
      if (!(replyAddress instanceof String)) {
        return;
      }
      if (ar.succeeded()) {
        write(new JsonObject().put("type", "message").put("address", replyAddress).put("send", true)
          .put("body", ar.result().body()));
      } else {
        write(new JsonObject().put("type", "err").put("address", replyAddress).put("sourceAddress", address)
          .put("failureCode", ErrorCode.of(ar.cause()).code()).put("message", ar.cause().getMessage()));
      }
    });
  }


  /** Why a frame is refused: the {@code err} frame's {@code message}, and a {@code detail} for people. */
  record Refusal(String code, String detail) {
  }

  /**
   * Why a client holding {@code grant} (null: the shared token, or none needed) may not listen on
   * {@code address}, or null if it may: a room's events or everyone's presence, as its grant allows, under the
   * room's normal name. The TCP and the SockJS bridge both ask this.
   */
  static Refusal listening(Grant grant, String address) {
    if (!Addresses.isApiRoom(address) && !Addresses.API_PRESENCE.equals(address)) {
      return new Refusal("access_denied", "listening on " + address + " is not allowed");
    }
    if (grant != null && !grant.mayListen(address)) {
      return new Refusal("access_denied", "this token does not let its bearer listen on " + address);
    }
    if (Addresses.isApiRoom(address)) {
      String room = address.substring(Addresses.apiRoom("").length());
      String normal = Names.room(room);
      if (!room.equals(normal)) {
        // Events are published under the room's normal name only: any other spelling would hear nothing.
        return new Refusal("bad_room", normal == null ? "invalid room: " + Names.roomProblem(room)
          : "room names are written in lower case without '#': " + Addresses.apiRoom(normal));
      }
    }
    return null;
  }

  /** Whether {@code shown} is the bridge's shared token, compared in constant time; never when it has none. */
  static boolean sharedToken(ChatbusConfig.Bridge config, String shown) {
    return shown != null && !config.token().isEmpty() && MessageDigest.isEqual(
      shown.getBytes(StandardCharsets.UTF_8), config.token().getBytes(StandardCharsets.UTF_8));
  }

  private void register(String address) {
    Refusal refusal = listening(grant, address);
    if (refusal != null) {
      refuse(refusal.code(), refusal.detail());
      return;
    }
    if (registrations.containsKey(address)) {
      return;
    }
    if (registrations.size() >= MAX_REGISTRATIONS) {
      refuse("too_many_registrations", "a client may listen on at most " + MAX_REGISTRATIONS + " addresses");
      return;
    }
    MessageConsumer<Object> consumer = bus.consumer(address, (Message<Object> m) ->
      write(new JsonObject().put("type", "message").put("address", address).put("send", false).put("body", m.body())));
    registrations.put(address, consumer);
  }

  /** The client's {@code timeout} header in milliseconds, within bounds, or the default. */
  private static long timeout(Object headers) {
    if (headers instanceof JsonObject && ((JsonObject) headers).getValue("timeout") instanceof Number) {
      long asked = ((Number) ((JsonObject) headers).getValue("timeout")).longValue();
      return Math.max(1, Math.min(MAX_TIMEOUT_MS, asked));
    }
    return DEFAULT_TIMEOUT_MS;
  }

  /** The {@code token} header of {@code frame}, or null. */
  private static String shownToken(JsonObject frame) {
    Object headers = frame.getValue("headers");
    Object token = headers instanceof JsonObject ? ((JsonObject) headers).getValue("token") : null;
    return token instanceof String ? (String) token : null;
  }

  private void refuse(String code, String detail) {
    refuse(code, detail, null);
  }

  /**
   * Answers a frame with an {@code err} frame; one that asked for a reply gets it at its reply address,
   * so that the client's request ends there.
   */
  private void refuse(String code, String detail, Object replyAddress) {
    metrics.dropped(NodeMetrics.Drop.BRIDGE_REFUSED, 1);
    log.debug("bridge client {}: {} ({})", id, code, detail);
    JsonObject err = new JsonObject().put("type", "err").put("message", code).put("detail", detail);
    if (replyAddress instanceof String) {
      err.put("address", replyAddress);
    }
    write(err);
  }

  /**
   * Queues a frame, or disconnects the client if more than {@code bridge.maxQueueBytes} already wait for
   * it: one frame of any size goes to a client that reads, however large the answer.
   */
  private void write(JsonObject frame) {
    if (closed) {
      return;
    }
    if (queuedBytes > config.maxQueueBytes()) {
      log.info("bridge client {} disconnected: more than {} bytes unread", id, config.maxQueueBytes());
      metrics.dropped(NodeMetrics.Drop.BRIDGE_SLOW, 1);
      closed();
      abort();
      return;
    }
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    int size = 4 + json.length;
    queuedBytes += size;
    socket.write(Buffer.buffer(size).appendInt(json.length).appendBytes(json)).onComplete(ar -> queuedBytes -= size);
  }

  /**
   * Stops acting on the client's frames and closes its connection once what is queued is written, or after
   * {@link #LINGER_MS} if the client does not read it.
   */
  void close() {
    if (!closed) {
      closed();
      socket.close();
      vertx.setTimer(LINGER_MS, id -> abort());
    }
  }

  /**
   * Closes the connection without waiting for queued frames: a close that waits for them never ends if the
   * client does not read. The channel is closed from below Vert.x's connection handler, whose own close
   * would flush first. This is the bridge's one use of Vert.x internals: a {@code NetSocket} has no public
   * way to close without flushing.
   */
  private void abort() {
    ((NetSocketInternal) socket).channelHandlerContext().close();
  }

  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(firstFrameTimer);
    vertx.cancelTimer(expiryTimer);
    registrations.values().forEach(MessageConsumer::unregister);
    registrations.clear();
  }
}
