package dev.chatbus.edge;

import dev.chatbus.bus.Command;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.ClientCodec;
import dev.chatbus.protocol.ClientCommand;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.protocol.Names;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries out what clients ask for, the same way whatever protocol they speak: checks what can be
 * checked here, asks the router for the rest, and answers in the client's protocol.
 * <p>
 * Requests from one connection reach the router in the order the client sent them. While a request
 * decides how the client's next lines are read (a login, a join), those lines wait until the answer
 * has been handled.
 */
final class Commands {

  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  private final EventBus bus;
  private final String router;
  private final String edge;
  private final LocalRooms rooms;
  private final Connections connections;
  private final ClientCodec text;
  private final String defaultRoom;
  private final int maxRooms;
  private final Consumer<Connection> released;

  /**
   * @param edge the address of this edge instance, where the router sends a session's private messages
   * @param text     the codec of text clients, who are always in exactly one room
   * @param released called once a request that held the client's input has been answered
   */
  Commands(EventBus bus, String router, String edge, LocalRooms rooms, Connections connections, ClientCodec text,
           ChatbusConfig.Rooms config, Consumer<Connection> released) {
    this.bus = bus;
    this.router = router;
    this.edge = edge;
    this.rooms = rooms;
    this.connections = connections;
    this.text = text;
    this.defaultRoom = config.defaultRoom();
    this.maxRooms = config.maxPerClient();
    this.released = released;
  }

  void execute(Connection c, ClientCommand cmd) {
    if (cmd instanceof ClientCommand.Invalid) {
      ClientCommand.Invalid i = (ClientCommand.Invalid) cmd;
      reply(c, c.loggedIn() ? c.codec.error(i.code(), i.message(), i.ref()) : c.codec.loginRejected(i.code(), i.message(), i.ref()));
    } else if (cmd instanceof ClientCommand.Quit) {
      String reason = ((ClientCommand.Quit) cmd).reason();
      connections.goodbye(c, Goodbye.QUIT, reason == null ? "quit" : "quit: " + reason);
    } else if (cmd instanceof ClientCommand.Ping) {
      reply(c, c.codec.pong(cmd.ref()));
    } else if (!c.loggedIn()) {
      if (cmd instanceof ClientCommand.Hello) {
        login(c, (ClientCommand.Hello) cmd);
      } else {
        reply(c, c.codec.error(ErrorCode.NOT_LOGGED_IN, "log in first", cmd.ref()));
      }
    } else if (cmd instanceof ClientCommand.Say) {
      say(c, (ClientCommand.Say) cmd);
    } else if (cmd instanceof ClientCommand.Msg) {
      msg(c, (ClientCommand.Msg) cmd);
    } else if (cmd instanceof ClientCommand.Join) {
      join(c, (ClientCommand.Join) cmd);
    } else if (cmd instanceof ClientCommand.Leave) {
      leave(c, (ClientCommand.Leave) cmd);
    } else if (cmd instanceof ClientCommand.Who) {
      who(c, (ClientCommand.Who) cmd);
    } else if (cmd instanceof ClientCommand.Rooms) {
      call(c, new Command.ListRooms(), cmd.ref(), r -> c.codec.rooms((Reply.RoomList) r, cmd.ref()));
    } else if (cmd instanceof ClientCommand.Nick) {
      nick(c, (ClientCommand.Nick) cmd);
    } else if (cmd instanceof ClientCommand.Help) {
      reply(c, c.codec.help(cmd.ref()));
    } else if (cmd instanceof ClientCommand.Hello) {
      reply(c, c.codec.error(ErrorCode.BAD_REQUEST, "you are already logged in as " + c.name, cmd.ref()));
    } else {
      throw new IllegalArgumentException("unhandled command " + cmd);
    }
  }

