package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * The router's way to its node's history readers ({@link dev.chatbus.persist.HistoryReaderVerticle}): each
 * read goes to a reader that is free, so a slow read holds up no other; when all are busy, reads wait here
 * in order, up to {@code maxWaiting}, past which they are refused as {@link ErrorCode#BUSY}, and for at most
 * {@link #MAX_WAIT_MS}, past which they are refused as busy too, unread. Looks at a
 * room's numbering, which the room's commands wait for, go before every read. While writing to the store
 * fails, nothing is read (the store would only make the reader wait): reads fail at once. Touched only on
 * the router's context.
 */
final class Readers {

  /** A reader is given this long to answer; the store's own timeouts end a read that hangs before that. */
  private static final DeliveryOptions READ = new DeliveryOptions().setLocalOnly(true)
    .setSendTimeout(Duration.ofSeconds(60).toMillis());

  /**
   * How long a read may wait for a reader. Whoever asked for a replay has given up long before; one who
   * asked for history is better told the node is busy than kept waiting behind a store this slow.
   */
  static final long MAX_WAIT_MS = 10_000;

  private record Waiting(Persist request, Promise<Persist> answer, long since) {
  }

  private final EventBus bus;
  private final String[] readers;
  private final int maxWaiting;
  private final BooleanSupplier storeUp;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  /**
   * @param count   how many readers the node runs
   * @param storeUp whether writing to the store works, as the persistence worker last saw it
   */
  Readers(EventBus bus, String node, int count, int maxWaiting, BooleanSupplier storeUp) {
    this.bus = bus;
    this.readers = new String[count];
    this.maxWaiting = maxWaiting;
    this.storeUp = storeUp;
    for (int i = 0; i < count; i++) {
      readers[i] = Addresses.reader(node, i);
      free.add(i);
    }
  }

  /** Reads the stored events {@code q} asks for. */
  Future<Persist.Stored> read(Persist.Query q) {
    return ask(q, false).map(Persist.Stored.class::cast);
  }

  /** Where a mark falls among the stored events of a room. */
  Future<Persist.Located> locate(Persist.Locate l) {
    return ask(l, false).map(Persist.Located.class::cast);
  }

  /** Where the numbering of {@code room} stands in the store, for the router run {@code run}; before any read. */
  Future<Persist.Claimed> look(String room, String run) {
    return ask(new Persist.Look(room, run), true).map(Persist.Claimed.class::cast);
  }

  private Future<Persist> ask(Persist request, boolean first) {
    if (!storeUp.getAsBoolean()) {
      return Future.failedFuture(new Refusal(ErrorCode.INTERNAL, "the store is unavailable"));
    }
    Integer reader = free.poll();
    if (reader != null) {
      return send(reader, request);
    }
    if (!first && waiting.size() >= maxWaiting) {
      return Future.failedFuture(new Refusal(ErrorCode.BUSY, "too many history reads at once; try again"));
    }
    Waiting w = new Waiting(request, Promise.promise(), System.currentTimeMillis());
    if (first) {
      waiting.addFirst(w);
    } else {
      waiting.add(w);
    }
    return w.answer().future();
  }

  private Future<Persist> send(int reader, Persist request) {
    return bus.<Persist>request(readers[reader], request, READ).map(Message::body).andThen(ar -> {
      long tooOld = System.currentTimeMillis() - MAX_WAIT_MS;
      Waiting next = waiting.poll();
      while (next != null && next.since() < tooOld) {
        next.answer().fail(new Refusal(ErrorCode.BUSY, "the history read waited too long; try again"));
        next = waiting.poll();
      }
      if (next == null) {
        free.add(reader);
      } else {
        send(reader, next.request()).onComplete(next.answer());
      }
    });
  }
}
