package dev.chatbus.support;

import dev.chatbus.app.MainVerticle;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a Chatbus node in a test's Vert.x instance, on a free loopback port, with the settings a test
 * overrides on top of the defaults.
 */
public final class TestNode {

  private final Vertx vertx;
  private final MainVerticle main;

  private TestNode(Vertx vertx, MainVerticle main) {
    this.vertx = vertx;
    this.main = main;
  }

  /**
   * The settings every test node uses: loopback, a free port, two edge instances, an embedded store of its
   * own, and no earlier messages shown on joining (tests of history turn that on).
   */
  public static JsonObject baseConfig() {
    return new JsonObject()
      .put("node", new JsonObject().put("name", "test"))
      .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("tlsPort", 0).put("instances", 2))
      .put("irc", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("tlsPort", 0).put("serverName", "irc.test"))
      .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("tlsPort", 0))
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("tlsPort", 0))
      .put("persistence", new JsonObject().put("embedded", new JsonObject().put("path", freshStorePath())))
      .put("history", new JsonObject().put("replayOnJoin", 0))
      .put("shutdown", new JsonObject().put("grace", "2s"));
  }

  /** A path for an embedded store that no other node uses, under {@code target/}. */
  public static String freshStorePath() {
    return Path.of("target", "test-stores", UUID.randomUUID().toString(), "chatbus").toString();
  }

  /** A {@code limits.rate} section that no test traffic reaches. */
  public static JsonObject unlimitedRate() {
    return new JsonObject().put("linesPerSecond", 1_000_000).put("burst", 1_000_000);
  }

  /** Starts a node with {@link #baseConfig()} deep-merged with {@code overrides}, and waits until it is up. */
  public static TestNode start(Vertx vertx, JsonObject overrides) {
    return start(vertx, NodeMetrics.disabled(), null, overrides);
  }

  /**
   * Like {@link #start(Vertx, JsonObject)}, for a Vert.x built with {@code metrics} (see
   * {@link NodeMetrics#vertxBuilder}) and, when clustered, with {@code clusterManager}.
   */
  public static TestNode start(Vertx vertx, NodeMetrics metrics, ClusterManager clusterManager, JsonObject overrides) {
    MainVerticle main = new MainVerticle(metrics, clusterManager);
    JsonObject config = baseConfig().mergeIn(overrides, true);
    try {
      vertx.deployVerticle(main, new DeploymentOptions().setConfig(config)).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the node did not start within 30s", e);
    }
    // Closing Vert.x (as the tests' extension does after each test) stops the node in order first, as the
    // chatbus command does on SIGTERM; Vert.x alone would stop its parts all at once.
    ((VertxInternal) vertx).addCloseHook(done -> main.shutdown().onComplete(ar -> done.succeed()));
    return new TestNode(vertx, main);
  }

  /** Stops the node as SIGTERM does (clients told, queues drained, everything written), then closes its Vert.x. */
  public Future<Void> stop() {
    return main.shutdown().transform(ar -> vertx.close());
  }

  public static TestNode start(Vertx vertx) {
    return start(vertx, new JsonObject());
  }

  public int port() {
    return main.port();
  }

  public int ircPort() {
    return main.ircPort();
  }

  public int tlsPort() {
    return main.tlsPort();
  }

  public int ircTlsPort() {
    return main.ircTlsPort();
  }

  public int bridgePort() {
    return main.bridgePort();
  }

  public int httpPort() {
    return main.httpPort();
  }

  public int httpTlsPort() {
    return main.httpTlsPort();
  }

  public int bridgeTlsPort() {
    return main.bridgeTlsPort();
  }
}
