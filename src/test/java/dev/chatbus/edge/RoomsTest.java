package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Rooms: switching, isolation, listing, and JSON clients in several rooms at once. */
@ExtendWith(VertxExtension.class)
class RoomsTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestNode.start(vertx).port();
  }

  @Test
  void roomsAreIsolated() {
    try (TestClient alice = TestClient.text(port, "alice");
         TestClient bob = TestClient.text(port, "bob");
         TestClient carol = TestClient.text(port, "carol")) {
      alice.expect("* bob has joined #lobby");
      alice.expect("* carol has joined #lobby");
      bob.expect("* carol has joined #lobby");

      bob.send("/join rust");
      bob.expect("* you are now in #rust with no one else.");
      alice.expect("* bob has left #lobby");
      carol.expect("* bob has left #lobby");
      carol.send("/join #RUST");
      carol.expect("* you are now in #rust with 1 other.");
      bob.expect("* carol has joined #rust");
      alice.expect("* carol has left #lobby");

      bob.send("only for rust");
      carol.expect("bob: only for rust");
      alice.send("only for the lobby");
      // alice sees nothing of #rust, and #rust nothing of the lobby: the next line each reads is the marker.
      carol.send("marker");
      bob.expect("carol: marker");
      assertThat(bob.drain()).isEmpty();
      assertThat(carol.drain()).isEmpty();
      assertThat(alice.drain()).isEmpty();
    }
  }

  @Test
  void invisibleCharactersMakeNoRoomAndNoLineReadsBackwards() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.send("/join ops\u200B");
      bob.expect("! invalid room: a room name cannot hold invisible formatting characters such as U+200B");
      bob.send("/join ops\u202Etxt");
      bob.expect("! invalid room: a room name cannot hold invisible formatting characters such as U+202E");
      bob.send("see report\u202Efdp.exe");
      alice.expect("bob: see reportfdp.exe");
    }
  }

  @Test
  void leaveGoesBackToTheDefaultRoom() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.send("/join rust");
      bob.expect("* you are now in #rust with no one else.");
      alice.expect("* bob has left #lobby");
      bob.send("/leave");
      bob.expect("* you are now in #lobby with 1 other.");
      alice.expect("* bob has joined #lobby");
      bob.send("/leave");
      bob.expect("! you are in #lobby, the room everyone starts in; /quit leaves the server");
      bob.send("/join lobby");
      bob.expect("! you are already in #lobby");
    }
  }

  @Test
  void roomListAndWhoElsewhere() {
    try (TestClient alice = TestClient.text(port, "alice");
         TestClient bob = TestClient.text(port, "bob");
         TestClient carol = TestClient.text(port, "carol")) {
      bob.expect("* carol has joined #lobby");
      bob.send("/join rust");
      bob.expect("* you are now in #rust with no one else.");
      carol.expect("* bob has left #lobby");
      carol.send("/join go");
      carol.expect("* you are now in #go with no one else.");
      // Carol is told she is in #go as soon as she is; that she left #lobby reaches others right after.
      alice.expect("* bob has joined #lobby");
      alice.expect("* carol has joined #lobby");
      alice.expect("* bob has left #lobby");
      alice.expect("* carol has left #lobby");
      assertThat(alice.drain()).isEmpty();
      alice.send("/rooms");
      alice.expect("* 3 rooms: #go (1), #lobby (1), #rust (1)");
      alice.send("/who #rust");
      alice.expect("* 1 in #rust: @bob");
      alice.send("/who nowhere");
      alice.expect("! no one is in #nowhere");
      alice.send("/join bad,room");
      alice.expect("! invalid room: a room name cannot hold spaces, commas or control characters");
      alice.send("/join " + "x".repeat(64));
      alice.expect("! invalid room: a room name has at most 63 bytes in UTF-8 (as many letters of the English alphabet)");
      bob.send("/leave");
      bob.expect("* you are now in #lobby with 1 other.");
      alice.send("/rooms");
      assertThat(alice.readUntil(l -> l.startsWith("* ") && l.contains("room"))).isEqualTo("* 2 rooms: #go (1), #lobby (2)");
    }
  }

  @Test
  void jsonClientsSitInManyRooms() {
    try (TestClient jay = TestClient.json(port, "jay");
         TestClient alice = TestClient.text(port, "alice");
         TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.send("/join rust");
      bob.expect("* you are now in #rust with no one else.");
      alice.expect("* bob has left #lobby");
      jay.send(new JsonObject().put("op", "join").put("room", "#Rust").put("ref", "j1"));
      JsonObject joined = jay.readJson("joined");
      assertThat(joined.getString("room")).isEqualTo("rust");
      assertThat(joined.getString("ref")).isEqualTo("j1");
      assertThat(joined.getJsonArray("members")).isEqualTo(new JsonArray().add("bob").add("jay"));
      bob.expect("* jay has joined #rust");

      alice.send("in the lobby");
      bob.send("in rust");
      JsonObject first = jay.readJson("message");
      JsonObject second = jay.readJson("message");
      assertThat(first.getString("room") + ":" + first.getString("text") + "," + second.getString("room") + ":" + second.getString("text"))
        .satisfiesAnyOf(
          s -> assertThat(s).isEqualTo("lobby:in the lobby,rust:in rust"),
          s -> assertThat(s).isEqualTo("rust:in rust,lobby:in the lobby"));

      jay.send(new JsonObject().put("op", "say").put("room", "rust").put("text", "hello rust").put("ref", 7));
      JsonObject ack = jay.readJson("ack");
      assertThat(ack.getInteger("ref")).isEqualTo(7);
      assertThat(ack.getLong("seq")).isPositive();
      assertThat(ack.getString("id")).isNotBlank();
      bob.expect("jay: hello rust");

      jay.send(new JsonObject().put("op", "leave").put("room", "lobby").put("ref", 8));
      JsonObject left = jay.readJson("left");
      assertThat(left.getString("room")).isEqualTo("lobby");
      alice.expect("* jay has left #lobby");
      alice.send("jay is gone from here");
      bob.send("but here");
      JsonObject onlyRust = jay.readJson("message");
      assertThat(onlyRust.getString("text")).isEqualTo("but here");
    }
  }

  @Test
  void jsonClientsHaveARoomLimit() {
    Vertx other = Vertx.vertx();
    try (TestClient jay = TestClient.json(TestNode.start(other,
      new JsonObject().put("rooms", new JsonObject().put("maxPerClient", 2))).port(), "jay")) {
      jay.send(new JsonObject().put("op", "join").put("room", "a"));
      assertThat(jay.readJson().getString("type")).isEqualTo("joined");
      jay.send(new JsonObject().put("op", "join").put("room", "b").put("ref", 2));
      JsonObject error = jay.readJson();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("too_many_rooms");
      assertThat(error.getInteger("ref")).isEqualTo(2);
    } finally {
      other.close().await();
    }
  }

  @Test
  void joinsAndLeavesAreNotAnnouncedInRoomsAboveTheLimit() {
    Vertx other = Vertx.vertx();
    int small = TestNode.start(other, new JsonObject().put("rooms", new JsonObject().put("announceUpTo", 2))).port();
    try (TestClient alice = TestClient.text(small, "alice"); TestClient bob = TestClient.text(small, "bob")) {
      alice.expect("* bob has joined #lobby");
      try (TestClient carol = TestClient.text(small, "carol")) {
        carol.send("/who");
        carol.expect("* 3 in #lobby: alice, bob, carol");
        carol.send("hello");
        // The third member came in silently: the next line the others read is what carol said.
        alice.expect("carol: hello");
        bob.expect("carol: hello");
        carol.send("/quit");
        carol.expect("* bye");
      }
      // ... and went silently; with two members left, leaves are announced again.
      alice.send("still here");
      bob.expect("alice: still here");
      bob.send("/quit");
      alice.expect("* bob has left #lobby (quit)");
    } finally {
      other.close().await();
    }
  }
}
