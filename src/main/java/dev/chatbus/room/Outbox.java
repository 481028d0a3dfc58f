package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.persist.HistoryPage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The router's events on their way to the store: sent to the persistence worker in numbered batches, once
 * {@code batchMaxEvents} have gathered or the oldest has waited {@code batchMaxDelay}, whichever comes
 * first. Durable acknowledgements wait here for their batch to be committed. Touched only on the router's
 * context.
 * <p>
 * The router adds what one command produced (its events, its acknowledgement), then calls
 * {@link #added()}: a batch never separates an event from the acknowledgement that waits for it.
 * <p>
 * Each batch is a request to the worker, answered once it is committed, or failed with
 * {@link ErrorCode#NOT_STORED} if the worker had to drop it; however long the store is away, so it has
 * no timeout. Until the answer comes, a batch's events are kept here by room, so that history
 * answers, read from the store on other threads, still show what waits to be written, also while the
 * store is away (up to the worker's buffer).
 * <p>
 * With no store configured, nothing is kept and acknowledgements are given at once.
 */
final class Outbox {

  /** A batch waits for the store as long as it is away: the worker answers it once written or dropped. */
  private static final DeliveryOptions UNTIL_ANSWERED = new DeliveryOptions().setSendTimeout(Long.MAX_VALUE);

  /**
   * A reply held back until the message it acknowledges is stored: the answer to {@code op} (a post, or a
   * relay of posts; null for a private message), whose events are {@code ids}.
   */
  private record Ack(Message<?> request, Reply reply, List<String> ids, RouterMessage op) {
  }

  /** What the router does with the posts the store refused because another router claimed their rooms. */
  interface Refused {
    /** {@code op} carried out again where its room is now, {@code request} answered as it is there. */
    void answerAgain(RouterMessage op, Message<?> request);

    /** The message of {@code post}, whose sender waits for no answer, said again where its room is now. */
    void postAgain(RoomEvent post);
  }

  private final Vertx vertx;
  private final boolean storing;
  private final String node;
  private final String worker;
  private final int maxEvents;
  private final long maxDelay;
  private final Map<Long, List<Ack>> awaiting = new HashMap<>();
  /** By batch, what waits for the worker's word on it ({@link #written}). */
  private final Map<Long, List<Promise<Void>>> answering = new HashMap<>();
  /** Batches sent and not yet answered, oldest first: the worker answers them in that order. */
  private final ArrayDeque<Persist.Batch> inFlight = new ArrayDeque<>();
  /** Each room's events not yet confirmed stored, oldest first; a room with none has no entry. */
  private final Map<String, Waiting> unstored = new HashMap<>();
  /** The number of the last batch the worker stored, and of the last one it had to drop. */
  private long lastStored;
  private long lastDropped;
  private List<RoomEvent> events = new ArrayList<>();
  private List<PrivateMessage> privates = new ArrayList<>();
  private List<Ack> acks = new ArrayList<>();
  private long batches;
  private long timer = -1;
  /** Completes once nothing waits here, when the router is stopping. */
  private Promise<Void> drained;
  /** Told of each room whose events the store refused, with the room's epoch now. */
  private BiConsumer<String, Long> onFenced = (room, epoch) -> { };
  /**
   * Until the router says otherwise (an outbox on its own, in a test), a refused post's sender who waits
   * is told to say it again.
   */
  private Refused refused = new Refused() {
    @Override
    public void answerAgain(RouterMessage op, Message<?> request) {
      request.fail(ErrorCode.RETRY.code(), "not stored: another node has taken the room over; say it again");
    }

    @Override
    public void postAgain(RoomEvent post) {
    }
  };
  /**
   * The ids of events the store refused while acknowledgements wait: a relay's acknowledgement can wait on
   * a later batch than some of its posts' events.
   */
  private final Set<String> refusedIds = new HashSet<>();

  Outbox(Vertx vertx, String node, ChatbusConfig.Persistence config) {
    this.vertx = vertx;
    this.storing = config.store() != ChatbusConfig.Store.NONE;
    this.node = node;
    this.worker = Addresses.persist(node);
    this.maxEvents = config.batchMaxEvents();
    this.maxDelay = config.batchMaxDelay().toMillis();
  }

  void onFenced(BiConsumer<String, Long> onFenced, Refused refused) {
    this.onFenced = onFenced;
    this.refused = refused;
  }

  /** Whether events are kept at all. */
  boolean storing() {
    return storing;
  }

  void add(RoomEvent e) {
    if (storing) {
      events.add(e);
      unstored.computeIfAbsent(e.room(), r -> new Waiting()).add(e);
    }
  }

  /**
   * The events of {@code q}'s room that {@code q} asks for and that are not confirmed stored yet (gathering
   * here, or sent to the worker), oldest first: at most {@code q.limit()}, from where the query starts.
   */
  List<RoomEvent> unstored(Persist.Query q) {
    Waiting waiting = unstored.get(q.room());
    return waiting == null ? List.of() : waiting.matching(q);
  }

  /**
   * Whether everything {@code room} numbered is in the store: none of its events waits, and no number given
   * out was dropped unstored without a later write having recorded it.
   */
  boolean settled(String room) {
    return !unstored.containsKey(room) && lastStored >= lastDropped;
  }

  void add(PrivateMessage pm) {
    if (storing) {
      privates.add(pm);
    }
  }

  /**
   * Answers {@code request}, about {@code op}, with {@code reply} once the event added with it is stored, or
   * with NOT_STORED.
   */
  void ackWhenStored(Message<?> request, Reply.Accepted reply, RouterMessage op) {
    ackWhenStored(request, reply, List.of(reply.id()), op);
  }

  /**
   * Answers {@code request}, about {@code op}, with {@code reply} once every event added until now is stored;
   * fails it with NOT_STORED if one was dropped. If one of {@code ids} was refused (fenced), {@code op} is
   * carried out again where its room is now, and {@code request} answered from there.
   */
  void ackWhenStored(Message<?> request, Reply reply, List<String> ids, RouterMessage op) {
    if (!storing) {
      request.reply(reply);
    } else if (!events.isEmpty() || !privates.isEmpty()) {
      acks.add(new Ack(request, reply, ids, op));
    } else if (!inFlight.isEmpty()) {
      // Nothing gathers for the next batch: the last one sent holds the latest events.
      awaiting.computeIfAbsent(inFlight.peekLast().no(), k -> new ArrayList<>()).add(new Ack(request, reply, ids, op));
    } else {
      request.reply(reply);
    }
  }

  /** A command's additions are complete: send the batch if it is full, or make sure it goes in time. */
  void added() {
    if (events.isEmpty() && privates.isEmpty()) {
      return;
    }
    if (events.size() + privates.size() >= maxEvents || maxDelay == 0) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(maxDelay, id -> {
        timer = -1;
        flush();
      });
    }
  }

  /**
   * One room's events waiting to be confirmed stored, oldest first: in the order numbered, so that a query
   * finds where it starts by binary search, however many wait (up to the worker's buffer in an outage).
   */
  private static final class Waiting {
    private final ArrayList<RoomEvent> events = new ArrayList<>();
    private int head;

    void add(RoomEvent e) {
      events.add(e);
    }

    void poll() {
      events.set(head++, null);
      // Drop what was polled once it is half the list, so the list stays at most twice what waits.
      if (head > 16 && head * 2 >= events.size()) {
        events.subList(0, head).clear();
        head = 0;
      }
    }

    boolean isEmpty() {
      return head == events.size();
    }

    /** The events {@code q} asks for, at most {@code q.limit()}, oldest first. */
    List<RoomEvent> matching(Persist.Query q) {
      List<RoomEvent> found = new ArrayList<>();
      if (q.forwards()) {
        for (int i = firstAbove(q.afterSeq()); i < events.size() && found.size() < q.limit(); i++) {
          if (HistoryPage.matches(q, events.get(i))) {
            found.add(events.get(i));
          }
        }
        return found;
      }
      for (int i = firstAbove(q.beforeSeq() - 1) - 1; i >= head && found.size() < q.limit(); i--) {
        if (HistoryPage.matches(q, events.get(i))) {
          found.add(events.get(i));
        }
      }
      Collections.reverse(found);
      return found;
    }

    /** The index of the first waiting event numbered above {@code seq}. */
    private int firstAbove(long seq) {
      int lo = head;
      int hi = events.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (events.get(mid).seq() <= seq) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /**
   * Sends what has gathered, and completes once the worker has had its word on every event added until now:
   * stored, dropped, or refused as fenced. A router giving a room up waits for it, so that what it numbered
   * there is written before the next owner claims the room; written after the claim, it would be refused.
   */
  Future<Void> written() {
    flush();
    if (inFlight.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> answered = Promise.promise();
    answering.computeIfAbsent(inFlight.peekLast().no(), k -> new ArrayList<>()).add(answered);
    return answered.future();
  }

  /** Sends what has gathered as one batch now. */
  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (events.isEmpty() && privates.isEmpty()) {
      return;
    }
    long no = ++batches;
    Persist.Batch batch = new Persist.Batch(no, node, events, privates);
    inFlight.add(batch);
    vertx.eventBus().request(worker, batch, UNTIL_ANSWERED).onComplete(ar -> persisted(no, ar.succeeded(),
      ar.succeeded() && ar.result().body() instanceof Persist.Fenced f ? f.rooms() : Map.of()));
    if (!acks.isEmpty()) {
      awaiting.put(no, acks);
      acks = new ArrayList<>();
    }
    events = new ArrayList<>();
    privates = new ArrayList<>();
  }

  /**
   * The worker's word on batch {@code batch}: its events are no longer waiting; release its acknowledgements.
   * Its events that it did not store because their rooms were claimed by another router since ({@code fenced},
   * by room, with the epoch now): the rooms are no longer this router's to number, and their posts are
   * carried out again where the rooms are now, answered from there.
   */
  private void persisted(long batch, boolean stored, Map<String, Long> fenced) {
    List<RoomEvent> refusedPosts = new ArrayList<>();
    while (!inFlight.isEmpty() && inFlight.peek().no() <= batch) {
      for (RoomEvent e : inFlight.poll().events()) {
        Waiting waiting = unstored.get(e.room());
        waiting.poll();
        if (waiting.isEmpty()) {
          unstored.remove(e.room());
        }
        Long epoch = fenced.get(e.room());
        if (epoch != null && e.epoch() < epoch && e.chat()) {
          refusedPosts.add(e);
          refusedIds.add(e.id());
        }
      }
    }
    fenced.forEach(onFenced);
    if (!refusedPosts.isEmpty()) {
      // Those whose senders wait for an answer are carried out again with it, below; the others now.
      Set<String> waitedFor = new HashSet<>();
      acks.forEach(a -> waitedFor.addAll(a.ids));
      awaiting.values().forEach(waiting -> waiting.forEach(a -> waitedFor.addAll(a.ids)));
      refusedPosts.stream().filter(e -> !waitedFor.contains(e.id())).forEach(refused::postAgain);
    }
    // A write after a drop records the dropped numbers too (see PersistenceVerticle).
    if (stored) {
      lastStored = batch;
    } else {
      lastDropped = batch;
    }
    List<Promise<Void>> answered = answering.remove(batch);
    if (answered != null) {
      answered.forEach(Promise::tryComplete);
    }
    List<Ack> waiting = awaiting.remove(batch);
    if (waiting != null) {
      for (Ack a : waiting) {
        if (!refusedIds.isEmpty() && a.ids.stream().anyMatch(refusedIds::contains)) {
          refused.answerAgain(a.op, a.request);
        } else if (stored) {
          a.request.reply(a.reply);
        } else {
          a.request.fail(ErrorCode.NOT_STORED.code(),
            named(a.ids) + " delivered but could not be stored: the store is unavailable");
        }
      }
    }
    if (awaiting.isEmpty() && acks.isEmpty()) {
      refusedIds.clear();
    }
    if (drained != null && awaiting.isEmpty()) {
      drained.tryComplete();
    }
  }

  private static String named(List<String> ids) {
    return (ids.size() == 1 ? "message " + ids.get(0) + " was" : "messages " + String.join(", ", ids) + " were");
  }

  /**
   * Sends what has gathered, and completes once the worker has taken every batch sent and every
   * acknowledgement waiting here is answered; those still waiting after {@code grace} are answered with
   * NOT_STORED, since no one would answer them once the router has gone.
   */
  Future<Void> drain(Duration grace) {
    if (!storing) {
      return Future.succeededFuture();
    }
    flush();
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> {
      for (Long batch : new ArrayList<>(awaiting.keySet())) {
        persisted(batch, false, Map.of());
      }
      done.tryComplete();
    });
    vertx.eventBus().request(worker, new Persist.Sync()).onComplete(ar -> {
      // Every batch sent has reached the worker: from now on, the last answer about them ends the wait.
      drained = done;
      if (awaiting.isEmpty()) {
        done.tryComplete();
      }
    });
    return done.future().andThen(ar -> vertx.cancelTimer(timer));
  }
}
