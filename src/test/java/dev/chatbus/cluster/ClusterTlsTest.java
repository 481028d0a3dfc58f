package dev.chatbus.cluster;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestCluster;
import dev.chatbus.support.TestNode;
import dev.chatbus.support.TestTls;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The event bus between nodes over TLS with mutual authentication (cluster.tls), with real Hazelcast on
 * loopback: nodes whose certificates the cluster's authority signed are one network; a node of another
 * authority joins Hazelcast (which has no TLS) but reaches no router over the event bus.
 */
@Tag("cluster")
class ClusterTlsTest {

  @Test
  void onlyNodesOfTheClustersAuthorityShareTheEventBus() throws Exception {
    TestTls ours = TestTls.create();
    TestTls theirs = TestTls.create();
    try (TestCluster cluster = new TestCluster(new JsonObject()
      .put("persistence", Postgres.persistence(Postgres.freshSchemaUrl()))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate())))) {
      cluster.start("node-a", ours.clusterSettings());
      cluster.start("node-b", ours.clusterSettings());
      try (TestClient ann = TestClient.text(cluster.port("node-a"), "ann");
           TestClient bob = TestClient.text(cluster.port("node-b"), "bob")) {
        ann.expect("* bob has joined #lobby");
        bob.send("hello across");
        ann.expect("bob: hello across");

        // A program on the cluster's network with a certificate of another authority: Hazelcast lets it in,
        // the routers' event bus does not.
        Vertx stranger = cluster.join("stranger", theirs.clusterSettings());
        assertThatThrownBy(() -> stranger.eventBus().request(Addresses.router("node-a"), new SessionCommand.Census(),
          new DeliveryOptions().setSendTimeout(5_000)).await(20, TimeUnit.SECONDS))
          .as("the stranger's request to a router of the cluster").isNotNull();
        // A node of another authority cannot meet the cluster's routers, and does not start; nor does a node
        // of the cluster's own authority whose certificate has expired.
        assertThatThrownBy(() -> cluster.start("node-x", theirs.clusterSettings())).hasMessageContaining("chat.router.node-");
        assertThatThrownBy(() -> cluster.start("node-y", ours.expiredClusterSettings())).hasMessageContaining("chat.router.node-");
        // The cluster's users go on as before.
        bob.send("after the stranger");
        ann.expect("bob: after the stranger");
        ann.send("/who");
        ann.expect("* 2 in #lobby: ann, bob");
      }
    }
  }

  /**
   * Hazelcast has no TLS and no join secret: a program with another authority's certificate joins it and
   * writes to the maps the routers share. None of it holds: a name it holds is taken back, a name it
   * removes stays its holder's, a router it lists is ignored, a router's listing it takes is taken back,
   * and a node tag it makes the counter give again is not used twice. The routers say so in their logs.
   */
  @Test
  void aStrangerInHazelcastTakesNoNameAndMakesNoRouterDropOne() throws Exception {
    TestTls ours = TestTls.create();
    TestTls theirs = TestTls.create();
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(NameRegistry.class),
      (Logger) LoggerFactory.getLogger("dev.chatbus.room.Peers"));
    loggers.forEach(l -> l.addAppender(logged));
    try (TestCluster cluster = new TestCluster(new JsonObject()
      .put("persistence", new JsonObject().put("store", "none"))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate())))) {
      cluster.start("node-a", ours.clusterSettings());
      cluster.start("node-b", ours.clusterSettings());
      cluster.start("node-c", ours.clusterSettings());
      try (TestClient ann = TestClient.json(cluster.port("node-a"), "ann");
           TestClient bob = TestClient.text(cluster.port("node-b"), "bob")) {
        Vertx stranger = cluster.join("stranger", theirs.clusterSettings());
        String strangerId = ((VertxInternal) stranger).clusterManager().getNodeId();
        AsyncMap<String, String> names = stranger.sharedData().<String, String>getAsyncMap("chatbus.names").await();
        AsyncMap<String, String> routers = stranger.sharedData().<String, String>getAsyncMap("chatbus.routers").await();
        names.put("carl", strangerId + "/7").await();
        names.remove("ann").await();
        routers.put("node-b", strangerId).await();
        routers.put("node-fake", strangerId).await();
        // node-a took the counter's first value: the next node is given it again.
        Counter tags = stranger.sharedData().getCounter("chatbus.nodeTags").await();
        assertThat(tags.compareAndSet(tags.get().await(), 0).await()).isTrue();

        try (TestClient carl = TestClient.text(cluster.port("node-c"), "carl");
             TestClient impostor = TestClient.connect(cluster.port("node-b"))) {
          impostor.expectStartsWith("* chatbus");
          impostor.send("ann");
          impostor.expect("! the name ann is taken");
        }
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
          assertThat(routers.get("node-b").await()).isNotEqualTo(strangerId));
        // An entry for a session a real router does not have: that router says so, and the name is free.
        String nodeB = routers.get("node-b").await();
        names.put("dora", nodeB + "/999").await();
        try (TestClient dora = TestClient.text(cluster.port("node-a"), "dora")) {
          dora.send("/ping");
          dora.readUntil(l -> l.equals("* pong"));
        }

        cluster.start("node-d", ours.clusterSettings());
        try (TestClient dan = TestClient.json(cluster.port("node-d"), "dan")) {
          // A message's id is made by its sender's node: one said on node-a, one on node-d.
          ann.send(new JsonObject().put("op", "join").put("room", "tags"));
          ann.readJson("joined");
          dan.send(new JsonObject().put("op", "join").put("room", "tags"));
          dan.readJson("joined");
          dan.send(new JsonObject().put("op", "say").put("room", "tags").put("text", "from node-d"));
          String ofD = ann.readJson("message").getString("id");
          ann.send(new JsonObject().put("op", "say").put("room", "tags").put("text", "from node-a"));
          String ofA = dan.readJson("message").getString("id");
          // The node bits of a message id: the low 10 bits of the tag of the node that made it.
          List<Long> tagBits = List.of((Long.parseLong(ofA) >>> 12) & 0x3ff, (Long.parseLong(ofD) >>> 12) & 0x3ff);
          assertThat(tagBits.get(0)).as("node tag bits of ids made on node-a and on node-d").isNotEqualTo(tagBits.get(1));
        }
        bob.send("still here");
        ann.readJson("message");

        List<String> warnings = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings)
          .anyMatch(w -> w.startsWith("the name carl was held for " + strangerId + "/7, which its cluster node does not hold"))
          .anyMatch(w -> w.startsWith("the name dora was held for " + nodeB + "/999, which its cluster node does not hold"))
          .anyMatch(w -> w.startsWith("router node-fake is listed for cluster node " + strangerId))
          .anyMatch(w -> w.startsWith("this router's name node-b was listed for cluster node " + strangerId))
          .anyMatch(w -> w.startsWith("node tag 0 from the shared counter chatbus.nodeTags is router node-a's"));
      }
    } finally {
      loggers.forEach(l -> l.detachAppender(logged));
    }
  }
}
