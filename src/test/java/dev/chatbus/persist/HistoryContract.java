package dev.chatbus.persist;

import dev.chatbus.support.ChatbusProcess;
import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** History as clients see it, over real sockets, run against each real store by a subclass. */
@ExtendWith(VertxExtension.class)
abstract class HistoryContract {

  private static final String TIME = "\\[\\d\\d:\\d\\d] ";

  /** The persistence settings of a node with a new, empty store. */
  protected abstract JsonObject freshStore();

  private static int start(Vertx vertx, JsonObject store, JsonObject more) {
    return node(vertx, store, more).port();
  }

  private static TestNode node(Vertx vertx, JsonObject store, JsonObject more) {
    return TestNode.start(vertx, new JsonObject().put("persistence", store.copy())
      .put("history", new JsonObject().put("replayOnJoin", 20)).mergeIn(more, true));
  }

  private static JsonObject history(String room, Object ref) {
    return new JsonObject().put("op", "history").put("room", room).put("ref", ref);
  }

  private static List<String> texts(JsonArray messages) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      if ("message".equals(m.getString("type"))) {
        texts.add(m.getString("text"));
      }
    }
    return texts;
  }

  @Test
  void newcomersSeeTheLastMessagesBeforeAnythingLive(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject().put("history", new JsonObject().put("replayOnJoin", 2)));
    try (TestClient alice = TestClient.text(port, "alice")) {
      alice.send("one");
      alice.send("two");
      alice.send("/me three");
      alice.send("/who");
      alice.expect("* 1 in #lobby: alice");
      try (TestClient bob = TestClient.connect(port)) {
        bob.readLine();
        bob.send("bob");
        bob.expect("* welcome bob. You are in #lobby with 1 other. /help lists the commands.");
        bob.expect("* earlier in #lobby (times in UTC):");
        assertThat(bob.readLine()).matches(TIME + "alice: two");
        assertThat(bob.readLine()).matches(TIME + "\\* alice three");
        alice.send("live");
        bob.expect("alice: live");
      }
      TestClient jay = TestClient.json(port, "jay");
      JsonObject replay = jay.readJson();
      assertThat(replay.getString("type")).isEqualTo("history");
      assertThat(replay.getString("room")).isEqualTo("lobby");
      JsonArray messages = replay.getJsonArray("messages");
      assertThat(texts(messages)).containsExactly("three", "live");
      assertThat(messages.getJsonObject(0).getBoolean("action")).isTrue();
      assertThat(messages.getJsonObject(1).getString("from")).isEqualTo("alice");
      assertThat(replay.getBoolean("complete")).isTrue();
      jay.close();
    }
  }

  @Test
  void newcomersToARoomTooLargeToAnnounceJoinsSeeItsLastMessageToo(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject()
      .put("history", new JsonObject().put("replayOnJoin", 2))
      .put("rooms", new JsonObject().put("announceUpTo", 1)));
    try (TestClient alice = TestClient.text(port, "alice")) {
      alice.send("one");
      alice.send("two");
      alice.send("/who");
      alice.expect("* 1 in #lobby: alice");
      // bob comes in unannounced: "two" is the room's last event when he does.
      try (TestClient bob = TestClient.connect(port)) {
        bob.readLine();
        bob.send("bob");
        bob.expect("* welcome bob. You are in #lobby with 1 other. /help lists the commands.");
        bob.expect("* earlier in #lobby (times in UTC):");
        assertThat(bob.readLine()).matches(TIME + "alice: one");
        assertThat(bob.readLine()).matches(TIME + "alice: two");
        alice.send("live");
        bob.expect("alice: live");
      }
    }
  }

  @Test
  void theHistoryCommand(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject());
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      for (int i = 1; i <= 5; i++) {
        alice.send("m" + i);
        bob.expect("alice: m" + i);
      }
      bob.send("/history 2");
      bob.expect("* the last 2 messages in #lobby (times in UTC):");
      assertThat(bob.readLine()).matches(TIME + "alice: m4");
      assertThat(bob.readLine()).matches(TIME + "alice: m5");
      bob.send("/history x");
      bob.expect("! usage: /history [N], N a number above 0, or /history more");
      bob.send("/join quiet");
      bob.expect("* you are now in #quiet with no one else.");
      bob.send("/history");
      bob.expect("* no messages yet in #quiet");
    }
  }

  @Test
  void aLargeHistoryComesInPagesBoundedInBytesOnEverySurface(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject()
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .put("history", new JsonObject().put("maxBytes", "32KiB")));
    String big = "x".repeat(1000);
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      for (int i = 1; i <= 100; i++) {
        alice.send(i + " " + big);
      }
      List<String> shown = new ArrayList<>();
      int pages = 0;
      alice.send("/history 100");
      while (true) {
        pages++;
        Matcher header = Pattern.compile("\\* the last (\\d+) messages in #lobby \\(times in UTC\\):")
          .matcher(alice.readUntil(l -> l.startsWith("* the last")));
        assertThat(header.matches()).isTrue();
        List<String> page = new ArrayList<>();
        for (int i = Integer.parseInt(header.group(1)); i > 0; i--) {
          page.add(alice.readLine());
        }
        shown.addAll(0, page);
        if (shown.size() == 100) {
          break;
        }
        alice.expect("* earlier messages did not fit in one answer: /history more shows them");
        alice.send("/history more");
      }
      assertThat(pages).isGreaterThanOrEqualTo(3);
      for (int i = 0; i < 100; i++) {
        assertThat(shown.get(i)).matches(TIME + "alice: " + (i + 1) + " x+");
      }
      alice.send("/history more");
      alice.expect("! there is no more to show: the last history answer was whole");
    }
    try (TestClient jay = TestClient.json(port, "jay")) {
      jay.readJson("history");
      jay.send(history("lobby", "all").put("limit", 1000));
      JsonObject page = jay.readJson("history");
      assertThat(page.getBoolean("complete")).isTrue();
      JsonObject more = page.getJsonObject("more");
      long firstShown = page.getJsonArray("messages").getJsonObject(0).getLong("seq");
      assertThat(more.getLong("beforeSeq")).isEqualTo(firstShown);
      assertThat(more.getInteger("limit")).isEqualTo(1000 - page.getJsonArray("messages").size());
      assertThat(page.encode().length()).isLessThanOrEqualTo(32 << 10);
    }
  }

  @Test
  void aReconnectingProgramCatchesUpOnExactlyWhatItMissed(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject());
    try (TestClient alice = TestClient.text(port, "alice")) {
      long lastSeen;
      try (TestClient jay = TestClient.json(port, "jay")) {
        jay.readJson("history");
        alice.send("seen");
        lastSeen = jay.readJson("message").getLong("seq");
      }
      alice.expect("* jay has joined #lobby");
      alice.expect("* jay has left #lobby (connection closed)");
      alice.send("missed 1");
      alice.send("missed 2");
      // A round trip through the router: both are in before jay comes back.
      alice.send("/who");
      alice.expect("* 1 in #lobby: alice");
      try (TestClient jay = TestClient.json(port, "jay")) {
        jay.readJson("history");
        jay.send(history("lobby", "catch-up").put("afterSeq", lastSeen));
        JsonObject page = jay.readJson("history");
        assertThat(page.getString("ref")).isEqualTo("catch-up");
        assertThat(page.getBoolean("complete")).isTrue();
        JsonArray events = page.getJsonArray("messages");
        for (int i = 0; i < events.size(); i++) {
          assertThat(events.getJsonObject(i).getLong("seq")).isEqualTo(lastSeen + 1 + i);
        }
        assertThat(events.getJsonObject(0).getString("type")).isEqualTo("leave");
        assertThat(texts(events)).containsExactly("missed 1", "missed 2");
        assertThat(events.getJsonObject(events.size() - 1).getString("type")).isEqualTo("join");
      }
    }
  }

  @Test
  void anAcknowledgedMessageIsInTheHistory(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject());
    try (TestClient jay = TestClient.json(port, "jay")) {
      jay.readJson("history");
      jay.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "kept").put("ref", 1));
      JsonObject ack = jay.readJson("ack");
      jay.send(history("lobby", 2).put("beforeSeq", ack.getLong("seq") + 1).put("limit", 1));
      JsonArray messages = jay.readJson("history").getJsonArray("messages");
      assertThat(messages.getJsonObject(0).getString("id")).isEqualTo(ack.getString("id"));
      assertThat(messages.getJsonObject(0).getString("text")).isEqualTo("kept");
    }
  }

  @Test
  void ircClientsFindStoredMessagesByIdAndTime(Vertx vertx) {
    TestNode node = node(vertx, freshStore(), new JsonObject());
    try (TestClient jay = TestClient.json(node.port(), "jay");
         IrcClient ann = IrcClient.registered(node.ircPort(), "ann", "batch draft/chathistory message-tags server-time")) {
      jay.readJson("history");
      List<JsonObject> acks = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        jay.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "s" + i).put("ref", i));
        // Acknowledged once stored: each is read from the store, none from what waits to be written.
        acks.add(jay.readJson("ack"));
      }
      String first = "msgid=" + acks.get(0).getString("id");
      String third = "msgid=" + acks.get(2).getString("id");
      String last = "msgid=" + acks.get(4).getString("id");
      List<String> lines = ann.batch("CHATHISTORY AFTER #lobby " + third + " 10", "chathistory #lobby");
      assertThat(IrcClient.texts(lines)).as("read by someone outside the room").containsExactly("s3", "s4");
      assertThat(lines.get(0)).contains(";msgid=" + acks.get(3).getString("id") + " ");
      assertThat(IrcClient.texts(ann.batch("CHATHISTORY BEFORE #lobby " + third + " 10", "chathistory #lobby")))
        .containsExactly("s0", "s1");
      assertThat(IrcClient.texts(ann.batch("CHATHISTORY AROUND #lobby " + third + " 3", "chathistory #lobby")))
        .containsExactly("s1", "s2", "s3");
      assertThat(IrcClient.texts(ann.batch("CHATHISTORY BETWEEN #lobby " + last + " " + first + " 10", "chathistory #lobby")))
        .containsExactly("s1", "s2", "s3");
      long t2 = acks.get(2).getLong("ts");
      List<String> before = new ArrayList<>();
      for (int i = 0; i < acks.size(); i++) {
        if (acks.get(i).getLong("ts") < t2) {
          before.add("s" + i);
        }
      }
      assertThat(IrcClient.texts(ann.batch("CHATHISTORY BEFORE #lobby timestamp=" + Instant.ofEpochMilli(t2) + " 10",
        "chathistory #lobby"))).containsExactlyElementsOf(before);
    }
  }

  @Test
  void whatRetentionPrunedIsReportedIncomplete(Vertx vertx) {
    int port = start(vertx, freshStore(), new JsonObject().put("persistence", new JsonObject()
      .put("retention", new JsonObject().put("maxEventsPerRoom", 5).put("interval", "50ms"))));
    try (TestClient alice = TestClient.text(port, "alice"); TestClient jay = TestClient.json(port, "jay")) {
      jay.readJson("history");
      for (int i = 1; i <= 12; i++) {
        alice.send("m" + i);
      }
      assertThat(jay.readJson("message").getString("text")).isEqualTo("m1");
      await().atMost(TestClient.READ_TIMEOUT).untilAsserted(() -> {
        jay.send(history("lobby", "all").put("afterSeq", 0));
        JsonObject page = jay.readJson("history");
        assertThat(page.getBoolean("complete")).isFalse();
        assertThat(page.getJsonArray("messages")).hasSize(5);
        assertThat(texts(page.getJsonArray("messages"))).containsExactly("m8", "m9", "m10", "m11", "m12");
      });
      alice.send("/history 20");
      assertThat(alice.readUntil(l -> l.startsWith("* the last")))
        .isEqualTo("* the last 5 messages in #lobby, older ones are no longer kept (times in UTC):");
    }
  }

  @Test
  void aTopicOutlivesTheRoomsMembersAndTheNode() throws Exception {
    JsonObject store = freshStore();
    Vertx first = Vertx.vertx();
    try {
      TestNode node = node(first, store, new JsonObject());
      try (TestClient jay = TestClient.json(node.port(), "jay")) {
        jay.readJson("history");
        jay.send(new JsonObject().put("op", "join").put("room", "rust").put("ref", 1));
        assertThat(jay.readJson("joined").containsKey("topic")).isFalse();
        jay.send(new JsonObject().put("op", "topic").put("room", "rust").put("topic", "all about Rust").put("ref", 2));
        assertThat(jay.readJson("topic").getJsonObject("topic").getString("text")).isEqualTo("all about Rust");
      }
      node.stop().await(30, TimeUnit.SECONDS);
    } finally {
      first.close().await(30, TimeUnit.SECONDS);
    }
    Vertx second = Vertx.vertx();
    try {
      int port = start(second, store, new JsonObject());
      try (TestClient kim = TestClient.json(port, "kim")) {
        kim.readJson("history");
        kim.send(new JsonObject().put("op", "join").put("room", "rust").put("ref", 1));
        JsonObject topic = kim.readJson("joined").getJsonObject("topic");
        assertThat(topic.getString("text")).isEqualTo("all about Rust");
        assertThat(topic.getString("by")).isEqualTo("jay");
        kim.send(new JsonObject().put("op", "history").put("room", "rust").put("ref", 2));
        JsonObject history = kim.readJson("history");
        while (!Integer.valueOf(2).equals(history.getInteger("ref"))) {
          history = kim.readJson("history");
        }
        assertThat(history.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("type")))
          .as("the change is in the room's history").contains("topic_set");
      }
    } finally {
      second.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void numberingAndHistoryContinueAcrossARestart() throws Exception {
    JsonObject store = freshStore();
    long before;
    Vertx first = Vertx.vertx();
    try {
      TestNode node = node(first, store, new JsonObject());
      try (TestClient jay = TestClient.json(node.port(), "jay")) {
        jay.readJson("history");
        jay.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "before").put("ref", 1));
        before = jay.readJson("ack").getLong("seq");
      }
      node.stop().await(30, TimeUnit.SECONDS);
    } finally {
      first.close().await(30, TimeUnit.SECONDS);
    }
    Vertx second = Vertx.vertx();
    try {
      int port = start(second, store, new JsonObject());
      try (TestClient jay = TestClient.hello(port, "jay")) {
        JsonObject joined = jay.readJson();
        // A clean stop: the numbering goes on from where it was, without a gap.
        assertThat(joined.getLong("seq")).isGreaterThan(before).isLessThan(before + 5);
        assertThat(texts(jay.readJson("history").getJsonArray("messages"))).containsExactly("before");
      }
    } finally {
      second.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aShutdownInTheMiddleOfABurstLosesNothingThatWasRelayed() throws Exception {
    JsonObject store = freshStore();
    JsonObject unlimited = new JsonObject()
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .put("history", new JsonObject().put("maxPerRequest", 100_000));
    Set<String> relayed = new HashSet<>();
    Vertx first = Vertx.vertx();
    try {
      TestNode node = node(first, store, unlimited);
      try (TestClient talker = TestClient.text(node.port(), "talker");
           TestClient listener = TestClient.text(node.port(), "listener")) {
        talker.sendRaw("burst\n".repeat(1).concat(numberedLines(3000)).getBytes(StandardCharsets.US_ASCII));
        assertThat(listener.readLine()).isEqualTo("talker: burst");
        io.vertx.core.Future<Void> closed = node.stop();
        for (String line : listener.readUntilClosed()) {
          if (line.startsWith("talker: ")) {
            relayed.add(line.substring("talker: ".length()));
          }
        }
        closed.await(30, TimeUnit.SECONDS);
      }
    } finally {
      first.close().await(30, TimeUnit.SECONDS);
    }
    Vertx second = Vertx.vertx();
    try {
      int port = start(second, store, unlimited);
      try (TestClient jay = TestClient.json(port, "jay")) {
        jay.readJson("history");
        Set<String> stored = new HashSet<>();
        JsonObject page = new JsonObject().put("afterSeq", 0).put("limit", 100_000);
        int pages = 0;
        do {
          jay.send(history("lobby", ++pages).mergeIn(page));
          JsonObject answer = jay.readJson("history");
          stored.addAll(texts(answer.getJsonArray("messages")));
          page = answer.getJsonObject("more");
        } while (page != null);
        assertThat(pages).as("answers are bounded in bytes: the history comes in pages").isGreaterThan(1);
        assertThat(stored).containsAll(relayed);
      }
    } finally {
      second.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyAcknowledgedMessageSurvivesAKilledProcess() throws Exception {
    int port = ChatbusProcess.freePort();
    JsonObject conf = new JsonObject().put("persistence", freshStore())
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()));
    Set<String> acked = new HashSet<>();
    long highestAcked = 0;
    ChatbusProcess first = ChatbusProcess.listening(port, conf);
    try (TestClient jay = TestClient.json(port, "jay")) {
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 400; i++) {
        burst.append(new JsonObject().put("op", "say").put("room", "lobby").put("text", "m" + i).put("ref", i).encode()).append('\n');
      }
      jay.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
      while (acked.size() < 200) {
        JsonObject ack = jay.readJson("ack");
        acked.add(ack.getString("id"));
        highestAcked = Math.max(highestAcked, ack.getLong("seq"));
      }
      // SIGKILL while more acknowledgements are on their way: no shutdown, no flush.
      first.kill();
    } finally {
      first.process().destroyForcibly();
    }
    ChatbusProcess second = ChatbusProcess.listening(port, conf.copy().put("history", new JsonObject().put("maxPerRequest", 10_000)));
    try (TestClient jay = TestClient.hello(port, "jay")) {
      // The numbering goes on from what the store holds (in a new epoch: numbers given out live but never
      // stored before the crash may come again), so past every acknowledged message.
      assertThat(jay.readJson("joined").getLong("seq")).isGreaterThan(highestAcked);
      jay.readJson("history");
      jay.send(history("lobby", 1).put("afterSeq", 0).put("limit", 10_000));
      JsonArray messages = jay.readJson("history").getJsonArray("messages");
      Set<String> stored = new HashSet<>();
      for (int i = 0; i < messages.size(); i++) {
        stored.add(messages.getJsonObject(i).getString("id"));
      }
      assertThat(stored).containsAll(acked);
    } finally {
      second.process().destroyForcibly();
    }
  }

  private static String numberedLines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("line ").append(i).append('\n');
    }
    return sb.toString();
  }
}
