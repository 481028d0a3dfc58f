package dev.chatbus.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chatbus's own metrics on one node, next to those Vert.x keeps (event bus, TCP, HTTP, pools, JVM) in the
 * same Micrometer registry, all served in Prometheus format on {@code /metrics}.
 * <p>
 * Every meter here is safe to update from any thread. Hot paths update them once per batch, not once
 * per recipient: a fan-out adds its number of deliveries in one call. With metrics turned off the
 * meters belong to an empty composite registry, where they do nothing.
 * <p>
 * The state of the store (up, buffered events, age of the oldest unwritten one) is kept here too, as the
 * persistence worker last saw it, so that health checks read it without asking the worker, whose thread
 * may be blocked on a store that does not answer.
 */
public final class NodeMetrics {

  /** How clients are connected. */
  public enum Protocol {
    TEXT, JSON, BRIDGE, IRC, WEBSOCKET;

    String label() {
      return name().toLowerCase();
    }
  }

  /** Where a message came from. */
  public enum Source {
    TEXT, JSON, SERVICE, IRC;

    String label() {
      return name().toLowerCase();
    }
  }

  /** Why something was not delivered, or a client was cut off. */
  public enum Drop {
    /** A delivery to a client over its queue bound ({@code limits.slowConsumer.queueBytes}). */
    SLOW_CONSUMER,
    /** A client disconnected for staying too far behind. */
    SLOW_CONSUMER_DISCONNECT,
    /** A line over the rate limit. */
    RATE_LIMITED,
    /** A line over {@code limits.maxLineBytes}. */
    TOO_LONG,
    /** Events the store could not take before its buffer filled. */
    STORE_BUFFER_FULL,
    /** A bridge client disconnected for not reading. */
    BRIDGE_SLOW,
    /** A bridge frame refused: too large, not JSON, unknown type, not permitted, no token. */
    BRIDGE_REFUSED;

    String label() {
      return name().toLowerCase();
    }
  }

