package dev.chatbus.api;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.JsonCodec;
import dev.chatbus.protocol.Names;
import dev.chatbus.protocol.Text;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The public event-bus API, version 1, for services: JSON requests on the {@code chat.api.v1.*} addresses,
 * turned into router commands on this node, and JSON replies. The events services subscribe to
 * ({@code chat.api.v1.room.<room>}, {@code chat.api.v1.presence}) are published by the rooms' owners.
 * <p>
 * Consumes {@link Addresses#API_SAY}, {@link Addresses#API_TELL}, {@link Addresses#API_HISTORY},
 * {@link Addresses#API_MEMBERS}, {@link Addresses#API_ROOMS}, {@link Addresses#API_TOPIC} and
 * {@link Addresses#API_MODERATE} cluster-wide, so that a service anywhere in
 * the cluster reaches some node; a request fails with a code of {@link ErrorCode} and a message, as
 * {@code docs/event-bus.md} lists. A message sent without a reply address is passed on without waiting
 * for the store, and nothing is answered. Runs on an event loop and holds no state but its consumers.
 * <p>
 * A shutdown first calls {@link #refuseNew()}, so that requests go to other nodes while this one drains,
 * and undeploys this verticle last, once the router has answered what it was asked.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private static final int DEFAULT_HISTORY = 50;

  private final String router;
  private final int maxTextBytes;
  private final int maxHistory;
  private final NodeMetrics metrics;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private EventBus bus;

  /**
   * @param node   this node's name, whose router carries the requests out
   * @param config where the longest text (as for clients' lines) and the most events per history request
   *               are set
   */
  public ApiVerticle(String node, ChatbusConfig config, NodeMetrics metrics) {
    this.router = Addresses.router(node);
    this.maxTextBytes = config.limits().maxLineBytes();
    this.maxHistory = config.history().maxPerRequest();
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    return Future.all(List.of(
      serve(Addresses.API_SAY, this::say),
      serve(Addresses.API_TELL, this::tell),
      serve(Addresses.API_HISTORY, this::history),
      serve(Addresses.API_MEMBERS, this::members),
      serve(Addresses.API_ROOMS, this::rooms),
      serve(Addresses.API_TOPIC, this::topic),
      serve(Addresses.API_MODERATE, this::moderate)));
  }

  /** Stops taking requests; those already taken are still answered. Safe to call from any thread. */
  public Future<?> refuseNew() {
    List<Future<Void>> unregistered = new ArrayList<>();
    synchronized (consumers) {
      consumers.forEach(c -> unregistered.add(c.unregister()));
    }
    return Future.all(unregistered);
  }

  /**
   * Takes requests on {@code address}: the handler gets the request and whether an answer is wanted, and
   * its answer is sent back when it is.
   */
  private Future<Void> serve(String address, BiFunction<JsonObject, Boolean, Future<JsonObject>> handler) {
    MessageConsumer<Object> consumer = bus.consumer(address, msg -> {
      Future<JsonObject> answer;
      try {
        if (!(msg.body() instanceof JsonObject)) {
          throw new Refusal(ErrorCode.BAD_REQUEST, "the body must be a JSON object");
        }
        answer = handler.apply((JsonObject) msg.body(), msg.replyAddress() != null);
      } catch (Refusal r) {
        answer = Future.failedFuture(r);
      } catch (ClassCastException e) {
        answer = Future.failedFuture(new Refusal(ErrorCode.BAD_REQUEST, "a field has the wrong type: " + e.getMessage()));
      }
      answer.onComplete(ar -> {
        if (msg.replyAddress() == null) {
          if (ar.failed() && !(ar.cause() instanceof Refusal)) {
            log.warn("{} failed: {}", address, ar.cause().toString());
          }
        } else if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          fail(msg, address, ar.cause());
        }
      });
    });
    synchronized (consumers) {
      consumers.add(consumer);
    }
    return consumer.completion();
  }

  private Future<JsonObject> say(JsonObject req, boolean answered) {
    String service = required(req, "service");
    String room = room(required(req, "room"));
    String text = text(req);
    boolean durable = answered && req.getBoolean("durable", true);
    return speak(new SessionCommand.ServiceSay(service, room, text, req.getBoolean("action", false), durable), durable,
      answered, a -> new JsonObject().put("room", room).put("id", a.id()).put("seq", a.seq()).put("ts", a.ts()));
  }

  private Future<JsonObject> tell(JsonObject req, boolean answered) {
    String service = required(req, "service");
    String to = required(req, "to");
    String text = text(req);
    boolean durable = answered && req.getBoolean("durable", true);
    return speak(new SessionCommand.ServiceTell(service, to, text, req.getBoolean("action", false), durable), durable,
      answered, a -> new JsonObject().put("to", to).put("id", a.id()).put("ts", a.ts()));
  }

  /**
   * Passes a service's message to the router: answered as {@code answer} makes of its acceptance, or,
   * when no one waits for an answer, sent without waiting for one.
   */
  private Future<JsonObject> speak(RouterMessage cmd, boolean durable, boolean answered,
                                   Function<Reply.Accepted, JsonObject> answer) {
    metrics.messageIn(NodeMetrics.Source.SERVICE);
    if (!answered) {
      bus.send(router, cmd);
      return Future.succeededFuture();
    }
    return ask(cmd, durable).map(reply -> answer.apply((Reply.Accepted) reply));
  }

  private Future<JsonObject> topic(JsonObject req, boolean answered) {
    String service = required(req, "service");
    String room = room(required(req, "room"));
    String topic = required(req, "topic");
    return ask(new SessionCommand.ServiceModerate(service, room, null, topic, null), false).map(reply -> {
      Reply.TopicIs t = (Reply.TopicIs) reply;
      JsonObject answer = new JsonObject().put("room", t.room());
      return t.topic() == null ? answer
        : answer.put("topic", new JsonObject().put("text", t.topic().text()).put("by", t.topic().by()).put("ts", t.topic().at()));
    });
  }

  /**
   * A service as an operator of a room: {@code action} is a {@link Moderation} by name, in lower case:
   * {@code op}, {@code deop}, {@code voice}, {@code devoice}, {@code kick} (of {@code name}, with an optional
   * {@code reason}), {@code ban} or {@code unban} ({@code name}, or a mask), a flag's ({@code lock_topic},
   * {@code moderate}, {@code hide}, {@code members_only}, ... and their opposites), {@code set_key}
   * ({@code key}), {@code clear_key}, {@code set_limit} ({@code limit}), {@code clear_limit}, or {@code flags}
   * ({@code flags}, several at once: {@code +ms-t}).
   */
  private Future<JsonObject> moderate(JsonObject req, boolean answered) {
    String service = required(req, "service");
    String room = room(required(req, "room"));
    String name = required(req, "action");
    Moderation action;
    try {
      action = Moderation.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "unknown action: " + name);
    }
    String target = switch (action) {
      case SET_KEY -> required(req, "key");
      case SET_LIMIT -> String.valueOf(req.getValue("limit"));
      case FLAGS -> required(req, "flags");
      default -> action.hasTarget() ? required(req, "name") : null;
    };
    String reason = req.getString("reason");
    return ask(new SessionCommand.ServiceModerate(service, room, action, target, reason == null ? null : Text.clean(reason)), false)
      .map(reply -> {
        Reply.Accepted a = (Reply.Accepted) reply;
        return new JsonObject().put("room", room).put("id", a.id()).put("seq", a.seq()).put("ts", a.ts());
      });
  }

  private Future<JsonObject> history(JsonObject req, boolean answered) {
    String room = room(required(req, "room"));
    int limit = req.getInteger("limit", DEFAULT_HISTORY);
    if (limit < 1 || limit > maxHistory) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "limit must be 1 to " + maxHistory + ", got " + limit);
    }
    long afterSeq = req.getLong("afterSeq", -1L);
    long beforeSeq = req.getLong("beforeSeq", Long.MAX_VALUE);
    if (req.containsKey("afterSeq") && req.containsKey("beforeSeq")) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "give afterSeq or beforeSeq, not both");
    }
    if (afterSeq < -1 || beforeSeq < 1) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "afterSeq must be 0 or more, beforeSeq 1 or more");
    }
    RouterMessage cmd = new RoomCommand.RoomHistory(room, RoomEvent.SERVICE, limit, afterSeq, beforeSeq,
      req.getBoolean("messagesOnly", false), false);
    return ask(cmd, false).map(reply -> {
      Reply.History h = (Reply.History) reply;
      JsonArray messages = new JsonArray();
      for (RoomEvent e : h.events()) {
        messages.add(JsonCodec.eventObject(e));
      }
      JsonObject answer = new JsonObject().put("room", h.room()).put("messages", messages).put("complete", h.complete());
      return h.more() == null ? answer : answer.put("more", JsonCodec.more(h.more()));
    });
  }

  private Future<JsonObject> members(JsonObject req, boolean answered) {
    String room = room(required(req, "room"));
    return ask(new SessionCommand.Who(RoomEvent.SERVICE, room), false).map(reply -> {
      Reply.Members m = (Reply.Members) reply;
      return new JsonObject().put("room", m.room()).put("count", m.roster().count())
        .put("members", new JsonArray(m.roster().names()));
    });
  }

  private Future<JsonObject> rooms(JsonObject req, boolean answered) {
    return ask(new SessionCommand.ListRooms(RoomEvent.SERVICE), false).map(reply -> {
      JsonArray rooms = new JsonArray();
      for (Reply.RoomInfo r : ((Reply.RoomList) reply).rooms()) {
        rooms.add(new JsonObject().put("room", r.name()).put("members", r.members()).put("topic", r.topic()).put("secret", r.secret()));
      }
      return new JsonObject().put("rooms", rooms);
    });
  }

  private Future<Reply> ask(RouterMessage cmd, boolean durable) {
    return bus.<Reply>request(router, cmd, Addresses.toRouter(durable)).map(Message::body);
  }

  /** Answers a failed request with the code the router gave, or says why it got no answer. */
  private static void fail(Message<Object> msg, String address, Throwable cause) {
    ErrorCode code = ErrorCode.of(cause);
    if (ErrorCode.ofRefusal(cause) != null) {
      msg.fail(code.code(), cause.getMessage());
    } else if (code == ErrorCode.SHUTTING_DOWN) {
      msg.fail(code.code(), "this node is shutting down; try again");
    } else {
      log.warn("{} failed: {}", address, cause.toString());
      msg.fail(ErrorCode.INTERNAL.code(), "the server could not answer in time; try again");
    }
  }

  private static String required(JsonObject req, String field) {
    Object v = req.getValue(field);
    if (!(v instanceof String)) {
      throw new Refusal(ErrorCode.BAD_REQUEST, v == null ? "missing field: " + field : field + " must be a string");
    }
    return (String) v;
  }

  private static String room(String input) {
    String room = Names.room(input);
    if (room == null) {
      throw new Refusal(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(input));
    }
    return room;
  }

  private String text(JsonObject req) {
    String text = Text.clean(required(req, "text"));
    if (text.isBlank()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "text is empty");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > maxTextBytes) {
      throw new Refusal(ErrorCode.TOO_LONG, "text too long (the limit is " + maxTextBytes + " bytes)");
    }
    return text;
  }
}
