package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Private messages between text and JSON users, wherever their connections are served. */
@ExtendWith(VertxExtension.class)
class PrivateMessageTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestNode.start(vertx).port();
  }

  @Test
  void textToTextReachesOnlyTheRecipient() {
    try (TestClient alice = TestClient.text(port, "alice");
         TestClient bob = TestClient.text(port, "bob");
         TestClient carol = TestClient.text(port, "carol")) {
      bob.expect("* carol has joined #lobby");
      alice.send("/msg BOB psst, bob");
      bob.expect("[pm] alice: psst, bob");
      alice.send("/tell bob /me whispers");
      bob.expect("[pm] alice: /me whispers");
      assertThat(carol.drain()).isEmpty();
      assertThat(alice.drain()).noneMatch(l -> l.startsWith("[pm]"));
    }
  }

  @Test
  void unknownRecipient() {
    try (TestClient alice = TestClient.text(port, "alice")) {
      alice.send("/msg nobody hello");
      alice.expect("! no such user: nobody");
      alice.send("/msg 9lives hello");
      alice.expect("! no such user: 9lives");
    }
  }

  @Test
  void betweenJsonAndText() {
    try (TestClient jay = TestClient.json(port, "jay"); TestClient bob = TestClient.text(port, "bob")) {
      jay.send(new JsonObject().put("op", "msg").put("to", "bob").put("text", "hi from json").put("ref", 1));
      JsonObject ack = jay.readJson("ack");
      assertThat(ack.getInteger("ref")).isEqualTo(1);
      assertThat(ack.containsKey("seq")).isFalse();
      bob.expect("[pm] jay: hi from json");

      bob.send("/msg jay hi from text");
      JsonObject pm = jay.readJson("private");
      assertThat(pm.getString("from")).isEqualTo("bob");
      assertThat(pm.getString("text")).isEqualTo("hi from text");
      assertThat(pm.getString("id")).isNotBlank();
      assertThat(pm.getLong("ts")).isPositive();

      jay.send(new JsonObject().put("op", "msg").put("to", "ghost").put("text", "x").put("ref", 2));
      JsonObject error = jay.readJson("error");
      assertThat(error.getString("code")).isEqualTo("no_such_user");
      assertThat(error.getInteger("ref")).isEqualTo(2);
    }
  }

  @Test
  void reachesUsersOnEveryEdgeInstance() {
    // Connections are spread over the node's two edge instances; every pair must be able to talk.
    List<TestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        clients.add(TestClient.text(port, "u" + i));
      }
      for (int i = 0; i < clients.size(); i++) {
        for (int j = 0; j < clients.size(); j++) {
          if (i != j) {
            clients.get(i).send("/msg u" + j + " from " + i);
            assertThat(clients.get(j).readUntil(l -> l.startsWith("[pm] "))).isEqualTo("[pm] u" + i + ": from " + i);
          }
        }
      }
    } finally {
      clients.forEach(TestClient::close);
    }
  }
}
