package dev.chatbus.persist;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** A node configured to keep nothing: chat works, acknowledgements come at once, there is no history. */
@ExtendWith(VertxExtension.class)
class NoStoreTest {

  @Test
  void chatWithoutHistory(Vertx vertx) {
    int port = TestNode.start(vertx, new JsonObject()
      .put("persistence", new JsonObject().put("store", "none"))
      .put("history", new JsonObject().put("replayOnJoin", 20))).port();
    try (TestClient jay = TestClient.json(port, "jay"); TestClient bob = TestClient.text(port, "bob")) {
      assertThat(jay.readJson().getString("type")).isEqualTo("history");
      jay.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "fleeting").put("ref", 1));
      assertThat(jay.readJson("ack").getInteger("ref")).isEqualTo(1);
      bob.expect("jay: fleeting");
      bob.send("/history");
      bob.expect("* no messages kept in #lobby");
    }
  }
}
