package dev.chatbus.room;

import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rooms no one uses leave the router's memory, and come back from the store as they were; how many rooms a
 * client may bring up is limited. The router's room count is read as an operator reads it, on /metrics.
 */
class RoomMemoryTest {

  private static final Pattern NUMBERED = Pattern.compile("(?m)^chatbus_rooms_numbered (\\S+)$");
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private TestNode node;

  private void start(JsonObject overrides) {
    NodeMetrics metrics = NodeMetrics.create();
    vertx = metrics.vertxBuilder(new VertxOptions()).build();
    node = TestNode.start(vertx, metrics, null, new JsonObject()
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .mergeIn(overrides, true));
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private int roomsNumbered() throws IOException, InterruptedException {
    String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
      HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = NUMBERED.matcher(scrape);
    assertThat(m.find()).isTrue();
    return (int) Double.parseDouble(m.group(1));
  }

  private static JsonObject op(String op, String room, Object ref) {
    return new JsonObject().put("op", op).put("room", room).put("ref", ref);
  }

  @Test
  void aHundredThousandRoomsJoinedAndLeftLeaveOnlyTheRoomsInUse() throws Exception {
    start(new JsonObject()
      .put("persistence", new JsonObject().put("store", "none"))
      .put("rooms", new JsonObject().put("evictAfter", "50ms").put("maxCreatedPerMinute", 1_000_000)));
    int rooms = 100_000;
    try (TestClient jay = TestClient.json(node.port(), "jay")) {
      // Written in one go, read as they are answered: the node reads the next line once a join is done.
      Thread writer = new Thread(() -> {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < rooms; i++) {
          lines.append(op("join", "r" + i, i).encode()).append('\n').append(op("leave", "r" + i, i).encode()).append('\n');
          if (lines.length() > 1 << 16 || i == rooms - 1) {
            jay.sendRaw(lines.toString().getBytes(StandardCharsets.UTF_8));
            lines.setLength(0);
          }
        }
      });
      writer.start();
      int left = 0;
      while (left < rooms) {
        JsonObject answer = jay.readJson();
        assertThat(answer.getString("type")).as(answer.encode()).isIn("joined", "left");
        if (answer.getString("type").equals("left")) {
          left++;
        }
      }
      writer.join();
      await().atMost(Duration.ofSeconds(20)).until(() -> roomsNumbered() == 1);
      jay.send(op("join", "still-here", "s"));
      jay.readJson("joined");
      assertThat(roomsNumbered()).as("#lobby and #still-here").isEqualTo(2);
    }
  }

  @Test
  void aRoomSetAsideComesBackFromTheStoreInTheSameEpoch() throws Exception {
    start(new JsonObject().put("rooms", new JsonObject().put("evictAfter", "50ms")));
    try (TestClient jay = TestClient.json(node.port(), "jay")) {
      jay.send(op("join", "quiet", 1));
      jay.readJson("joined");
      jay.send(new JsonObject().put("op", "say").put("room", "quiet").put("text", "before").put("ref", 2));
      JsonObject first = jay.readJson("ack");
      jay.send(op("history", "quiet", 3).put("limit", 1));
      long epoch = jay.readJson("history").getJsonArray("messages").getJsonObject(0).getLong("epoch");
      jay.send(op("leave", "quiet", 4));
      jay.readJson("left");
      await().atMost(Duration.ofSeconds(10)).until(() -> roomsNumbered() == 1);

      try (TestClient bob = TestClient.json(node.port(), "bob")) {
        bob.send(op("join", "quiet", 1));
        JsonObject joined = bob.readJson("joined");
        // Its leave and bob's join came after jay's message.
        assertThat(joined.getLong("seq")).isEqualTo(first.getLong("seq") + 2);
        bob.send(op("history", "quiet", 2).put("afterSeq", 0));
        JsonObject page = bob.readJson("history");
        assertThat(page.getBoolean("complete")).isTrue();
        assertThat(page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("epoch")).distinct())
          .as("one epoch, before and after").containsExactly(epoch);
      }
    }
  }

  @Test
  void withoutAStoreARoomSetAsideComesBackAsANewRoom() throws Exception {
    start(new JsonObject().put("persistence", new JsonObject().put("store", "none"))
      .put("rooms", new JsonObject().put("evictAfter", "50ms")));
    try (TestClient jay = TestClient.json(node.port(), "jay"); TestClient bob = TestClient.json(node.port(), "bob")) {
      jay.send(op("join", "quiet", 1));
      assertThat(jay.readJson("joined").getLong("seq")).isEqualTo(1);
      jay.send(op("leave", "quiet", 2));
      jay.readJson("left");
      await().atMost(Duration.ofSeconds(10)).until(() -> roomsNumbered() == 1);
      bob.send(op("join", "quiet", 1));
      assertThat(bob.readJson("joined").getLong("seq")).as("numbered from the start again").isEqualTo(1);
    }
  }

  @Test
  void theClientsOfAnAddressMayBringUpOnlySoManyNewRoomsAMinute() {
    start(new JsonObject().put("rooms", new JsonObject().put("maxCreatedPerMinute", 4))
      .put("limits", new JsonObject().put("loopbackExempt", false)));
    try (TestClient jay = TestClient.json(node.port(), "jay"); TestClient alice = TestClient.text(node.port(), "alice")) {
      // One of the address's four.
      alice.send("/join busy");
      alice.expectStartsWith("* you are now in #busy");
      for (int i = 1; i <= 3; i++) {
        jay.send(op("join", "new" + i, i));
        jay.readJson("joined");
      }
      jay.send(op("join", "new4", 4));
      JsonObject refused = jay.readJson("error");
      assertThat(refused.getString("code")).isEqualTo("rate_limited");
      assertThat(refused.getString("message"))
        .isEqualTo("you are opening new rooms too fast (at most 4 a minute from your address); try again in a while");
      jay.send(op("join", "busy", 5));
      assertThat(jay.readJson("joined").getString("room")).as("a room someone is in is no new room").isEqualTo("busy");
    }
    try (TestClient again = TestClient.json(node.port(), "jay2")) {
      again.send(op("join", "new5", 1));
      assertThat(again.readJson("error").getString("code")).as("reconnecting does not start afresh").isEqualTo("rate_limited");
    }
  }
}
