package dev.chatbus.support;

import com.hazelcast.config.Config;
import dev.chatbus.cluster.HazelcastSetup;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.tls.ServerTls;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Chatbus nodes clustered over real Hazelcast on loopback, each in a clustered Vert.x instance of its
 * own in this JVM, under a cluster name no other run uses.
 */
public final class TestCluster implements AutoCloseable {

  private final String name = "chatbus-test-" + UUID.randomUUID();
  private final JsonObject shared;
  private final Map<String, Vertx> vertxes = new LinkedHashMap<>();
  private final Map<String, TestNode> nodes = new LinkedHashMap<>();
  /** Members with no node on them ({@link #join}). */
  private final List<Vertx> others = new ArrayList<>();

  /** @param shared the settings every node gets over {@link TestNode#baseConfig()} (the store, above all) */
  public TestCluster(JsonObject shared) {
    this.shared = shared;
  }

  /** The {@code cluster} settings of this cluster's nodes, for a node started in its own process. */
  public JsonObject settings() {
    return new JsonObject().put("enabled", true).put("name", name).put("members", new JsonArray().add("127.0.0.1"))
      .put("interface", "127.0.0.1").put("discoverEvery", "200ms");
  }

  /** Starts node {@code node} and waits until it listens; its router has met every running router by then. */
  public TestNode start(String node) {
    return start(node, new JsonObject());
  }

  /** {@link #start(String)}, with the event bus over TLS as {@code tls} ({@code cluster.tls}) says. */
  public TestNode start(String node, JsonObject tls) {
    // The node's own settings need no cluster.enabled: its Vert.x instance is clustered already.
    JsonObject config = new JsonObject().put("node", new JsonObject().put("name", node)).mergeIn(shared.copy(), true);
    HazelcastClusterManager manager = manager(tls);
    Vertx vertx = clustered(node, tls, manager);
    TestNode started;
    try {
      started = TestNode.start(vertx, NodeMetrics.disabled(), manager, config);
    } catch (RuntimeException | AssertionError e) {
      try {
        vertx.close().await(60, TimeUnit.SECONDS);
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    vertxes.put(node, vertx);
    nodes.put(node, started);
    return started;
  }

  /**
   * A clustered Vert.x instance with no node on it, its event bus over TLS as {@code tls} says: what another
   * program on the cluster's network could run. Closed with the cluster.
   */
  public Vertx join(String name, JsonObject tls) {
    Vertx vertx = clustered(name, tls, manager(tls));
    others.add(vertx);
    return vertx;
  }

  private HazelcastClusterManager manager(JsonObject tls) {
    Config hazelcast = HazelcastSetup.config(cluster(tls));
    // Tests start nodes one after another on loopback: no need to wait for others before joining.
    hazelcast.setProperty("hazelcast.wait.seconds.before.join", "0");
    hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().setConnectionTimeoutSeconds(1);
    return new HazelcastClusterManager(hazelcast);
  }

  private ChatbusConfig.Cluster cluster(JsonObject tls) {
    return ChatbusConfig.parse(new JsonObject().put("cluster", settings().put("tls", tls))
      .put("persistence", new JsonObject().put("store", "none"))).cluster();
  }

  private Vertx clustered(String name, JsonObject tls, HazelcastClusterManager manager) {
    ChatbusConfig.Cluster cluster = cluster(tls);
    VertxOptions options = new VertxOptions();
    if (cluster.tls().enabled()) {
      ServerTls.secure(options.getEventBusOptions(), cluster.tls());
    }
    try {
      return Vertx.builder().with(options).withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(name + " did not join the cluster", e);
    }
  }

  public TestNode node(String node) {
    return nodes.get(node);
  }

  public int port(String node) {
    return nodes.get(node).port();
  }

  /** Stops {@code node} gracefully, as SIGTERM would, and waits until it has left the cluster. */
  public void stop(String node) {
    vertxes.remove(node);
    TestNode stopped = nodes.remove(node);
    try {
      stopped.stop().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + node + " did not stop", e);
    }
  }

  @Override
  public void close() {
    for (String node : vertxes.keySet().toArray(new String[0])) {
      stop(node);
    }
    for (Vertx v : others) {
      try {
        v.close().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("a member of the cluster did not leave", e);
      }
    }
  }
}
