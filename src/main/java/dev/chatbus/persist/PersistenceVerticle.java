package dev.chatbus.persist;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The persistence worker: the only place where Chatbus blocks. Deployed with
 * {@link io.vertx.core.ThreadingModel#WORKER}; one instance, so its handlers run one at a time and its
 * state needs no locks.
 * <p>
 * Consumes {@link Persist} messages from its node's router on {@link Addresses#persist}: batches to store
 * and claims of rooms' numbering. Answers every batch once it is committed, or fails it with
 * {@link ErrorCode#NOT_STORED} when it had to be dropped; in the order the batches came. History is read
 * by the {@link HistoryReaderVerticle}s, on threads of their own, over the same store; the router adds
 * what still waits here.
 * <p>
 * Batches that arrive while a write is under way are committed together in the next one. When the store
 * fails (PostgreSQL stopped, disk full), batches wait here, up to {@code bufferMaxEvents} events, and
 * writing is retried with a doubling delay; past the bound the oldest batches are dropped, counted and
 * reported. Meanwhile only the retries touch the store (and pruning pauses), so nothing queues behind a
 * store that does not answer; the router reads no history while {@link NodeMetrics#storeUp()} is false.
 * Writing resumes by itself when the store is back. A periodic timer prunes the store to the retention
 * limits.
 * <p>
 * The numbers of dropped events are recorded with the next write, so that a room's numbering never goes
 * back over them. A router takes up a room's numbering with a {@link Persist.Claim}: a new epoch, on from
 * the latest number known here. Numbers given out live but never stored (a crash) may come again in
 * the new epoch.
 * <p>
 * {@code stop()} writes everything still waiting, trying until the shutdown grace period is over, then
 * closes the store.
 */
public final class PersistenceVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PersistenceVerticle.class);

  private final String node;
  private final ChatbusConfig.Persistence config;
  private final Duration grace;
  private final EventStore store;
  private final NodeMetrics metrics;
  /** The batches to write, oldest first, each with the request to answer once it is written or dropped. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  /** The highest number per room given to events that were dropped, until a write records it. */
  private final Map<String, Long> lost = new HashMap<>();
  /** Rooms written since the last pruning. */
  private final Set<String> written = new HashSet<>();
  private EventBus bus;
  private int waitingEvents;
  private long droppedEvents;
  /** Events dropped since the store last wrote, for one warning per outage rather than one per batch. */
  private long droppedInOutage;
  private boolean writeScheduled;
  private long retryTimer = -1;
  private long retryDelay;
  private boolean failing;
  private long retentionTimer;

  /**
   * @param store the store, open; the worker closes it when it stops
   */
  public PersistenceVerticle(String node, ChatbusConfig.Persistence config, Duration grace, EventStore store,
                             NodeMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
    this.config = config;
    this.grace = grace;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    log.info("history in {}", store);
    bus = vertx.eventBus();
    retryDelay = config.retryFirst().toMillis();
    MessageConsumer<Persist> consumer = bus.consumer(Addresses.persist(node), this::onMessage);
    retentionTimer = vertx.setPeriodic(config.retention().interval().toMillis(), id -> prune());
    return consumer.completion();
  }

  private void onMessage(Message<Persist> msg) {
    Persist p = msg.body();
    if (p instanceof Persist.Batch b) {
      take(b, msg);
    } else if (p instanceof Persist.Claim c) {
      claim(msg, c);
    } else if (p instanceof Persist.Sync) {
      msg.reply(p);
    } else {
      msg.fail(ErrorCode.BAD_REQUEST.code(), "unexpected " + p.getClass().getSimpleName());
    }
  }

  /** A batch waiting to be written, and its sender waiting for the word on it. */
  private record Waiting(Persist.Batch batch, Message<Persist> request) {
  }

  private void take(Persist.Batch batch, Message<Persist> request) {
    waiting.add(new Waiting(batch, request));
    waitingEvents += batch.size();
    while (waitingEvents > config.bufferMaxEvents() && !waiting.isEmpty()) {
      Waiting dropped = waiting.poll();
      Persist.Batch oldest = dropped.batch();
      waitingEvents -= oldest.size();
      droppedEvents += oldest.size();
      metrics.storeDropped(oldest.size());
      for (RoomEvent e : oldest.events()) {
        lost.merge(e.room(), e.seq(), Math::max);
      }
      dropped.request().fail(ErrorCode.NOT_STORED.code(), "batch " + oldest.no() + " was dropped: " + store + " is unavailable");
      if (droppedInOutage == 0) {
        log.warn("store buffer full ({} events): dropping the oldest unwritten events until {} is back",
          config.bufferMaxEvents(), store);
      }
      droppedInOutage += oldest.size();
    }
    metrics.storeState(waitingEvents, oldestTs());
    // Runs after the batches already queued for this worker: they all go into one commit.
    if (!writeScheduled && retryTimer < 0) {
      writeScheduled = true;
      context.runOnContext(v -> {
        writeScheduled = false;
        write(true);
      });
    }
  }

  /**
   * Writes everything waiting in one transaction; on failure, keeps it and (unless {@code retry} is false)
   * tries again later. Returns whether nothing is left to write.
   */
  private boolean write(boolean retry) {
    if (waiting.isEmpty() && lost.isEmpty()) {
      return true;
    }
    Map<String, Long> fenced;
    try {
      fenced = store.write(waiting.stream().map(Waiting::batch).toList(), lost);
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        log.warn("{} failed: {}; keeping up to {} events and trying again", store, e.getMessage(), config.bufferMaxEvents());
        failing = true;
      }
      if (retry) {
        retryTimer = vertx.setTimer(retryDelay, id -> {
          retryTimer = -1;
          write(true);
        });
      }
      retryDelay = Math.min(retryDelay * 2, config.retryMax().toMillis());
      metrics.storeFailed(waitingEvents, oldestTs());
      return false;
    }
    if (failing) {
      log.info("{} is back: wrote the {} events that waited; {} were dropped meanwhile, {} since start", store,
        waitingEvents, droppedInOutage, droppedEvents);
      failing = false;
      droppedInOutage = 0;
    }
    retryDelay = config.retryFirst().toMillis();
    // Before anyone is told: whoever hears of a write after this sees the store up.
    metrics.storeWrote(waitingEvents);
    for (Waiting w : waiting) {
      Map<String, Long> refused = null;
      for (RoomEvent e : w.batch().events()) {
        written.add(e.room());
        Long epoch = fenced.get(e.room());
        if (epoch != null && e.epoch() < epoch) {
          if (refused == null) {
            refused = new HashMap<>();
          }
          refused.put(e.room(), epoch);
        }
      }
      w.request().reply(refused == null ? null : new Persist.Fenced(refused));
    }
    if (!fenced.isEmpty()) {
      log.warn("not stored: events of {} numbered under an older epoch than the rooms' (another node has claimed them)",
        fenced.keySet());
    }
    waiting.clear();
    waitingEvents = 0;
    lost.clear();
    return true;
  }

  /** When the oldest event waiting to be written was accepted, or 0 when none waits. */
  private long oldestTs() {
    Waiting oldest = waiting.peek();
    if (oldest == null) {
      return 0;
    }
    Persist.Batch first = oldest.batch();
    return !first.events().isEmpty() ? first.events().get(0).ts()
      : !first.privates().isEmpty() ? first.privates().get(0).ts() : 0;
  }

  /**
   * A new epoch of {@code room} for the router, numbering on from the latest number given out: stored,
   * waiting here, or given to events dropped unstored. Refused while the store is failing, since the epoch
   * must be recorded there.
   */
  private void claim(Message<Persist> msg, Persist.Claim c) {
    String room = c.room();
    if (failing) {
      msg.fail(ErrorCode.INTERNAL.code(), store + " is unavailable");
      return;
    }
    try {
      Persist.Claimed claimed = store.claim(room, c.atLeast(), c.run());
      long last = Math.max(claimed.lastSeq(), lost.getOrDefault(room, 0L));
      for (Waiting w : waiting) {
        for (RoomEvent e : w.batch().events()) {
          if (e.room().equals(room)) {
            last = Math.max(last, e.seq());
          }
        }
      }
      msg.reply(new Persist.Claimed(room, claimed.epoch(), last, claimed.topic()));
    } catch (SQLException | RuntimeException e) {
      msg.fail(ErrorCode.INTERNAL.code(), store + " cannot be written: " + e.getMessage());
    }
  }

  private void prune() {
    if (failing) {
      return;
    }
    long maxAge = config.retention().maxAge().toMillis();
    try {
      long removed = store.prune(written, config.retention().maxEventsPerRoom(),
        maxAge == 0 ? 0 : System.currentTimeMillis() - maxAge);
      written.clear();
      if (removed > 0) {
        log.debug("pruned {} events", removed);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("pruning {} failed: {}", store, e.getMessage());
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(retentionTimer);
    Promise<Void> flushed = Promise.promise();
    flushUntil(System.currentTimeMillis() + grace.toMillis(), flushed);
    return flushed.future().andThen(ar -> store.close());
  }

  /**
   * Writes what is waiting, again and again if the store fails, until it is written or {@code deadline}
   * passes; the last attempt is made at the deadline.
   */
  private void flushUntil(long deadline, Promise<Void> done) {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    if (write(false)) {
      done.complete();
      return;
    }
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      log.error("{} did not come back before the shutdown: {} accepted events were not stored", store, waitingEvents);
      done.complete();
      return;
    }
    vertx.setTimer(Math.max(1, Math.min(retryDelay, left)), id -> flushUntil(deadline, done));
  }
}