  private void login(Connection c, ClientCommand.Hello hello) {
    String problem = Names.nameProblem(hello.name());
    if (problem != null) {
      reply(c, c.codec.loginRejected(ErrorCode.BAD_NAME, "invalid name: " + problem, hello.ref()));
      return;
    }
    c.state = Connection.State.LOGGING_IN;
    c.registered = true;
    LocalRooms.Room room = rooms.acquire(defaultRoom);
    send(c, room.ready(), new Command.Login(c.id, hello.name(), edge, c.remote, defaultRoom), true, ar -> {
      if (!c.open()) {
        rooms.abandon(room);
      } else if (ar.succeeded()) {
        Reply.LoggedIn in = (Reply.LoggedIn) ar.result();
        c.state = Connection.State.READY;
        c.name = in.name();
        rooms.add(room, c);
        c.rooms.add(defaultRoom);
        reply(c, c.codec.welcome(in.name(), in.joined(), hello.ref()));
        log.debug("conn {} logged in as {}", c, in.name());
      } else {
        rooms.abandon(room);
        c.state = Connection.State.GREETED;
        if (!refused(ar.cause())) {
          // No answer does not mean no login: make sure the router forgets the session before a retry.
          bus.send(router, new Command.Disconnect(c.id, "login failed"));
        }
        c.registered = false;
        reply(c, c.codec.loginRejected(errorCode(ar.cause()), errorMessage(ar.cause()), hello.ref()));
      }
    });
  }

