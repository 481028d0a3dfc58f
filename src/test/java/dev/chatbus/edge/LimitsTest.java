package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every per-connection and per-node limit, with millisecond settings, as the client experiences it. */
@ExtendWith(VertxExtension.class)
class LimitsTest {

  private static JsonObject limits(JsonObject limits) {
    return new JsonObject().put("limits", limits);
  }

  @Test
  void anOverLongLineIsDroppedAndTheConnectionStays(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxLineBytes", 64))).port();
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.send("y".repeat(65));
      bob.expect("! line too long (the limit is 64 bytes); it was dropped");
      bob.send("x".repeat(64));
      alice.expect("bob: " + "x".repeat(64));
      // A long line is discarded as it arrives, and counts as one line.
      bob.sendRaw(("z".repeat(4000) + "\nafter the flood\n").getBytes(StandardCharsets.US_ASCII));
      bob.expect("! line too long (the limit is 64 bytes); it was dropped");
      alice.expect("bob: after the flood");
    }
  }

  @Test
  void aLineIsToldTooLongBeforeItEnds(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxLineBytes", 64))).port();
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.sendRaw("y".repeat(1000).getBytes(StandardCharsets.US_ASCII));
      bob.expect("! line too long (the limit is 64 bytes); it was dropped");
      bob.sendRaw("yyy\nstill here\n".getBytes(StandardCharsets.US_ASCII));
      alice.expect("bob: still here");
    }
  }

  @Test
  void aLineThatNeverEndsEndsTheConnection(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxLineBytes", 64))).port();
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.sendRaw("y".repeat(64 * 64 + 1).getBytes(StandardCharsets.US_ASCII));
      assertThat(bob.readUntilClosed()).containsExactly("! line too long (the limit is 64 bytes); it was dropped",
        "! a line far over the limit, bye");
      alice.expect("* bob has left #lobby (line too long)");
    }
  }

  @Test
  void jsonClientsAreToldTooLong(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxLineBytes", 100))).port();
    try (TestClient j = TestClient.json(port, "jay")) {
      j.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "t".repeat(200)));
      JsonObject error = j.readJson();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("too_long");
    }
  }

  @Test
  void loginTimeout(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("loginTimeout", "400ms"))).port();
    try (TestClient slow = TestClient.connect(port)) {
      slow.readLine();
      slow.send("bad name");
      slow.expect("! invalid name: a name may only hold letters, digits and _-[]\\^{}|");
      slow.expect("* Please enter your name:");
      assertThat(slow.readUntilClosed()).containsExactly("! login timeout");
    }
    try (TestClient quick = TestClient.text(port, "quick")) {
      // Logged in in time: the login timeout no longer applies.
      quick.send("/ping");
      quick.expect("* pong");
    }
  }

  @Test
  void idleTimeoutTellsTheClientAndTheRoom(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("idleTimeout", "200ms")
      .put("rate", TestNode.unlimitedRate()))).port();
    try (TestClient idle = TestClient.text(port, "idle"); TestClient busy = TestClient.text(port, "busy")) {
      long until = System.nanoTime() + 600_000_000L;
      boolean sawLeave = false;
      while (System.nanoTime() < until) {
        // Any line is activity: three idle timeouts of pings keep this client in.
        busy.send("/ping");
        String line = busy.readUntil(l -> l.equals("* pong") || l.startsWith("* idle has left"));
        if (!line.equals("* pong")) {
          assertThat(line).isEqualTo("* idle has left #lobby (idle timeout)");
          sawLeave = true;
          busy.readUntil(l -> l.equals("* pong"));
        }
      }
      assertThat(idle.readUntilClosed()).containsExactly("* busy has joined #lobby", "* idle timeout, bye");
      if (!sawLeave) {
        busy.expect("* idle has left #lobby (idle timeout)");
      }
      assertThat(busy.drain()).as("the room is told once").isEmpty();
    }
  }

  @Test
  void rateLimitDropsLinesThenDisconnectsSustainedFloods(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject()
      .put("rate", new JsonObject().put("linesPerSecond", 1).put("burst", 6).put("disconnectAfter", "300ms")))).port();
    try (TestClient alice = TestClient.text(port, "alice"); TestClient flood = TestClient.text(port, "flood")) {
      alice.expect("* flood has joined #lobby");
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        burst.append("line ").append(i).append('\n');
      }
      // The burst is 6 lines and the name took one: 5 of these 10 go through.
      flood.sendRaw(burst.toString().getBytes(StandardCharsets.US_ASCII));
      flood.expect("! slow down");
      for (int i = 0; i < 5; i++) {
        alice.expect("flood: line " + i);
      }

      // Keep flooding: over the limit for longer than disconnectAfter ends the connection.
      CompletableFuture<Void> keepGoing = CompletableFuture.runAsync(() -> {
        long until = System.nanoTime() + TestClient.READ_TIMEOUT.toNanos();
        try {
          for (int i = 0; System.nanoTime() < until; i++) {
            flood.send("more " + i);
          }
        } catch (AssertionError closed) {
          // the server hung up: that is the point
        }
      });
      assertThat(flood.readUntilClosed()).contains("! too many lines for too long, bye");
      keepGoing.join();
      String left = alice.readUntil(l -> l.startsWith("* flood has left"));
      assertThat(left).isEqualTo("* flood has left #lobby (flooding)");
    }
  }

  @Test
  void aClientThatDoesNotReadIsCutOffAndOthersGetEverything(Vertx vertx) {
    // The kernel's send buffer is bounded too, or it would take the whole burst for the stalled client.
    int port = TestNode.start(vertx, new JsonObject()
      .put("tcp", new JsonObject().put("sendBufferBytes", "64KiB"))
      .put("limits", new JsonObject()
        .put("rate", TestNode.unlimitedRate())
        .put("slowConsumer", new JsonObject().put("maxTime", "300ms")))).port();
    try (TestClient stalled = TestClient.text(port, "stalled", 4096)) {
      // The reader's own large buffer takes the burst as fast as it comes: it never falls behind.
      TestClient reader = TestClient.text(port, "reader", 4 << 20);
      TestClient talker = TestClient.text(port, "talker");
      reader.expect("* talker has joined #lobby");
      String text = "m".repeat(100);
      // Far more than the stalled client's socket buffers and its 256 KiB queue can hold.
      int total = 8000;
      CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < total; i++) {
          lines.add(reader.readLine());
        }
        return lines;
      });
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < total; i++) {
        all.append(i).append(' ').append(text).append('\n');
      }
      talker.sendRaw(all.toString().getBytes(StandardCharsets.US_ASCII));
      List<String> lines = read.join();
      for (int i = 0; i < total; i++) {
        assertThat(lines.get(i)).isEqualTo("talker: " + i + " " + text);
      }
      assertThat(reader.readLine()).isEqualTo("* stalled has left #lobby (too slow)");
      List<String> got = stalled.readUntilClosed();
      assertThat(got.size()).as("the stalled client got only what fitted before it was cut off").isLessThan(total);
      reader.close();
      talker.close();
    }
  }

  @Test
  void aClientThatFellBehindLearnsHowManyLinesItMissed(Vertx vertx) {
    int port = TestNode.start(vertx, new JsonObject()
      .put("tcp", new JsonObject().put("sendBufferBytes", 4096))
      .put("limits", new JsonObject()
        .put("rate", TestNode.unlimitedRate())
        .put("slowConsumer", new JsonObject().put("queueBytes", "16KiB").put("maxQueueBytes", "1MiB").put("maxTime", "60s")))).port();
    try (TestClient behind = TestClient.text(port, "behind", 4096)) {
      TestClient talker = TestClient.text(port, "talker");
      behind.expect("* talker has joined #lobby");
      int total = 2000;
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int i = 0; i < total; i++) {
        all.writeBytes((i + " " + "n".repeat(100) + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      talker.sendRaw(all.toByteArray());
      // The talker's own round trip through the router: every line above has been routed.
      talker.send("/who");
      talker.expect("* 2 in #lobby: behind, talker");

      // The answer to a ping is never dropped: it comes after everything delivered so far.
      behind.send("/ping");
      List<String> lines = new java.util.ArrayList<>();
      for (String line = behind.readLine(); !line.equals("* pong"); line = behind.readLine()) {
        lines.add(line);
      }
      // Reading again, the client is told (at the latest with the next line) how many it missed.
      talker.send("caught up");
      for (String line = behind.readLine(); !line.equals("talker: caught up"); line = behind.readLine()) {
        lines.add(line);
      }
      // Every line reaches the client or is counted in a notice, and what arrives is in order.
      int received = 0;
      long dropped = 0;
      int last = -1;
      for (String line : lines) {
        java.util.regex.Matcher notice = java.util.regex.Pattern
          .compile("! (\\d+) lines? (was|were) dropped because you were not reading fast enough").matcher(line);
        if (notice.matches()) {
          dropped += Long.parseLong(notice.group(1));
        } else {
          int n = Integer.parseInt(line.substring("talker: ".length(), line.indexOf(' ', "talker: ".length())));
          assertThat(n).isGreaterThan(last);
          last = n;
          received++;
        }
      }
      assertThat(dropped).isPositive();
      assertThat(received + dropped).isEqualTo(total);
      talker.close();
    }
  }

  @Test
  void answersCountAgainstTheHardBoundToo(Vertx vertx) {
    int port = TestNode.start(vertx, new JsonObject()
      .put("tcp", new JsonObject().put("sendBufferBytes", 4096))
      .put("limits", new JsonObject()
        .put("rate", TestNode.unlimitedRate())
        .put("slowConsumer", new JsonObject().put("queueBytes", "1KiB").put("maxQueueBytes", "8KiB").put("maxTime", "60s")))).port();
    try (TestClient watcher = TestClient.text(port, "watcher");
         TestClient hoarder = TestClient.text(port, "hoarder", 4096)) {
      watcher.expect("* hoarder has joined #lobby");
      // Asking for help again and again without reading: the answers pile up until the hard bound.
      hoarder.sendRaw("/help\n".repeat(2000).getBytes(StandardCharsets.US_ASCII));
      watcher.expect("* hoarder has left #lobby (too slow)");
    }
  }

  @Test
  void maxConnectionsPerNode(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxConnections", 2))).port();
    try (TestClient a = TestClient.text(port, "a"); TestClient b = TestClient.connect(port)) {
      b.readLine();
      try (TestClient c = TestClient.connect(port)) {
        assertThat(c.readUntilClosed()).containsExactly("! server full");
      }
      b.close();
      // Room again once one has gone: the node's count follows closes.
      a.send("/ping");
      a.expect("* pong");
      TestClient d = awaitAccepted(port);
      d.close();
    }
  }

  @Test
  void maxConnectionsPerAddress(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxConnectionsPerIp", 2).put("loopbackExempt", false))).port();
    try (TestClient a = TestClient.connect(port); TestClient b = TestClient.connect(port)) {
      a.readLine();
      b.readLine();
      try (TestClient c = TestClient.connect(port)) {
        assertThat(c.readUntilClosed()).containsExactly("! server full");
      }
    }
  }

  @Test
  void loopbackIsExemptFromThePerAddressLimitByDefault(Vertx vertx) {
    int port = TestNode.start(vertx, limits(new JsonObject().put("maxConnectionsPerIp", 1))).port();
    try (TestClient a = TestClient.text(port, "a"); TestClient b = TestClient.text(port, "b")) {
      b.send("/who");
      b.expect("* 2 in #lobby: a, b");
    }
  }

  @Test
  void invalidUtf8BecomesReplacementAndControlCharactersNeverReachOthers(Vertx vertx) {
    int port = TestNode.start(vertx).port();
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.sendRaw(new byte[] {'a', (byte) 0xff, 'b', 0x07, 'c', 0x1b, '[', '2', 'J', 'd', '\t', 'e', (byte) 0xc3, '\r', '\n'});
      alice.expect("bob: a\uFFFDbc[2Jd\te\uFFFD");
      bob.sendRaw("\u0085x\u009by\u007fz\n".getBytes(StandardCharsets.UTF_8));
      alice.expect("bob: xyz");
    }
  }

  /** Connects until the node accepts again (its count of the closed connection is released asynchronously). */
  private static TestClient awaitAccepted(int port) {
    AtomicReference<TestClient> accepted = new AtomicReference<>();
    await().atMost(TestClient.READ_TIMEOUT).until(() -> {
      TestClient c = TestClient.connect(port);
      if (c.readLine().startsWith("* chatbus")) {
        accepted.set(c);
        return true;
      }
      c.close();
      return false;
    });
    return accepted.get();
  }
}
