package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Joins answered late: a room slow to take up (the store is slow, or the room is moving between nodes)
 * does not keep its joiner waiting past {@code history.replayTimeout}. The joiner goes in with what the
 * directory knows, and the join is carried out once the room is up; retried while it cannot be, and undone
 * (the member put out) if the room's rules, once known, turn the joiner away.
 */
final class LateJoins {

  private static final Logger log = LoggerFactory.getLogger(LateJoins.class);
  /** How long a join answered late waits before its room is tried again, when it could not be taken up. */
  private static final long RETRY_ENTER_MILLIS = 1_000;

  private final Owner owner;
  private final String node;
  private final Vertx vertx;
  private final Peers peers;
  private final Directory directory;
  private final Outbox outbox;
  private final Duration replayTimeout;

  LateJoins(Owner owner, String node, Vertx vertx, Peers peers, Directory directory, Outbox outbox, Duration replayTimeout) {
    this.owner = owner;
    this.node = node;
    this.vertx = vertx;
    this.peers = peers;
    this.directory = directory;
    this.outbox = outbox;
    this.replayTimeout = replayTimeout;
  }

  /**
   * A member told it was in a room (answered late, before the room was up) whom the room's rules turn away
   * once they are known: it is put out, as a kick by the node, so that its edge and its home let it go.
   */
  void refusedLate(RoomCommand.Enter e, OwnedRoom r, Refusal refusal) {
    Member m = e.member();
    log.info("#{} turns {} away, who went in before the room was up: {}", r.name, m.name(), refusal.getMessage());
    r.alsoTo(m.node());
    owner.publish(r, RoomEvent.Kind.KICK, RoomEvent.SERVICE, node, RoomEvent.serviceOrigin(node), refusal.getMessage(), m.name(), m.session());
    vertx.eventBus().send(Addresses.router(m.node()), new SessionCommand.Removed(m.session(), r.name));
  }

  /**
   * Gives {@code answer} {@link #lateJoined} once {@code history.replayTimeout} has passed; returns whether
   * it has, stopping the clock.
   */
  BooleanSupplier answerLate(RoomCommand.Enter e, Consumer<Reply> answer) {
    boolean[] late = {false};
    long timer = vertx.setTimer(replayTimeout.toMillis(), id -> {
      late[0] = true;
      answer.accept(lateJoined(e));
    });
    return () -> {
      vertx.cancelTimer(timer);
      return late[0];
    };
  }

  /** The home's own Enter of a room being taken up: the answer, on time or late. */
  Future<Reply> enterWhenOpen(RoomCommand.Enter e, Future<OwnedRoom> opening) {
    Promise<Reply> answer = Promise.promise();
    BooleanSupplier answeredLate = answerLate(e, answer::complete);
    opening.onComplete(ar -> {
      boolean late = answeredLate.getAsBoolean();
      if (ar.succeeded()) {
        try {
          Reply joined = owner.answer(e, ar.result());
          if (!late) {
            answer.complete(joined);
          }
        } catch (Refusal refusal) {
          if (late) {
            refusedLate(e, ar.result(), refusal);
          } else {
            answer.fail(refusal);
          }
        } finally {
          outbox.added();
        }
      } else if (late) {
        retryEnter(e);
      } else {
        answer.fail(ar.cause());
      }
    });
    return answer.future();
  }

  /**
   * An Enter answered late whose room could not be taken up: its client is in the room all the same, so
   * it is carried out (and the join announced) once the room can be, while the client is still there.
   */
  void retryEnter(RoomCommand.Enter e) {
    log.debug("#{} could not be taken up for {}, who went in without it; trying again", e.room(), e.member().name());
    vertx.setTimer(RETRY_ENTER_MILLIS, id -> {
      if (!peers.leaving() && directory.isIn(e.room(), e.member().session())) {
        owner.run(e.asForwarded(false), null);
        outbox.added();
      }
    });
  }

  /**
   * The answer to an Enter whose room is not up yet: the members as the directory knows them, and seq -1,
   * since the join has no number yet; everything the client gets from the room after it is live.
   */
  private Reply.Joined lateJoined(RoomCommand.Enter e) {
    Member m = e.member();
    boolean counted = directory.isIn(e.room(), m.session());
    int count = directory.count(e.room()) + (counted ? 0 : 1);
    Directory.Listing listing = directory.listing(e.room(), Reply.LIST_LIMIT, counted ? null : m, true);
    return new Reply.Joined(e.room(), -1, null,
      new Reply.Roster(count, listing.names(), List.of(), List.of(), listing.origins(), false));
  }
}
