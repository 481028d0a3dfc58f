package dev.chatbus.metrics;

import dev.chatbus.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every node's figures, on every node, for the dashboard: each node publishes its {@link NodeMetrics#snapshot}
 * on {@link Addresses#STATS} every {@code every}, and keeps the last one of each node it hears; a request on
 * {@link Addresses#STATS_GATHERED} (on this node) answers them all, with their sum. A node not heard from for
 * three periods is gone from the answer. One small message per node and period: nothing is asked of the
 * other nodes when the dashboard asks.
 */
public final class StatsVerticle extends VerticleBase {

  /** How often a node publishes its figures, unless told otherwise. */
  public static final Duration EVERY = Duration.ofSeconds(2);

  private final String node;
  private final NodeMetrics metrics;
  private final Duration every;
  private final long startedAt = System.currentTimeMillis();
  /** The last figures of each node, by name, with when they were received. */
  private final Map<String, JsonObject> nodes = new TreeMap<>();
  private long timer;

  public StatsVerticle(String node, NodeMetrics metrics, Duration every) {
    this.node = node;
    this.metrics = metrics;
    this.every = every;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<JsonObject> heard = vertx.eventBus().consumer(Addresses.STATS, m -> {
      JsonObject figures = m.body();
      nodes.put(figures.getString("node"), figures.put("receivedAt", System.currentTimeMillis()));
    });
    MessageConsumer<JsonObject> asked = vertx.eventBus().localConsumer(Addresses.STATS_GATHERED, m -> m.reply(gathered()));
    return Future.all(heard.completion(), asked.completion()).onSuccess(v -> {
      publish();
      timer = vertx.setPeriodic(every.toMillis(), id -> publish());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void publish() {
    vertx.eventBus().publish(Addresses.STATS, metrics.snapshot().put("node", node).put("at", System.currentTimeMillis())
      .put("startedAt", startedAt));
  }

  /** Every node heard from lately, by name, and their sums as {@code cluster}. */
  private JsonObject gathered() {
    long now = System.currentTimeMillis();
    nodes.values().removeIf(n -> now - n.getLong("receivedAt") > 3 * every.toMillis());
    JsonArray list = new JsonArray();
    JsonObject sum = new JsonObject().put("connections", 0L).put("messagesIn", 0L).put("deliveries", 0L)
      .put("drops", 0L).put("rooms", 0L).put("storeBuffered", 0L).put("storeLagSeconds", 0.0).put("nodes", nodes.size());
    for (JsonObject n : nodes.values()) {
      list.add(n);
      for (String key : new String[] {"connections", "messagesIn", "deliveries", "drops", "rooms", "storeBuffered"}) {
        sum.put(key, sum.getLong(key) + n.getLong(key, 0L));
      }
      sum.put("storeLagSeconds", Math.max(sum.getDouble("storeLagSeconds"), n.getDouble("storeLagSeconds", 0.0)));
    }
    return new JsonObject().put("at", now).put("every", every.toMillis()).put("nodes", list).put("cluster", sum);
  }
}
