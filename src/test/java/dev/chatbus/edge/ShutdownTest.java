package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vertx.close()}: every client hears the goodbye after what was queued for it, then the socket closes. */
@ExtendWith(VertxExtension.class)
class ShutdownTest {

  @Test
  void everyClientGetsTheGoodbye(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx);
    int port = node.port();
    try (TestClient alice = TestClient.text(port, "alice");
         TestClient jay = TestClient.json(port, "jay");
         TestClient early = TestClient.connect(port)) {
      early.readLine();
      alice.expect("* jay has joined #lobby");
      Future<Void> closed = node.stop();

      List<String> aliceLines = alice.readUntilClosed();
      assertThat(aliceLines).last().isEqualTo("* server shutting down");
      List<String> jayLines = jay.readUntilClosed();
      assertThat(new JsonObject(jayLines.get(jayLines.size() - 1)))
        .isEqualTo(new JsonObject().put("type", "bye").put("reason", "shutting_down").put("message", "server shutting down"));
      assertThat(early.readUntilClosed()).containsExactly("* server shutting down");
      closed.await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void linesQueuedBeforeTheShutdownAreDeliveredFirst(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, new JsonObject().put("limits", new JsonObject()
      .put("rate", TestNode.unlimitedRate())));
    int port = node.port();
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        lines.append("line ").append(i).append('\n');
      }
      alice.sendRaw(lines.toString().getBytes(StandardCharsets.US_ASCII));
      // A round trip through the router: all 500 have been routed to bob, who has not read any yet.
      alice.send("/who");
      alice.readUntil(l -> l.startsWith("* 2 in #lobby"));
      Future<Void> closed = node.stop();

      List<String> got = bob.readUntilClosed();
      assertThat(got).hasSize(501);
      for (int i = 0; i < 500; i++) {
        assertThat(got.get(i)).isEqualTo("alice: line " + i);
      }
      assertThat(got.get(500)).isEqualTo("* server shutting down");
      closed.await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClientThatNeverReadsDoesNotHoldTheShutdownPastTheGrace(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, new JsonObject()
      .put("shutdown", new JsonObject().put("grace", "300ms"))
      .put("tcp", new JsonObject().put("sendBufferBytes", 4096))
      .put("limits", new JsonObject()
        .put("rate", TestNode.unlimitedRate())
        .put("slowConsumer", new JsonObject().put("maxTime", "60s"))));
    int port = node.port();
    try (TestClient stalled = TestClient.text(port, "stalled", 4096); TestClient talker = TestClient.text(port, "talker")) {
      talker.sendRaw(("x".repeat(200) + "\n").repeat(2000).getBytes(StandardCharsets.US_ASCII));
      talker.send("/who");
      talker.readUntil(l -> l.startsWith("* 2 in #lobby"));

      long start = System.nanoTime();
      node.stop().await(10, TimeUnit.SECONDS);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("bounded by the grace period, not by the client").isLessThan(5);
      List<String> got = stalled.readUntilClosed();
      assertThat(got).doesNotContain("* server shutting down");
    }
  }
}
