package dev.chatbus.persist;

import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL a machine with only a JDK runs the tests on ({@link Postgres#embedded()}), started here
 * whether or not a server is installed, so that CI keeps that path working: a node stores in it, and a
 * node started after it on the same schema has the history back.
 */
class EmbeddedPostgresTest {

  @Test
  void aNodeKeepsItsHistoryInTheEmbeddedPostgres() throws Exception {
    String database = "jdbc:postgresql://127.0.0.1:" + Postgres.embedded().getPort() + "/postgres";
    JsonObject persistence = Postgres.persistence(Postgres.freshSchemaUrl(database));
    List<String> said = new ArrayList<>();
    for (String text : List.of("first", "second")) {
      Vertx vertx = Vertx.vertx();
      try {
        TestNode node = TestNode.start(vertx, new JsonObject().put("persistence", persistence.copy())
          .put("history", new JsonObject().put("replayOnJoin", 20)));
        try (TestClient jay = TestClient.json(node.port(), "jay")) {
          assertThat(jay.readJson("history").getJsonArray("messages").stream().map(JsonObject.class::cast)
            .filter(m -> "message".equals(m.getString("type"))).map(m -> m.getString("text"))).containsExactlyElementsOf(said);
          jay.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", text).put("ref", 1));
          jay.readJson("ack");
          said.add(text);
        }
        node.stop().await(30, TimeUnit.SECONDS);
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }
}
