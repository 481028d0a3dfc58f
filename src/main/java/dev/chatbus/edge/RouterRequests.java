package dev.chatbus.edge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.SessionCommand;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Requests to the router on a client's behalf. Each is counted while it is in flight, so that a client
 * that closed its side still gets its answers; one whose answer decides how the client's next lines are
 * read (a login, a join) holds them until it is handled; and a client that has gone asks nothing more. A
 * failure is told to the client as the router's refusal, or in words of its own when no answer came.
 */
final class RouterRequests {

  private static final Logger log = LoggerFactory.getLogger(RouterRequests.class);

  private final EventBus bus;
  private final String router;
  private final Connections connections;
  private final Consumer<Connection> released;

  /**
   * @param released called once a request that held the client's input has been answered
   */
  RouterRequests(EventBus bus, String router, Connections connections, Consumer<Connection> released) {
    this.bus = bus;
    this.router = router;
    this.connections = connections;
    this.released = released;
  }

  void call(Connection c, SessionCommand cmd, Object ref, Function<Reply, String> render) {
    call(c, cmd, false, ref, render);
  }

  /** Asks the router; answers the client with {@code render} of the reply, or with the error. */
  void call(Connection c, SessionCommand cmd, boolean durable, Object ref, Function<Reply, String> render) {
    Future<Reply> answer = c.open() ? bus.<Reply>request(router, cmd, Addresses.toRouter(durable)).map(Message::body)
      : Future.failedFuture("gone");
    send(c, answer, false, ar -> {
      if (c.open()) {
        connections.reply(c, ar.succeeded() ? render.apply(ar.result())
          : c.codec().error(errorCode(ar.cause()), errorMessage(ar.cause()), ref));
      }
    });
  }

  /** Sends {@code cmd} to the router, unless the client has gone by then. */
  Future<Reply> ask(Connection c, SessionCommand cmd) {
    return c.open() ? bus.<Reply>request(router, cmd).map(Message::body) : Future.failedFuture("gone");
  }

  /**
   * Hands the outcome of {@code work} (requests to the router on {@code c}'s behalf) to {@code then}. With
   * {@code holding}, or for a client whose commands are carried out in order, the client's next lines wait
   * until then has run. A failure inside {@code then} ends
   * this connection only.
   */
  <T> void send(Connection c, Future<T> work, boolean holding, Handler<AsyncResult<T>> then) {
    boolean holds = holding || (c.codec() != null && c.codec().inOrder());
    c.asking(holds);
    work.onComplete(ar -> {
      c.answered();
      try {
        then.handle(ar);
      } catch (RuntimeException e) {
        log.error("conn {} failed handling an answer", c, e);
        c.channel.close();
      } finally {
        if (holds) {
          released.accept(c);
        }
        connections.checkInputDone(c);
      }
    });
  }

  /** Whether the router turned the request down (rather than not answering it). */
  static boolean refused(Throwable t) {
    return ErrorCode.ofRefusal(t) != null;
  }

  static ErrorCode errorCode(Throwable t) {
    return ErrorCode.of(t);
  }

  static String errorMessage(Throwable t) {
    if (refused(t)) {
      return t.getMessage();
    }
    log.warn("router request failed: {}", t.toString());
    return "the server could not answer in time; try again";
  }
}
