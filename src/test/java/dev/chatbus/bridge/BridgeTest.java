package dev.chatbus.bridge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.support.BridgeClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Services on the TCP event-bus bridge, as a program in any language sees it: frames written from the
 * wire format (a 4-byte length and JSON), next to people on {@code nc}.
 */
@ExtendWith(VertxExtension.class)
class BridgeTest {

  private static JsonObject say(String service, String room, String text) {
    return new JsonObject().put("service", service).put("room", room).put("text", text);
  }

  @Test
  void aServiceTalksWithPeopleInARoom(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (TestClient alice = TestClient.text(node.port(), "alice");
         BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
      bot.register(Addresses.apiRoom("lobby"));
      JsonObject reply = bot.request(Addresses.API_SAY, say("weather", "#lobby", "sunny, 21 degrees"));
      assertThat(reply.getString("type")).isEqualTo("message");
      JsonObject ack = reply.getJsonObject("body");
      assertThat(ack.getString("room")).isEqualTo("lobby");
      assertThat(ack.getString("id")).isNotBlank();
      assertThat(ack.getLong("seq")).isPositive();
      alice.expect("[service] weather: sunny, 21 degrees");

      // Its own message comes back to it as the room's event, marked as a service's.
      JsonObject own = bot.read(f -> "message".equals(f.getString("type")));
      assertThat(own.getString("address")).isEqualTo("chat.api.v1.room.lobby");
      assertThat(own.getJsonObject("body").getString("from")).isEqualTo("weather");
      assertThat(own.getJsonObject("body").getBoolean("service")).isTrue();
      assertThat(own.getJsonObject("body").getLong("seq")).isEqualTo(ack.getLong("seq"));

      alice.send("thanks");
      JsonObject heard = bot.read().getJsonObject("body");
      assertThat(heard.getString("type")).isEqualTo("message");
      assertThat(heard.getString("from")).isEqualTo("alice");
      assertThat(heard.getString("text")).isEqualTo("thanks");
      assertThat(heard.getLong("seq")).isEqualTo(ack.getLong("seq") + 1);
      assertThat(heard.containsKey("service")).isFalse();

      // Publishing to say is a message without an answer.
      bot.frame(new JsonObject().put("type", "publish").put("address", Addresses.API_SAY)
        .put("body", say("weather", "lobby", "rain later")));
      alice.expect("[service] weather: rain later");

      // Presence: joins, renames and leaves of every room.
      bot.register(Addresses.API_PRESENCE);
      bot.frame(new JsonObject().put("type", "ping"));
      bot.read(f -> "pong".equals(f.getString("type")));
      try (TestClient bob = TestClient.text(node.port(), "bob")) {
        alice.expect("* bob has joined #lobby");
        bob.send("/nick robert");
        alice.expect("* bob is now known as robert");
      }
      List<String> presence = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonObject e = bot.read(f -> Addresses.API_PRESENCE.equals(f.getString("address"))).getJsonObject("body");
        presence.add(e.getString("type") + " " + e.getString("room") + " " + e.getString("name", e.getString("to")));
      }
      assertThat(presence).containsExactly("join lobby bob", "rename lobby robert", "leave lobby robert");
    }
  }

  @Test
  void aServiceSendsPrivatelyAndAsksForMembersRoomsAndHistory(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("history", new JsonObject().put("replayOnJoin", 0)));
    try (TestClient alice = TestClient.text(node.port(), "alice");
         TestClient bob = TestClient.text(node.port(), "bob");
         BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
      alice.expect("* bob has joined #lobby");
      JsonObject pm = bot.request(Addresses.API_TELL, new JsonObject().put("service", "pager").put("to", "bob")
        .put("text", "your build passed"));
      assertThat(pm.getJsonObject("body").getString("id")).isNotBlank();
      bob.expect("[pm] [service] pager: your build passed");

      JsonObject members = bot.request(Addresses.API_MEMBERS, new JsonObject().put("room", "lobby")).getJsonObject("body");
      assertThat(members.getInteger("count")).isEqualTo(2);
      assertThat(members.getJsonArray("members").getList()).containsExactly("alice", "bob");

      JsonObject rooms = bot.request(Addresses.API_ROOMS, new JsonObject()).getJsonObject("body");
      assertThat(rooms.getJsonArray("rooms").getList()).hasSize(1);
      assertThat(rooms.getJsonArray("rooms").getJsonObject(0).getMap()).containsEntry("room", "lobby")
        .containsEntry("members", 2);

      alice.send("first");
      bob.expect("alice: first");
      bot.request(Addresses.API_SAY, say("pager", "lobby", "second"));
      bob.expect("[service] pager: second");
      JsonObject history = bot.request(Addresses.API_HISTORY, new JsonObject().put("room", "lobby")
        .put("limit", 10).put("messagesOnly", true)).getJsonObject("body");
      JsonObject first = history.getJsonArray("messages").getJsonObject(0);
      JsonObject second = history.getJsonArray("messages").getJsonObject(1);
      assertThat(first.getString("text")).isEqualTo("first");
      assertThat(first.containsKey("service")).isFalse();
      // Stored and read back, a service's message is still marked as one.
      assertThat(second.getString("text")).isEqualTo("second");
      assertThat(second.getBoolean("service")).isTrue();
      assertThat(history.getBoolean("complete")).isTrue();
    }
  }

  @Test
  void refusalsComeAsErrFramesWithTheApiErrorCodes(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (TestClient alice = TestClient.text(node.port(), "alice");
         BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
      JsonObject taken = bot.request(Addresses.API_SAY, say("alice", "lobby", "it is me, alice"));
      assertThat(taken.getString("type")).isEqualTo("err");
      assertThat(taken.getInteger("failureCode")).isEqualTo(3);
      assertThat(taken.getString("message")).isEqualTo("a user is called alice");

      JsonObject nobody = bot.request(Addresses.API_TELL, new JsonObject().put("service", "pager").put("to", "zed")
        .put("text", "hi"));
      assertThat(nobody.getInteger("failureCode")).isEqualTo(7);

      JsonObject missing = bot.request(Addresses.API_SAY, new JsonObject().put("service", "bot").put("room", "lobby"));
      assertThat(missing.getInteger("failureCode")).isEqualTo(1);
      assertThat(missing.getString("message")).isEqualTo("missing field: text");

      JsonObject badRoom = bot.request(Addresses.API_SAY, say("bot", "two words", "x"));
      assertThat(badRoom.getInteger("failureCode")).isEqualTo(4);

      // Addresses outside the public API are refused, each with its own err frame; the connection stays.
      JsonObject refused = bot.request("chat.router.test", new JsonObject());
      assertThat(refused.getString("message")).isEqualTo("access_denied");
      bot.register("chat.room.lobby");
      assertThat(bot.read().getString("message")).isEqualTo("access_denied");
      bot.frame(new JsonObject().put("type", "publish").put("address", Addresses.API_HISTORY).put("body", new JsonObject()));
      assertThat(bot.read().getString("message")).isEqualTo("access_denied");
      bot.frame(new JsonObject().put("type", "shout").put("address", Addresses.API_SAY));
      assertThat(bot.read().getString("message")).isEqualTo("unknown_type");
      bot.raw(new byte[]{0, 0, 0, 3, '{', '{', '}'});
      assertThat(bot.read().getString("message")).isEqualTo("invalid_json");
      bot.frame(new JsonObject().put("type", "ping"));
      assertThat(bot.read().getString("type")).isEqualTo("pong");
      alice.send("/ping");
      alice.expect("* pong");
    }
  }

  @Test
  void anOversizedFrameClosesOnlyItsConnection(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("maxFrameBytes", "1KiB")));
    try (TestClient alice = TestClient.text(node.port(), "alice");
         BridgeClient good = BridgeClient.connect(node.bridgePort());
         BridgeClient big = BridgeClient.connect(node.bridgePort())) {
      good.register(Addresses.apiRoom("lobby"));
      // A length far past the limit, with no body behind it: refused at once, not buffered for.
      big.raw(ByteBuffer.allocate(4).putInt(1 << 30).array());
      JsonObject err = big.read();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("message")).isEqualTo("frame_too_large");
      assertThat(err.getString("detail")).contains("1024");
      big.expectClosed();

      // A frame just over the limit is refused too; one under it goes through.
      try (BridgeClient over = BridgeClient.connect(node.bridgePort())) {
        over.frame(new JsonObject().put("type", "send").put("address", Addresses.API_SAY)
          .put("body", say("bot", "lobby", "x".repeat(1100))));
        assertThat(over.read().getString("message")).isEqualTo("frame_too_large");
        over.expectClosed();
      }
      assertThat(good.request(Addresses.API_SAY, say("bot", "lobby", "still here")).getString("type")).isEqualTo("message");
      alice.expect("[service] bot: still here");
    }
  }

  @Test
  void aBridgeClientThatDoesNotReadIsDisconnectedAndOthersGetEverything() throws Exception {
    NodeMetrics metrics = NodeMetrics.create();
    Vertx metered = metrics.vertxBuilder(new VertxOptions()).build();
    try {
      TestNode node = TestNode.start(metered, metrics, null, new JsonObject()
        .put("bridge", new JsonObject().put("maxQueueBytes", "64KiB"))
        .put("persistence", new JsonObject().put("store", "none")));
      int messages = 3000;
      String text = "y".repeat(4000);
      try (BridgeClient reader = BridgeClient.connect(node.bridgePort());
           BridgeClient stalled = BridgeClient.connect(node.bridgePort(), 4096)) {
        reader.register(Addresses.apiRoom("busy"));
        stalled.register(Addresses.apiRoom("busy"));
        // Both registrations are in place once the bridge has answered a later frame of each.
        reader.frame(new JsonObject().put("type", "ping"));
        assertThat(reader.read().getString("type")).isEqualTo("pong");
        stalled.frame(new JsonObject().put("type", "ping"));
        assertThat(stalled.read().getString("type")).isEqualTo("pong");
        assertThat(bridgeConnections(node)).isEqualTo(2);

        // The reader reads on a thread of its own, and the messages go out no faster than it reads.
        Semaphore window = new Semaphore(50);
        CompletableFuture<List<JsonObject>> read = CompletableFuture.supplyAsync(() -> {
          List<JsonObject> events = new ArrayList<>();
          for (int i = 0; i < messages; i++) {
            events.add(reader.read().getJsonObject("body"));
            window.release();
          }
          return events;
        });
        for (int i = 0; i < messages; i++) {
          assertThat(window.tryAcquire(10, TimeUnit.SECONDS)).as("the reader keeps reading").isTrue();
          metered.eventBus().request(Addresses.API_SAY, say("flood", "busy", text + i).put("durable", false));
        }
        List<JsonObject> events = read.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < messages; i++) {
          assertThat(events.get(i).getString("text")).isEqualTo(text + i);
          assertThat(events.get(i).getLong("seq")).isEqualTo(events.get(0).getLong("seq") + i);
        }
        // About 12 MB went to a client whose buffers hold a fraction of it. It is cut off while it still
        // reads nothing: the node holds one bridge connection, not two with megabytes queued.
        await().atMost(Duration.ofSeconds(10)).until(() -> bridgeConnections(node) == 1);
        stalled.expectClosed();
      }
    } finally {
      metered.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void roomSubscriptionsUseTheRoomsNormalNameAndConnectionsAreCounted(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("maxConnections", 1)));
    try (BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
      bot.register("chat.api.v1.room.#Lobby");
      JsonObject err = bot.read();
      assertThat(err.getString("message")).isEqualTo("bad_room");
      assertThat(err.getString("detail")).endsWith("chat.api.v1.room.lobby");
      try (BridgeClient second = BridgeClient.connect(node.bridgePort())) {
        assertThat(second.read().getString("message")).isEqualTo("server_full");
        second.expectClosed();
      }
    }
  }

  /** The node's {@code chatbus_connections{protocol="bridge"}}, from its {@code /metrics}. */
  private static int bridgeConnections(TestNode node) throws IOException, InterruptedException {
    HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
      URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^chatbus_connections\\{protocol=\"bridge\"\\} (\\S+)$").matcher(scrape.body());
    assertThat(m.find()).isTrue();
    return (int) Double.parseDouble(m.group(1));
  }

  @Test
  void withATokenNothingIsAcceptedBeforeIt(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("token", "s3cret")));
    try (TestClient alice = TestClient.text(node.port(), "alice")) {
      try (BridgeClient intruder = BridgeClient.connect(node.bridgePort())) {
        JsonObject err = intruder.request(Addresses.API_SAY, say("bot", "lobby", "hello"));
        assertThat(err.getString("message")).isEqualTo("access_denied");
        intruder.expectClosed();
      }
      try (BridgeClient garbage = BridgeClient.connect(node.bridgePort())) {
        garbage.raw(new byte[]{0, 0, 0, 2, '{', '{'});
        assertThat(garbage.read().getString("message")).isEqualTo("access_denied");
        garbage.expectClosed();
      }
      try (BridgeClient wrong = BridgeClient.connect(node.bridgePort())) {
        wrong.request(Addresses.API_SAY, say("bot", "lobby", "hello"), new JsonObject().put("token", "guess"));
        wrong.expectClosed();
      }
      try (BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
        JsonObject ok = bot.request(Addresses.API_SAY, say("bot", "lobby", "with the token"),
          new JsonObject().put("token", "s3cret"));
        assertThat(ok.getString("type")).isEqualTo("message");
        // Once shown, the token is not needed on every frame.
        assertThat(bot.request(Addresses.API_SAY, say("bot", "lobby", "and after")).getString("type")).isEqualTo("message");
      }
      // Only what came with the token was said.
      alice.expect("[service] bot: with the token");
      alice.expect("[service] bot: and after");
    }
  }

  @Test
  void clientsThatNeverShowTheTokenCannotKeepOutOneThatDoes(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("token", "s3cret")
      .put("maxConnections", 50).put("maxPending", 8).put("firstFrameTimeout", "60s")));
    List<Socket> idle = new ArrayList<>();
    try (TestClient alice = TestClient.text(node.port(), "alice")) {
      for (int i = 0; i < 100; i++) {
        Socket s = new Socket("127.0.0.1", node.bridgePort());
        s.getOutputStream().write(0);
        idle.add(s);
      }
      // While the node still takes the hundred in, the bot may be turned away; then it tries again.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        try (BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
          JsonObject ok = bot.request(Addresses.API_SAY, say("bot", "lobby", "let in"), new JsonObject().put("token", "s3cret"));
          assertThat(ok.getString("type")).as(ok.encode()).isEqualTo("message");
        }
      });
      alice.expect("[service] bot: let in");
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void aClientThatSendsNoFirstFrameInTimeIsClosed(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("firstFrameTimeout", "200ms")));
    try (BridgeClient silent = BridgeClient.connect(node.bridgePort())) {
      JsonObject err = silent.read();
      assertThat(err.getString("message")).isEqualTo("timeout");
      silent.expectClosed();
    }
  }
}
