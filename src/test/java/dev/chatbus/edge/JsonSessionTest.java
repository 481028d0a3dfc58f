package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** A program speaking JSON lines: events, acks, refs and errors, as it reads them off the socket. */
@ExtendWith(VertxExtension.class)
class JsonSessionTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestNode.start(vertx).port();
  }

  @Test
  void helloWelcomeAndTheDefaultRoom() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient j = TestClient.connect(port)) {
      assertThat(j.readLine()).startsWith("* chatbus ");
      j.send("{\"op\":\"hello\",\"name\":\"jay\",\"ref\":\"r-1\"}");
      JsonObject welcome = j.readJson();
      assertThat(welcome.getString("type")).isEqualTo("welcome");
      assertThat(welcome.getString("name")).isEqualTo("jay");
      assertThat(welcome.getString("server")).startsWith("chatbus ");
      assertThat(welcome.getString("ref")).isEqualTo("r-1");
      JsonObject joined = j.readJson();
      assertThat(joined.getString("type")).isEqualTo("joined");
      assertThat(joined.getString("room")).isEqualTo("lobby");
      assertThat(joined.getJsonArray("members").getList()).containsExactly("alice", "jay");
      assertThat(joined.getInteger("count")).isEqualTo(2);
      assertThat(joined.getLong("seq")).isPositive();
      alice.expect("* jay has joined #lobby");
    }
  }

  @Test
  void messagesAndRoomEventsCarryIdsAndOneSequence() {
    try (TestClient j = TestClient.json(port, "jay"); TestClient bob = TestClient.text(port, "bob")) {
      JsonObject join = j.readJson();
      assertThat(join.getString("type")).isEqualTo("join");
      assertThat(join.getString("name")).isEqualTo("bob");
      assertThat(join.getString("room")).isEqualTo("lobby");

      bob.send("hello json");
      JsonObject message = j.readJson();
      assertThat(message.getString("type")).isEqualTo("message");
      assertThat(message.getString("room")).isEqualTo("lobby");
      assertThat(message.getString("from")).isEqualTo("bob");
      assertThat(message.getString("text")).isEqualTo("hello json");
      assertThat(message.getString("id")).isNotBlank();
      assertThat(message.getLong("ts")).isPositive();
      assertThat(message.containsKey("action")).isFalse();
      assertThat(message.getLong("seq")).isEqualTo(join.getLong("seq") + 1);

      bob.send("/me dances");
      JsonObject action = j.readJson();
      assertThat(action.getString("text")).isEqualTo("dances");
      assertThat(action.getBoolean("action")).isTrue();
      assertThat(action.getLong("seq")).isEqualTo(message.getLong("seq") + 1);

      bob.send("/nick robert");
      JsonObject rename = j.readJson();
      assertThat(rename.getString("type")).isEqualTo("rename");
      assertThat(rename.getString("from")).isEqualTo("bob");
      assertThat(rename.getString("to")).isEqualTo("robert");
      assertThat(rename.getLong("seq")).isEqualTo(action.getLong("seq") + 1);

      bob.send("/quit see you");
      JsonObject leave = j.readJson();
      assertThat(leave.getString("type")).isEqualTo("leave");
      assertThat(leave.getString("name")).isEqualTo("robert");
      assertThat(leave.getString("reason")).isEqualTo("quit: see you");
      assertThat(leave.getLong("seq")).isEqualTo(rename.getLong("seq") + 1);
      assertThat(message.getString("id")).isNotEqualTo(action.getString("id"));
    }
  }

  @Test
  void sayIsAcknowledgedAndNotEchoed() {
    try (TestClient j = TestClient.json(port, "jay"); TestClient bob = TestClient.text(port, "bob")) {
      j.readJson("join");
      j.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "hi bob").put("ref", 41));
      JsonObject ack = j.readJson();
      assertThat(ack.getString("type")).isEqualTo("ack");
      assertThat(ack.getInteger("ref")).isEqualTo(41);
      assertThat(ack.getLong("seq")).isPositive();
      bob.expect("jay: hi bob");
      j.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "waves").put("action", true));
      bob.expect("* jay waves");
      j.send(new JsonObject().put("op", "ping").put("ref", new JsonObject().put("any", "json")));
      JsonObject next = j.readJson();
      assertThat(next.getString("type")).as("no message event for the sender's own line").isEqualTo("ack");
      JsonObject pong = j.readJson();
      assertThat(pong.getString("type")).isEqualTo("pong");
      assertThat(pong.getJsonObject("ref")).isEqualTo(new JsonObject().put("any", "json"));
    }
  }

  @Test
  void malformedLinesGetErrorsAndTheConnectionStays() {
    try (TestClient j = TestClient.json(port, "jay")) {
      j.send("{not json");
      assertThat(j.readJson().getString("code")).isEqualTo("bad_request");
      j.send("{\"op\":\"say\",\"room\":\"lobby\"}");
      JsonObject missing = j.readJson();
      assertThat(missing.getString("code")).isEqualTo("bad_request");
      assertThat(missing.getString("message")).isEqualTo("missing field: text");
      j.send("{\"op\":\"say\",\"room\":\"lobby\",\"text\":\"x\",\"action\":\"yes\",\"ref\":3}");
      JsonObject wrongType = j.readJson();
      assertThat(wrongType.getString("code")).isEqualTo("bad_request");
      assertThat(wrongType.getInteger("ref")).isEqualTo(3);
      j.send("{\"op\":\"dance\",\"ref\":4}");
      JsonObject unknown = j.readJson();
      assertThat(unknown.getString("message")).isEqualTo("unknown op: dance");
      assertThat(unknown.getInteger("ref")).isEqualTo(4);
      j.send("{\"ref\":5}");
      assertThat(j.readJson().getString("message")).isEqualTo("missing field: op");
      j.send("{\"op\":\"say\",\"room\":\"lobby\",\"text\":\" \"}");
      assertThat(j.readJson().getString("message")).isEqualTo("text is empty");
      j.send("{\"op\":\"join\",\"room\":\"a b\"}");
      assertThat(j.readJson().getString("code")).isEqualTo("bad_room");
      j.send("{\"op\":\"leave\",\"room\":\"elsewhere\"}");
      assertThat(j.readJson().getString("code")).isEqualTo("not_in_room");
      j.send("{\"op\":\"who\",\"room\":\"empty\"}");
      assertThat(j.readJson().getString("code")).isEqualTo("no_such_room");
      j.send("{\"op\":\"ping\"}");
      assertThat(j.readJson().getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void whoRoomsNickAndQuit() {
    try (TestClient j = TestClient.json(port, "jay"); TestClient bob = TestClient.text(port, "bob")) {
      j.readJson("join");
      j.send(new JsonObject().put("op", "who").put("room", "#LOBBY").put("ref", 1));
      JsonObject who = j.readJson();
      assertThat(who.getString("type")).isEqualTo("who");
      assertThat(who.getJsonArray("members").getList()).containsExactly("jay", "bob");
      assertThat(who.getInteger("count")).isEqualTo(2);
      j.send(new JsonObject().put("op", "rooms").put("ref", 2));
      JsonObject rooms = j.readJson();
      assertThat(rooms.getJsonArray("rooms").getJsonObject(0)).isEqualTo(new JsonObject().put("name", "lobby").put("members", 2));
      j.send(new JsonObject().put("op", "nick").put("name", "jayjay").put("ref", 3));
      JsonObject renamed = j.readJson();
      assertThat(renamed.getString("type")).isEqualTo("renamed");
      assertThat(renamed.getString("name")).isEqualTo("jayjay");
      bob.expect("* jay is now known as jayjay");
      j.send(new JsonObject().put("op", "quit").put("reason", "done"));
      JsonObject bye = j.readJson();
      assertThat(bye.getString("type")).isEqualTo("bye");
      assertThat(bye.getString("reason")).isEqualTo("quit");
      assertThat(j.readUntilClosed()).isEmpty();
      bob.expect("* jayjay has left #lobby (quit: done)");
    }
  }
}
