package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Many clients in one room, several talking at once: everyone sees every message, in one order. */
@ExtendWith(VertxExtension.class)
class FanOutTest {

  private static final int CLIENTS = 200;
  private static final int SENDERS = 10;
  private static final int MESSAGES = 20;

  @Test
  void twoHundredClientsSeeEveryMessageInOneOrder(Vertx vertx) throws Exception {
    int port = TestNode.start(vertx).port();
    List<TestClient> clients = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(TestClient.text(port, "c" + i));
      }
      // The last client has seen everyone's join: all are in the room before anyone talks.
      clients.get(0).readUntil(l -> l.equals("* c" + (CLIENTS - 1) + " has joined #lobby"));

      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        TestClient sender = clients.get(s);
        int id = s;
        sent.add(CompletableFuture.runAsync(() -> {
          for (int m = 0; m < MESSAGES; m++) {
            sender.send("msg " + id + "." + m);
          }
        }, senders));
      }
      CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);

      List<String> reference = null;
      for (int i = CLIENTS - 1; i >= 0; i--) {
        boolean isSender = i < SENDERS;
        int expected = SENDERS * MESSAGES - (isSender ? MESSAGES : 0);
        List<String> got = new ArrayList<>(expected);
        TestClient c = clients.get(i);
        while (got.size() < expected) {
          String line = c.readLine();
          if (line.contains(": msg ")) {
            got.add(line);
          }
        }
        if (reference == null) {
          reference = got;
          assertThat(reference).doesNotHaveDuplicates();
          for (int s = 0; s < SENDERS; s++) {
            String prefix = "c" + s + ": msg " + s + ".";
            List<String> fromS = reference.stream().filter(l -> l.startsWith(prefix)).toList();
            assertThat(fromS).as("sender %d's messages in the order sent", s)
              .containsExactlyElementsOf(java.util.stream.IntStream.range(0, MESSAGES).mapToObj(m -> prefix + m).toList());
          }
        } else {
          String own = "c" + i + ": ";
          assertThat(got).as("client %d sees the one order", i)
            .containsExactlyElementsOf(reference.stream().filter(l -> !l.startsWith(own)).toList());
        }
      }
    } finally {
      senders.shutdownNow();
      clients.forEach(TestClient::close);
    }
  }
}
