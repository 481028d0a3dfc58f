package dev.chatbus.persist;

import dev.chatbus.support.Postgres;
import dev.chatbus.support.TcpProxy;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL taken away and given back, through a proxy in front of the real server: chat goes on,
 * acknowledgements wait for the store, and what the buffer could not hold is reported, not lost silently.
 */
@ExtendWith(VertxExtension.class)
class StoreOutageTest {

  private TcpProxy proxy;
  private String url;

  @BeforeEach
  void proxy() {
    proxy = new TcpProxy(Postgres.port());
    url = Postgres.freshSchemaUrl(Postgres.urlThrough(proxy.port()));
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  private int start(Vertx vertx, JsonObject persistence) {
    return startNode(vertx, persistence).port();
  }

  private TestNode startNode(Vertx vertx, JsonObject persistence) {
    return startNode(vertx, persistence, new JsonObject());
  }

  private TestNode startNode(Vertx vertx, JsonObject persistence, JsonObject more) {
    return TestNode.start(vertx, new JsonObject().put("persistence", Postgres.persistence(url)
      .put("connectTimeout", "250ms")
      .put("retry", new JsonObject().put("first", "20ms").put("max", "100ms"))
      .mergeIn(persistence, true)).mergeIn(more, true));
  }

  /** The node's readiness as {@code GET /health} answers it: the status code and the store's check. */
  private static String health(TestNode node) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
      URI.create("http://127.0.0.1:" + node.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    JsonObject store = new JsonObject(r.body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> "store".equals(c.getString("id"))).findFirst().orElseThrow();
    return r.statusCode() + " " + store.getString("status");
  }

  private static JsonObject say(String text, int ref) {
    return new JsonObject().put("op", "say").put("room", "lobby").put("text", text).put("ref", ref);
  }

  @Test
  void chatGoesOnWhileTheStoreIsAwayAndAcknowledgementsWaitForIt(Vertx vertx) throws Exception {
    TestNode node = startNode(vertx, new JsonObject());
    int port = node.port();
    try (TestClient jay = TestClient.json(port, "jay"); TestClient bob = TestClient.text(port, "bob")) {
      jay.readJson("join");
      assertThat(health(node)).isEqualTo("200 UP");
      proxy.cut();
      jay.send(say("while the store is away", 1));
      bob.expect("jay: while the store is away");
      jay.send(new JsonObject().put("op", "ping").put("ref", "p"));
      assertThat(jay.readJson().getString("type")).as("no ack before the store has it").isEqualTo("pong");
      // Not ready while writing fails, though chat goes on.
      await().atMost(Duration.ofSeconds(10)).until(() -> health(node).equals("503 DOWN"));

      proxy.restore();
      JsonObject ack = jay.readJson();
      assertThat(ack.getString("type")).isEqualTo("ack");
      assertThat(ack.getInteger("ref")).isEqualTo(1);
      jay.send(new JsonObject().put("op", "history").put("room", "lobby").put("afterSeq", 0).put("ref", "h"));
      JsonObject page = jay.readJson("history");
      assertThat(page.getBoolean("complete")).isTrue();
      assertThat(page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")))
        .contains("while the store is away");
      assertThat(health(node)).isEqualTo("200 UP");
    }
  }

  @Test
  void historyReadOffTheWritersThreadStillShowsWhatWaitsToBeWritten(Vertx vertx) {
    TestNode node = startNode(vertx, new JsonObject(), new JsonObject().put("history", new JsonObject().put("replayOnJoin", 20)));
    try (TestClient jay = TestClient.json(node.port(), "jay")) {
      jay.readJson("history");
      jay.send(say("stored before", 1));
      jay.readJson("ack");
      proxy.cut();
      jay.send(say("while the store is away", 2));
      jay.send(history("h1"));
      JsonObject during = jay.readJson("history");
      assertThat(texts(during)).contains("while the store is away");
      assertThat(during.getBoolean("complete")).as("what the store holds cannot be read").isFalse();
      // A newcomer is shown it too, on entering the room.
      try (TestClient bob = TestClient.text(node.port(), "bob")) {
        bob.expect("* earlier in #lobby, older ones are no longer kept (times in UTC):");
        assertThat(bob.readLine()).endsWith("jay: while the store is away");
      }

      proxy.restore();
      assertThat(jay.readJson("ack").getInteger("ref")).isEqualTo(2);
      jay.send(history("h2"));
      JsonObject after = jay.readJson("history");
      assertThat(texts(after)).containsSubsequence("stored before", "while the store is away");
      assertThat(after.getBoolean("complete")).isTrue();
    }
  }

  @Test
  void aStoreThatStopsAnsweringHoldsNoLoginOrJoinPastTheReplayTimeout(Vertx vertx) {
    TestNode node = startNode(vertx, new JsonObject(), new JsonObject()
      .put("history", new JsonObject().put("replayOnJoin", 20).put("replayTimeout", "300ms")));
    try (TestClient jay = TestClient.json(node.port(), "jay")) {
      jay.readJson("history");
      proxy.stall();
      // A new room must be claimed in the store, which does not answer: jay goes in all the same.
      jay.send(new JsonObject().put("op", "join").put("room", "new").put("ref", 1));
      JsonObject joined = jay.readJson("joined");
      assertThat(joined.getLong("seq")).as("the join has no number yet").isEqualTo(-1);
      JsonObject earlier = jay.readJson("history");
      assertThat(earlier.getBoolean("unavailable")).isTrue();
      assertThat(earlier.getJsonArray("messages")).isEmpty();
      // A newcomer to a room in use is not held by its earlier messages either.
      try (TestClient bob = TestClient.text(node.port(), "bob")) {
        bob.expect("! the earlier messages of #lobby could not be read in time");
        jay.send(new JsonObject().put("op", "say").put("room", "new").put("text", "still here").put("ref", 2));
        proxy.flow();
        assertThat(jay.readJson("ack").getInteger("ref")).as("the room is taken up once the store answers").isEqualTo(2);
      }
    }
  }

  private static JsonObject history(String ref) {
    return new JsonObject().put("op", "history").put("room", "lobby").put("ref", ref);
  }

  private static List<String> texts(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")).filter(t -> t != null).toList();
  }

  @Test
  void pastTheBufferTheOldestAreDroppedAndTheirSendersTold(Vertx vertx) {
    int port = start(vertx, new JsonObject()
      .put("batch", new JsonObject().put("maxEvents", 1))
      .put("buffer", new JsonObject().put("maxEvents", 3)));
    try (TestClient jay = TestClient.json(port, "jay")) {
      proxy.cut();
      for (int ref = 1; ref <= 6; ref++) {
        jay.send(say("m" + ref, ref));
      }
      Map<Integer, String> outcome = new HashMap<>();
      while (outcome.size() < 3) {
        JsonObject answer = jay.readJson();
        assertThat(answer.getString("type")).isEqualTo("error");
        assertThat(answer.getString("code")).isEqualTo("not_stored");
        outcome.put(answer.getInteger("ref"), "not_stored");
      }
      assertThat(outcome.keySet()).containsExactlyInAnyOrder(1, 2, 3);

      proxy.restore();
      List<Integer> acked = new ArrayList<>();
      while (acked.size() < 3) {
        acked.add(jay.readJson("ack").getInteger("ref"));
      }
      assertThat(acked).containsExactly(4, 5, 6);
      jay.send(new JsonObject().put("op", "history").put("room", "lobby").put("afterSeq", 0));
      JsonObject page = jay.readJson("history");
      assertThat(page.getBoolean("complete")).as("the dropped ones leave a gap").isFalse();
      JsonArray messages = page.getJsonArray("messages");
      assertThat(messages.stream().map(m -> ((JsonObject) m).getString("text")).filter(t -> t != null))
        .containsExactly("m4", "m5", "m6");
    }
  }
}
