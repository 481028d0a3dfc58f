package dev.chatbus.cluster;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestCluster;
import dev.chatbus.support.TestNode;
import dev.chatbus.support.TestTls;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