  /** The methods HTTP defines, which label Vert.x's HTTP metrics as they are. */
  private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
    "TRACE", "PATCH");

  private final boolean enabled;
  /** Where Vert.x's meters and Chatbus's are kept; null when metrics are off. */
  private final PrometheusMeterRegistry registry;
  private final Map<Protocol, AtomicInteger> connections = new EnumMap<>(Protocol.class);
  private final Map<Source, Counter> messagesIn = new EnumMap<>(Source.class);
  private final Map<Drop, Counter> drops = new EnumMap<>(Drop.class);
  private final Counter deliveries;
  private final Counter rateLimitHits;
  private final Counter stored;
  private final Timer loopDelay;
  private final AtomicInteger roomsNumbered = new AtomicInteger();
  private volatile boolean storeUp = true;
  private final AtomicLong storeBuffered = new AtomicLong();
  private final AtomicLong storeDropped = new AtomicLong();
  /** When the oldest event the store has not written yet was accepted (epoch ms), or 0. */
  private final AtomicLong oldestUnstored = new AtomicLong();

  private NodeMetrics(PrometheusMeterRegistry prometheus) {
    this.enabled = prometheus != null;
    this.registry = prometheus;
    MeterRegistry meters = prometheus != null ? prometheus : new CompositeMeterRegistry();
    for (Protocol p : Protocol.values()) {
      AtomicInteger n = new AtomicInteger();
      connections.put(p, n);
      Gauge.builder("chatbus.connections", n, AtomicInteger::get).description("Open client connections")
        .tag("protocol", p.label()).register(meters);
    }
    for (Source s : Source.values()) {
      messagesIn.put(s, Counter.builder("chatbus.messages.in").description("Messages accepted from clients and services")
        .tag("source", s.label()).register(meters));
    }
    for (Drop d : Drop.values()) {
      drops.put(d, Counter.builder("chatbus.drops").description("Deliveries, lines, events or clients dropped, by reason")
        .tag("reason", d.label()).register(meters));
    }
    deliveries = Counter.builder("chatbus.deliveries").description("Room events and private messages queued to clients")
      .register(meters);
    rateLimitHits = Counter.builder("chatbus.rate.limit.hits").description("Lines refused by a client's rate limit")
      .register(meters);
    stored = Counter.builder("chatbus.store.written").description("Events and private messages written to the store")
      .register(meters);
    Gauge.builder("chatbus.store.up", this, m -> m.storeUp ? 1 : 0)
      .description("1 while the store takes writes, 0 while writing to it fails").register(meters);
    Gauge.builder("chatbus.store.buffered", storeBuffered, AtomicLong::get)
      .description("Events waiting to be written to the store").register(meters);
    Gauge.builder("chatbus.store.lag", this, NodeMetrics::storeLagSeconds).baseUnit("seconds")
      .description("Age of the oldest event not yet written to the store").register(meters);
    Gauge.builder("chatbus.rooms.numbered", roomsNumbered, AtomicInteger::get)
      .description("Rooms whose numbering this node holds in memory: in use, or used within rooms.evictAfter")
      .register(meters);
    loopDelay = Timer.builder("chatbus.event.loop.delay")
      .description("How late a periodic timer on each event loop runs: time the loop was busy with other work")
      .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(1)).register(meters);
  }

  /**
   * Metrics kept in a Prometheus registry of this node's own, which {@link #vertxBuilder} has Vert.x's own
   * meters go to as well. One registry per node, so that nodes sharing a JVM (in tests) keep their figures
   * apart.
   */
  public static NodeMetrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Vert.x labels HTTP requests with their method, whatever word a client sends: one new series per
    // invented method, for good. Every method HTTP does not define is counted as "other".
    registry.config().meterFilter(MeterFilter.replaceTagValues("method", m -> HTTP_METHODS.contains(m) ? m : "other"));
    return new NodeMetrics(registry);
  }

  /** Metrics that keep nothing, for a node with {@code metrics.enabled} false. */
  public static NodeMetrics disabled() {
    return new NodeMetrics(null);
  }

  /** The registry {@code /metrics} serves, or null when metrics are off. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Whether the meters are kept (the node runs with metrics on). */
  public boolean enabled() {
    return enabled;
  }

  public void connected(Protocol p) {
    connections.get(p).incrementAndGet();
  }

  public void disconnected(Protocol p) {
    connections.get(p).decrementAndGet();
  }

  public void messageIn(Source s) {
    messagesIn.get(s).increment();
  }

  public void delivered(int n) {
    if (n > 0) {
      deliveries.increment(n);
    }
  }

  public void dropped(Drop d, long n) {
    if (n > 0) {
      drops.get(d).increment(n);
    }
  }

  public void rateLimited() {
    rateLimitHits.increment();
    drops.get(Drop.RATE_LIMITED).increment();
  }

  /** How many rooms the router holds the numbering of now. */
  public void roomsNumbered(int n) {
    roomsNumbered.set(n);
  }

  /** One delay of an event loop, as seen by a periodic timer on it. */
  public void loopDelay(long nanos) {
    loopDelay.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  // ----- the store, as the persistence worker last saw it

  /** The worker wrote {@code n} events: everything it held. */
  public void storeWrote(long n) {
    stored.increment(n);
    storeUp = true;
    storeState(0, 0);
  }

  /** Writing failed; {@code buffered} events wait, the oldest accepted at {@code oldestTs}. */
  public void storeFailed(long buffered, long oldestTs) {
    storeUp = false;
    storeState(buffered, oldestTs);
  }

  /** What waits for the store now (after a batch arrived or was dropped). */
  public void storeState(long buffered, long oldestTs) {
    storeBuffered.set(buffered);
    oldestUnstored.set(buffered == 0 ? 0 : oldestTs);
  }

  public boolean storeUp() {
    return storeUp;
  }

  public long storeBuffered() {
    return storeBuffered.get();
  }

  /** Seconds since the oldest event not yet written was accepted; 0 when nothing waits. */
  public double storeLagSeconds() {
    long oldest = oldestUnstored.get();
    return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
  }

  /** Events the store had to drop since start. */
  public long storeDropped() {
    return storeDropped.get();
  }

  /** Events the store's buffer had to drop, unwritten. */
  public void storeDropped(long n) {
    storeDropped.addAndGet(n);
    dropped(Drop.STORE_BUFFER_FULL, n);
  }

  /**
   * This node's figures now, for the dashboard: open connections by protocol, and the counters since start
   * of messages in, deliveries and drops (zero when metrics are off), rooms numbered here, and the store's
   * lag and backlog.
   */
  public JsonObject snapshot() {
    JsonObject conns = new JsonObject();
    int total = 0;
    for (Map.Entry<Protocol, AtomicInteger> e : connections.entrySet()) {
      conns.put(e.getKey().label(), e.getValue().get());
      total += e.getValue().get();
    }
    double in = messagesIn.values().stream().mapToDouble(Counter::count).sum();
    double dropped = drops.values().stream().mapToDouble(Counter::count).sum();
    return new JsonObject().put("connections", total).put("byProtocol", conns).put("messagesIn", (long) in)
      .put("deliveries", (long) deliveries.count()).put("drops", (long) dropped).put("rooms", roomsNumbered.get())
      .put("storeUp", storeUp).put("storeBuffered", storeBuffered.get()).put("storeLagSeconds", storeLagSeconds());
  }

  /**
   * A Vert.x builder whose own metrics (TCP, HTTP, pools, JVM) go to this node's registry; without metrics,
   * a plain one.
   * <p>
   * Vert.x's event-bus metrics are left out: they look up (and for a received message, register) a meter
   * per message, and every chat message crosses the event bus two or three times. They cost a fifth of
   * the delivery rate in the rooms benchmark; Chatbus's own counters say what they would.
   */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    if (registry == null) {
      return Vertx.builder().with(options);
    }
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
      .setEnabled(true)
      // Vert.x keeps backends by this name: a name of its own keeps the registry this instance's.
      .setRegistryName("chatbus-" + UUID.randomUUID())
      .setJvmMetricsEnabled(true)
      .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
      .addLabels(Label.HTTP_ROUTE)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    return Vertx.builder().with(options.setMetricsOptions(metrics)).withMetrics(new MicrometerMetricsFactory(registry));
  }
}
