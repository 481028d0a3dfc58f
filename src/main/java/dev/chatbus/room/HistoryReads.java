package dev.chatbus.room;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.persist.HistoryPage;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The owner's answers about a room's past: history pages and where a mark falls in the numbering, each
 * put together from the store, read on a reader's thread, and from what still waits to be written. Every
 * stored event of a room is numbered below every event of it that waits.
 */
final class HistoryReads {

  private static final Logger log = LoggerFactory.getLogger(HistoryReads.class);
  /** Every event of a room, as a query of what waits to be written. */
  private static final int ALL = Integer.MAX_VALUE;

  private final Outbox outbox;
  private final Readers readers;
  private final long maxBytes;

  HistoryReads(Outbox outbox, Readers readers, long maxBytes) {
    this.outbox = outbox;
    this.readers = readers;
    this.maxBytes = maxBytes;
  }

  /**
   * The message {@code id} of {@code room} as this router knows it: among what waits to be written, else in
   * the store; null when neither holds it. Fails when the store cannot be read.
   */
  Future<Reply.Accepted> find(String room, String id) {
    for (RoomEvent e : outbox.unstored(new Persist.Query(room, ALL, 0, Long.MAX_VALUE, false))) {
      if (e.id().equals(id)) {
        return Future.succeededFuture(new Reply.Accepted(e.id(), e.seq(), e.ts()));
      }
    }
    return readers.locate(new Persist.Locate(room, false, Long.parseLong(id)))
      .map(l -> l.seq() < 0 ? null : new Reply.Accepted(id, l.seq(), l.ts()));
  }

  /**
   * Answers a history request; {@code lastSeq} is the room's latest number, or -1 when this router does not
   * number the room. Without the store (it fails, or does not answer), the answer holds what waits to be
   * written, marked incomplete.
   */
  void history(String room, long lastSeq, RoomCommand.RoomHistory h, Message<?> msg) {
    if (!outbox.storing()) {
      msg.reply(new Reply.History(room, List.of(), lastSeq <= 0));
      return;
    }
    Persist.Query q = new Persist.Query(room, h.limit(), h.afterSeq(), h.beforeSeq(), h.messagesOnly());
    List<RoomEvent> unstored = outbox.unstored(q);
    readers.read(q).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof Refusal r && r.code() == ErrorCode.BUSY) {
        Answers.fail(msg, r);
        return;
      }
      if (ar.failed()) {
        log.debug("history of #{} without the store: {}", room, ar.cause().getMessage());
      }
      msg.reply(HistoryPage.assemble(q, ar.succeeded() ? ar.result() : null, unstored, lastSeq, maxBytes));
    });
  }

  /**
   * Answers where a mark falls ({@link Reply.Located}); {@code lastSeq} as for {@link #history}. A message
   * still waiting to be written is found without the store; anything else needs it.
   */
  void locate(String room, long lastSeq, RoomCommand.RoomLocate l, Message<?> msg) {
    List<RoomEvent> unstored = outbox.storing() ? outbox.unstored(new Persist.Query(room, ALL, 0, Long.MAX_VALUE, false))
      : List.of();
    if (!l.byTime()) {
      String id = Long.toString(l.value());
      for (RoomEvent e : unstored) {
        if (e.id().equals(id)) {
          msg.reply(new Reply.Located(room, e.seq(), e.seq()));
          return;
        }
      }
    }
    if (!outbox.storing()) {
      long next = Math.max(lastSeq, 0) + 1;
      msg.reply(l.byTime() ? new Reply.Located(room, next, next - 1) : new Reply.Located(room, -1, -1));
      return;
    }
    readers.locate(new Persist.Locate(room, l.byTime(), l.value())).onComplete(ar -> {
      if (ar.failed()) {
        Answers.fail(msg, ar.cause() instanceof Refusal r ? r
          : new Refusal(ErrorCode.INTERNAL, "the history of #" + room + " cannot be read right now; try again"));
        return;
      }
      Persist.Located stored = ar.result();
      if (!l.byTime()) {
        msg.reply(new Reply.Located(room, stored.seq(), stored.seq()));
        return;
      }
      long last = Math.max(lastSeq, stored.lastSeq());
      for (RoomEvent e : unstored) {
        last = Math.max(last, e.seq());
      }
      long before = stored.seq() >= 0 ? stored.seq() : firstWaiting(unstored, l.value(), last);
      long later = stored.later() >= 0 ? stored.later() : firstWaiting(unstored, l.value() + 1, last);
      msg.reply(new Reply.Located(room, before, later - 1));
    });
  }

  /** The number of the first of {@code unstored} at {@code time} or later; one past {@code last} when none is. */
  private static long firstWaiting(List<RoomEvent> unstored, long time, long last) {
    for (RoomEvent e : unstored) {
      if (e.ts() >= time) {
        return e.seq();
      }
    }
    return last + 1;
  }
}