  private void say(Connection c, ClientCommand.Say say) {
    if (say.text().isBlank()) {
      return;
    }
    String room = c.codec == text ? c.currentRoom() : Names.room(say.room());
    if (room == null) {
      reply(c, c.codec.error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(say.room()), say.ref()));
      return;
    }
    if (!c.rooms.contains(room)) {
      reply(c, c.codec.error(ErrorCode.NOT_IN_ROOM, "you are not in #" + room, say.ref()));
      return;
    }
    call(c, new Command.Say(c.id, room, say.text(), say.action()), say.ref(),
      r -> c.codec.accepted((Reply.Accepted) r, say.ref()));
  }

  private void msg(Connection c, ClientCommand.Msg msg) {
    if (Names.nameProblem(msg.to()) != null) {
      reply(c, c.codec.error(ErrorCode.NO_SUCH_USER, "no such user: " + msg.to(), msg.ref()));
      return;
    }
    call(c, new Command.Tell(c.id, msg.to(), msg.text(), msg.action()), msg.ref(),
      r -> c.codec.accepted((Reply.Accepted) r, msg.ref()));
  }

  private void join(Connection c, ClientCommand.Join join) {
    String room = Names.room(join.room());
    if (room == null) {
      reply(c, c.codec.error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(join.room()), join.ref()));
    } else if (c.codec == text) {
      if (room.equals(c.currentRoom())) {
        reply(c, c.codec.error(ErrorCode.BAD_REQUEST, "you are already in #" + room, join.ref()));
      } else {
        enter(c, room, c.currentRoom(), join.ref());
      }
    } else if (!c.rooms.contains(room) && c.rooms.size() >= maxRooms) {
      reply(c, c.codec.error(ErrorCode.TOO_MANY_ROOMS, "you are in " + maxRooms + " rooms already", join.ref()));
    } else {
      enter(c, room, null, join.ref());
    }
  }

  private void leave(Connection c, ClientCommand.Leave leave) {
    if (c.codec == text) {
      String current = c.currentRoom();
      if (defaultRoom.equals(current)) {
        reply(c, c.codec.error(ErrorCode.BAD_REQUEST, "you are in #" + defaultRoom + ", the room everyone starts in; /quit leaves the server", leave.ref()));
      } else {
        enter(c, defaultRoom, current, leave.ref());
      }
      return;
    }
    String room = Names.room(leave.room());
    if (room == null) {
      reply(c, c.codec.error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(leave.room()), leave.ref()));
      return;
    }
    if (!c.rooms.contains(room)) {
      reply(c, c.codec.error(ErrorCode.NOT_IN_ROOM, "you are not in #" + room, leave.ref()));
      return;
    }
    // Out of the local fan-out now: the router's answer can only confirm it.
    rooms.remove(c, room);
    c.rooms.remove(room);
    call(c, new Command.Leave(c.id, room), leave.ref(), r -> c.codec.left(room, leave.ref()));
  }

  /**
   * Enters {@code room}, leaving {@code from} in the same router step when it is not null. The room's
   * consumer is ready before the router hears of the join, so nothing said after it is missed.
   */
  private void enter(Connection c, String room, String from, Object ref) {
    LocalRooms.Room r = rooms.acquire(room);
    send(c, r.ready(), new Command.Join(c.id, room, from), true, ar -> {
      if (!c.open()) {
        rooms.abandon(r);
      } else if (ar.failed()) {
        rooms.abandon(r);
        reply(c, c.codec.error(errorCode(ar.cause()), errorMessage(ar.cause()), ref));
      } else {
        rooms.add(r, c);
        if (from != null) {
          rooms.remove(c, from);
          c.rooms.remove(from);
        }
        if (!c.rooms.contains(room)) {
          c.rooms.add(room);
        }
        reply(c, c.codec.joined((Reply.Joined) ar.result(), ref));
      }
    });
  }

  private void who(Connection c, ClientCommand.Who who) {
    String room = who.room() == null ? c.currentRoom() : Names.room(who.room());
    if (room == null) {
      reply(c, c.codec.error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(who.room()), who.ref()));
      return;
    }
    call(c, new Command.Who(room), who.ref(), r -> c.codec.members((Reply.Members) r, who.ref()));
  }

  private void nick(Connection c, ClientCommand.Nick nick) {
    String problem = Names.nameProblem(nick.name());
    if (problem != null) {
      reply(c, c.codec.error(ErrorCode.BAD_NAME, "invalid name: " + problem, nick.ref()));
      return;
    }
    call(c, new Command.Rename(c.id, nick.name()), nick.ref(), r -> {
      c.name = ((Reply.Renamed) r).name();
      return c.codec.renamed(c.name, nick.ref());
    });
  }

  /** Asks the router; answers the client with {@code render} of the reply, or with the error. */
  private void call(Connection c, Command cmd, Object ref, Function<Reply, String> render) {
    send(c, null, cmd, false, ar -> {
      if (c.open()) {
        reply(c, ar.succeeded() ? render.apply(ar.result()) : c.codec.error(errorCode(ar.cause()), errorMessage(ar.cause()), ref));
      }
    });
  }

  /**
   * Sends {@code cmd} to the router once {@code after} (when given) has completed, unless the client has
   * gone by then, and hands the outcome to {@code then}. With {@code holds}, the client's next lines wait
   * until then has run. A failure inside {@code then} ends this connection only.
   */
  private void send(Connection c, Future<Void> after, Command cmd, boolean holds, Handler<AsyncResult<Reply>> then) {
    c.inFlight++;
    if (holds) {
      c.holding = true;
    }
    Future<Void> ready = after == null ? Future.succeededFuture() : after;
    ready.compose(v -> c.open() ? bus.<Reply>request(router, cmd) : Future.<Message<Reply>>failedFuture("gone"))
      .map(Message::body)
      .onComplete(ar -> {
        c.inFlight--;
        try {
          then.handle(ar);
        } catch (RuntimeException e) {
          log.error("conn {} failed handling the answer to {}", c, cmd.getClass().getSimpleName(), e);
          c.ctx.close();
        } finally {
          if (holds) {
            released.accept(c);
          }
          connections.checkInputDone(c);
        }
      });
  }

  private void reply(Connection c, String lines) {
    connections.reply(c, lines);
  }

  /** Whether the router turned the request down (rather than not answering it). */
  private static boolean refused(Throwable t) {
    return t instanceof ReplyException && ((ReplyException) t).failureType() == ReplyFailure.RECIPIENT_FAILURE;
  }

  private static ErrorCode errorCode(Throwable t) {
    return refused(t) ? ErrorCode.ofCode(((ReplyException) t).failureCode()) : ErrorCode.INTERNAL;
  }

  private static String errorMessage(Throwable t) {
    if (refused(t)) {
      return t.getMessage();
    }
    log.warn("router request failed: {}", t.toString());
    return "the server could not answer in time; try again";
  }
}
