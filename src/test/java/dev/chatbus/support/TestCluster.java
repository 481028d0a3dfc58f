package dev.chatbus.support;

import com.hazelcast.config.Config;
import dev.chatbus.cluster.HazelcastSetup;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.LinkedHashMap;
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
    // The node's own settings need no cluster.enabled: its Vert.x instance is clustered already.
    JsonObject config = new JsonObject().put("node", new JsonObject().put("name", node)).mergeIn(shared.copy(), true);
    ChatbusConfig.Cluster cluster = ChatbusConfig.parse(new JsonObject().put("cluster", settings())
      .put("persistence", new JsonObject().put("store", "none"))).cluster();
    Vertx vertx;
    HazelcastClusterManager manager;
    try {
      Config hazelcast = HazelcastSetup.config(cluster);
      // Tests start nodes one after another on loopback: no need to wait for others before joining.
      hazelcast.setProperty("hazelcast.wait.seconds.before.join", "0");
      hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().setConnectionTimeoutSeconds(1);
      manager = new HazelcastClusterManager(hazelcast);
      vertx = Vertx.builder().withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + node + " did not join the cluster", e);
    }
    vertxes.put(node, vertx);
    TestNode started = TestNode.start(vertx, NodeMetrics.disabled(), manager, config);
    nodes.put(node, started);
    return started;
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
  }
}
