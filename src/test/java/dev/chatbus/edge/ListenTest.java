package dev.chatbus.edge;

import dev.chatbus.app.MainVerticle;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listening: every edge instance shares the port, and nobody else may. */
@ExtendWith(VertxExtension.class)
class ListenTest {

  @Test
  void aSecondNodeOnATakenPortFailsToStartAndTheFirstGoesOn(Vertx vertx) {
    int port = TestNode.start(vertx).port();
    Vertx other = Vertx.vertx();
    try {
      JsonObject config = TestNode.baseConfig().mergeIn(new JsonObject().put("tcp", new JsonObject().put("port", port)), true);
      assertThatThrownBy(() -> other.deployVerticle(new MainVerticle(NodeMetrics.disabled(), null), new DeploymentOptions().setConfig(config))
        .await(30, TimeUnit.SECONDS))
        .hasStackTraceContaining("cannot listen on 127.0.0.1:" + port);
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("/who");
        alice.expect("* 1 in #lobby: alice");
      }
    } finally {
      other.close().await();
    }
  }
}
