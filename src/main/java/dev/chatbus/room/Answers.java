package dev.chatbus.room;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.bus.SessionCommand;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the router answers what it is asked: with a {@link Reply}, with a failure carrying the
 * {@link ErrorCode} of what went wrong, or, for a message sent without waiting for an answer, with a
 * {@link Reply.Refused} to the sender's edge.
 */
final class Answers {

  private static final Logger log = LoggerFactory.getLogger(Answers.class);

  private final EventBus bus;
  private final Directory directory;

  Answers(EventBus bus, Directory directory) {
    this.bus = bus;
    this.directory = directory;
  }

  /** Whether anyone waits for an answer to {@code msg}. */
  static boolean expected(Message<?> msg) {
    return msg != null && msg.replyAddress() != null;
  }

  /** Answers {@code msg} with what {@code answer} comes to. */
  static void reply(Message<?> msg, Future<? extends Reply> answer) {
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        fail(msg, ar.cause());
      }
    });
  }

  /** Fails {@code msg} with what went wrong: a refusal as it is, anything else as an internal error. */
  static void fail(Message<?> msg, Throwable cause) {
    ErrorCode code = ErrorCode.ofRefusal(cause);
    if (code != null) {
      msg.fail(code.code(), cause.getMessage());
    } else {
      log.warn("a room command failed: {}", cause.toString());
      msg.fail(ErrorCode.INTERNAL.code(), "the server could not answer in time; try again");
    }
  }

  /**
   * Turns {@code m} down: as the answer to {@code msg} when it is a request, in the answer to its relay when
   * it is a relayed post ({@link RelayedPosts}), else as a {@link Reply.Refused} to the sender's edge (a
   * session the router does not know has gone anyway).
   */
  void refuse(RouterMessage m, Message<?> msg, ErrorCode code, String message) {
    if (expected(msg)) {
      msg.fail(code.code(), message);
      return;
    }
    long session = -1;
    String room = null;
    RoomEvent.Kind kind = RoomEvent.Kind.MESSAGE;
    if (m instanceof SessionCommand.Say say) {
      session = say.session();
      room = say.room();
      kind = say.kind();
    } else if (m instanceof RoomCommand.Post post) {
      session = post.session();
      room = post.room();
      kind = post.kind();
    }
    Reply.Refused refused = new Reply.Refused(session, code.code(), message, room, kind == RoomEvent.Kind.NOTICE);
    if (!(msg instanceof RelayedPosts relayed && relayed.refused(refused))) {
      tell(refused);
    }
  }

  /** Tells the sender of a command sent without waiting for an answer that it was turned down ({@code r}). */
  void tell(Reply.Refused r) {
    Member sender = directory.session(r.session());
    if (sender != null) {
      bus.send(sender.edge(), r);
    }
  }
}
