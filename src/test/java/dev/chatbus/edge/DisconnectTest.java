package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a client can go: each removes the member everywhere, tells each of its rooms exactly once,
 * and frees the name.
 */
@ExtendWith(VertxExtension.class)
class DisconnectTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestNode.start(vertx).port();
  }

  @Test
  void quitWithAReason() {
    try (TestClient watcher = TestClient.text(port, "watcher")) {
      TestClient bob = TestClient.text(port, "bob");
      watcher.expect("* bob has joined #lobby");
      bob.send("/quit gone fishing");
      assertThat(bob.readUntilClosed()).containsExactly("* bye");
      bob.close();
      assertLeftOnceAndNameFree(watcher, "bob", "quit: gone fishing");
    }
  }

  @Test
  void endOfFile() {
    try (TestClient watcher = TestClient.text(port, "watcher")) {
      TestClient bob = TestClient.text(port, "bob");
      watcher.expect("* bob has joined #lobby");
      bob.close();
      assertLeftOnceAndNameFree(watcher, "bob", "connection closed");
    }
  }

  @Test
  void connectionReset() {
    try (TestClient watcher = TestClient.text(port, "watcher")) {
      TestClient bob = TestClient.text(port, "bob");
      watcher.expect("* bob has joined #lobby");
      bob.reset();
      assertLeftOnceAndNameFree(watcher, "bob", "connection lost");
    }
  }

  @Test
  void halfCloseStillGetsItsAnswers() {
    try (TestClient watcher = TestClient.text(port, "watcher"); TestClient bob = TestClient.connect(port)) {
      bob.readLine();
      // As `printf 'bob\nhello\n/who\n' | nc -N host port` does: lines, then end of input.
      bob.sendRaw("bob\nhello\n/who\n/rooms".getBytes(StandardCharsets.US_ASCII));
      bob.shutdownOutput();
      assertThat(bob.readUntilClosed()).containsExactly(
        "* welcome bob. You are in #lobby with 1 other. /help lists the commands.",
        "* 2 in #lobby: watcher, bob",
        "* 1 room: #lobby (2)");
      watcher.expect("* bob has joined #lobby");
      watcher.expect("bob: hello");
      assertLeftOnceAndNameFree(watcher, "bob", "connection closed");
    }
  }

  @Test
  void leavesEveryRoomOfAJsonClient() {
    try (TestClient inLobby = TestClient.text(port, "lobbyist"); TestClient inRust = TestClient.text(port, "rustacean")) {
      inLobby.expect("* rustacean has joined #lobby");
      inRust.send("/join rust");
      inRust.expect("* you are now in #rust with no one else.");
      inLobby.expect("* rustacean has left #lobby");
      TestClient jay = TestClient.json(port, "jay");
      jay.send(new JsonObject().put("op", "join").put("room", "rust"));
      jay.readJson("joined");
      inLobby.expect("* jay has joined #lobby");
      inRust.expect("* jay has joined #rust");
      jay.close();
      inLobby.expect("* jay has left #lobby (connection closed)");
      inRust.expect("* jay has left #rust (connection closed)");
      assertThat(inLobby.drain()).isEmpty();
      assertThat(inRust.drain()).isEmpty();
    }
  }

  @Test
  void goingBeforeLoginTellsNoRoom() {
    try (TestClient watcher = TestClient.text(port, "watcher")) {
      TestClient early = TestClient.connect(port);
      early.readLine();
      early.close();
      TestClient late = TestClient.text(port, "late");
      watcher.expect("* late has joined #lobby");
      assertThat(watcher.drain()).isEmpty();
      late.close();
    }
  }

  private static void assertLeftOnceAndNameFree(TestClient watcher, String name, String reason) {
    watcher.expect("* " + name + " has left #lobby (" + reason + ")");
    try (TestClient again = TestClient.text(watcher.port(), name)) {
      watcher.expect("* " + name + " has joined #lobby");
      assertThat(watcher.drain()).as("one leave notice, then nothing").isEmpty();
      again.send("/who");
      again.expect("* 2 in #lobby: watcher, " + name);
    }
  }
}
