package dev.chatbus.cluster;

import dev.chatbus.bus.Addresses;
import dev.chatbus.support.BridgeClient;
import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestCluster;
import dev.chatbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One chat network over three clustered nodes (real Hazelcast on loopback, one PostgreSQL history):
 * what users on different nodes see of each other, and what they see when a node leaves or joins.
 */
@Tag("cluster")
class ClusterTest {

  private TestCluster cluster;

  @BeforeEach
  void cluster() {
    cluster = new TestCluster(new JsonObject()
      .put("persistence", Postgres.persistence(Postgres.freshSchemaUrl()))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .put("http", new JsonObject().put("readToken", "r3ad")));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** A room whose owner, among {@code nodes}, is {@code owner}. */
  private static String roomOwnedBy(String owner, String... nodes) {
    Ring ring = Ring.of(nodes[0]);
    for (String n : nodes) {
      ring = ring.with(n);
    }
    for (int i = 0; ; i++) {
      if (ring.owner("room" + i).equals(owner)) {
        return "room" + i;
      }
    }
  }

  private String[] startThree() {
    String[] nodes = {"node-a", "node-b", "node-c"};
    for (String n : nodes) {
      cluster.start(n);
    }
    return nodes;
  }

  @Test
  void aServiceOnOneNodeTalksWithPeopleOnOthers() {
    String[] nodes = startThree();
    String room = roomOwnedBy("node-c", nodes);
    try (BridgeClient bot = BridgeClient.connect(cluster.node("node-a").bridgePort());
         TestClient bob = TestClient.json(cluster.port("node-b"), "bob")) {
      bot.register(Addresses.apiRoom(room));
      // The owner (node-c) learns of the bot's registration on node-a a moment later: until the bot
      // hears its own probe, a probe may be published before that.
      boolean heard = false;
      for (int i = 0; i < 50 && !heard; i++) {
        bot.request(Addresses.API_SAY, new JsonObject().put("service", "bot").put("room", room).put("text", "probe " + i));
        for (JsonObject f = bot.poll(200); f != null && !heard; f = bot.poll(200)) {
          heard = Addresses.apiRoom(room).equals(f.getString("address"));
        }
      }
      assertThat(heard).as("the bot hears its own messages").isTrue();

      bob.send(new JsonObject().put("op", "join").put("room", room));
      bob.readJson("joined");
      JsonObject join = bot.read(f -> "join".equals(f.getJsonObject("body").getString("type"))).getJsonObject("body");
      assertThat(join.getString("name")).isEqualTo("bob");
      bob.send(new JsonObject().put("op", "say").put("room", room).put("text", "hi bot"));
      JsonObject said = bot.read(f -> "message".equals(f.getJsonObject("body").getString("type"))
        && "bob".equals(f.getJsonObject("body").getString("from"))).getJsonObject("body");
      assertThat(said.getString("text")).isEqualTo("hi bot");
      assertThat(said.getLong("seq")).isEqualTo(join.getLong("seq") + 1);

      JsonObject ack = bot.request(Addresses.API_SAY, new JsonObject().put("service", "bot").put("room", room)
        .put("text", "hi bob")).getJsonObject("body");
      assertThat(ack.getLong("seq")).isEqualTo(said.getLong("seq") + 1);
      JsonObject toBob = bob.readJson("message");
      assertThat(toBob.getString("from")).isEqualTo("bot");
      assertThat(toBob.getBoolean("service")).isTrue();
      JsonObject members = bot.request(Addresses.API_MEMBERS, new JsonObject().put("room", room)).getJsonObject("body");
      assertThat(members.getJsonArray("members").getList()).containsExactly("bob");
    }
  }

  @Test
  void anyNodeShowsEveryNodesFiguresForTheDashboard() throws Exception {
    startThree();
    try (TestClient bob = TestClient.text(cluster.port("node-b"), "bob");
         TestClient carol = TestClient.text(cluster.port("node-c"), "carol");
         TestClient dave = TestClient.text(cluster.port("node-c"), "dave")) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest stats = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node("node-a").httpPort()
        + "/api/v1/stats")).header("Authorization", "Bearer r3ad").build();
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        JsonObject body = new JsonObject(http.send(stats, HttpResponse.BodyHandlers.ofString()).body());
        JsonArray nodes = body.getJsonArray("nodes");
        assertThat(nodes.stream().map(n -> ((JsonObject) n).getString("node") + " " + ((JsonObject) n).getInteger("connections")))
          .containsExactly("node-a 0", "node-b 1", "node-c 2");
        assertThat(body.getJsonObject("cluster").getInteger("nodes")).isEqualTo(3);
        assertThat(body.getJsonObject("cluster").getLong("connections")).isEqualTo(3);
      });
    }
  }

  @Test
  void oneConversationAcrossThreeNodes() {
    startThree();
    try (TestClient alice = TestClient.text(cluster.port("node-a"), "alice");
         TestClient bob = TestClient.json(cluster.port("node-b"), "bob");
         TestClient carol = TestClient.text(cluster.port("node-c"), "carol")) {
      alice.expect("* bob has joined #lobby");
      alice.expect("* carol has joined #lobby");
      assertThat(bob.readJson("join").getString("name")).isEqualTo("carol");

      alice.send("hello from a");
      JsonObject heard = bob.readJson("message");
      assertThat(heard.getString("from")).isEqualTo("alice");
      assertThat(heard.getString("text")).isEqualTo("hello from a");
      carol.expect("alice: hello from a");
      bob.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "and from b").put("ref", 1));
      assertThat(bob.readJson("ack").getLong("seq")).isEqualTo(heard.getLong("seq") + 1);
      alice.expect("bob: and from b");
      carol.expect("bob: and from b");

      carol.send("/who");
      String who = carol.expectStartsWith("* 3 in #lobby: ");
      assertThat(who.substring("* 3 in #lobby: ".length()).split(", ")).containsExactlyInAnyOrder("alice", "bob", "carol");
      alice.send("/join rust");
      alice.expectStartsWith("* you are now in #rust");
      carol.expect("* alice has left #lobby");
      carol.send("/rooms");
      carol.expect("* 2 rooms: #lobby (2), #rust (1)");

      carol.send("/msg ALICE psst");
      alice.expect("[pm] carol: psst");
      bob.send(new JsonObject().put("op", "msg").put("to", "carol").put("text", "hi carol").put("ref", 2));
      bob.readJson("ack");
      carol.expect("[pm] bob: hi carol");

      try (TestClient again = TestClient.connect(cluster.port("node-b"))) {
        again.expectStartsWith("* chatbus");
        again.send("Alice");
        again.expect("! the name Alice is taken");
      }
    }
  }

  @Test
  void everyNodeSeesOneOrderUnderConcurrentSenders() throws Exception {
    String[] nodes = startThree();
    int perSender = 300;
    List<TestClient> watchers = new ArrayList<>();
    List<TestClient> senders = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(nodes.length);
    try {
      for (String n : nodes) {
        TestClient w = TestClient.json(cluster.port(n), "watch-" + n.substring(5));
        w.send(new JsonObject().put("op", "join").put("room", "order"));
        w.readJson("joined");
        watchers.add(w);
      }
      for (String n : nodes) {
        TestClient s = TestClient.json(cluster.port(n), "send-" + n.substring(5));
        s.send(new JsonObject().put("op", "join").put("room", "order"));
        s.readJson("joined");
        senders.add(s);
      }
      List<Future<?>> sent = new ArrayList<>();
      for (TestClient s : senders) {
        sent.add(pool.submit(() -> {
          for (int i = 0; i < perSender; i++) {
            s.send(new JsonObject().put("op", "say").put("room", "order").put("text", "m" + i));
          }
        }));
      }
      for (Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
      List<List<String>> seen = new ArrayList<>();
      for (TestClient w : watchers) {
        List<String> order = new ArrayList<>();
        long lastSeq = -1;
        while (order.size() < perSender * senders.size()) {
          JsonObject m = w.readJson("message");
          if (lastSeq >= 0) {
            assertThat(m.getLong("seq")).as("seqs as one owner gives them").isEqualTo(lastSeq + 1);
          }
          lastSeq = m.getLong("seq");
          order.add(m.getString("from") + ":" + m.getString("text") + "@" + m.getLong("seq"));
        }
        seen.add(order);
      }
      assertThat(seen.get(1)).isEqualTo(seen.get(0));
      assertThat(seen.get(2)).isEqualTo(seen.get(0));
    } finally {
      pool.shutdownNow();
      watchers.forEach(TestClient::close);
      senders.forEach(TestClient::close);
    }
  }

  @Test
  void aNameIsTakenOnceUnderConcurrentLoginsOnEveryNode() throws Exception {
    String[] nodes = startThree();
    int names = 15;
    ExecutorService pool = Executors.newFixedThreadPool(nodes.length);
    List<TestClient> clients = new ArrayList<>();
    try {
      List<Future<List<String>>> outcomes = new ArrayList<>();
      for (String n : nodes) {
        int port = cluster.port(n);
        outcomes.add(pool.submit(() -> {
          List<String> won = new ArrayList<>();
          for (int i = 0; i < names; i++) {
            TestClient c = TestClient.connect(port);
            synchronized (clients) {
              clients.add(c);
            }
            c.expectStartsWith("* chatbus");
            c.send("user" + i);
            String answer = c.readLine();
            if (answer.startsWith("* welcome")) {
              won.add("user" + i);
            } else {
              assertThat(answer).isEqualTo("! the name user" + i + " is taken");
            }
          }
          return won;
        }));
      }
      List<String> winners = new ArrayList<>();
      for (Future<List<String>> f : outcomes) {
        winners.addAll(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(winners).hasSize(names).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
      synchronized (clients) {
        clients.forEach(TestClient::close);
      }
    }
  }

  @Test
  void aNodeStoppedGracefullyHandsItsRoomsOn() {
    startThree();
    String room = roomOwnedBy("node-b", "node-a", "node-b", "node-c");
    try (TestClient alice = TestClient.json(cluster.port("node-a"), "alice");
         TestClient bob = TestClient.text(cluster.port("node-b"), "bob");
         TestClient carol = TestClient.json(cluster.port("node-c"), "carol")) {
      join(room, alice, carol);
      bob.send("/join " + room);
      bob.readUntil(l -> l.startsWith("* you are now in #" + room));
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "before"));
      JsonObject before = carol.readJson("message");

      cluster.stop("node-b");
      bob.readUntilClosed();
      JsonObject bobLeft = readEvent(alice, "leave", room);
      assertThat(bobLeft.getString("name")).isEqualTo("bob");
      assertThat(bobLeft.getString("reason")).isEqualTo("server shutting down");
      assertThat(readEvent(carol, "leave", room).getLong("seq")).isEqualTo(bobLeft.getLong("seq"));

      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "after"));
      JsonObject after = readEvent(carol, "message", room);
      assertThat(after.getString("text")).isEqualTo("after");
      assertThat(after.getLong("seq")).as("numbering goes on where node-b left it").isEqualTo(bobLeft.getLong("seq") + 1);
      assertThat(after.getLong("epoch")).as("a new ordering point").isGreaterThan(before.getLong("epoch"));

      alice.send(new JsonObject().put("op", "history").put("room", room).put("limit", 100).put("ref", 7));
      JsonObject fromA = alice.readJson("history");
      carol.send(new JsonObject().put("op", "history").put("room", room).put("limit", 100).put("ref", 7));
      JsonObject fromC = carol.readJson("history");
      assertThat(fromA).isEqualTo(fromC);
      List<Long> seqs = new ArrayList<>();
      fromA.getJsonArray("messages").forEach(o -> seqs.add(((JsonObject) o).getLong("seq")));
      assertThat(seqs).doesNotHaveDuplicates().isSorted().contains(before.getLong("seq"), after.getLong("seq"));
    }
  }

  /**
   * With {@code cluster.expectedSize} 3, a node left alone is in a minority: it takes no room and no name up
   * (what would be numbered on its own and given out twice in a partition), answering retry, and goes on
   * once it reaches a majority again.
   */
  @Test
  void aNodeInAMinorityTakesNoRoomAndNoNameUp() {
    cluster.close();
    cluster = new TestCluster(new JsonObject()
      .put("persistence", Postgres.persistence(Postgres.freshSchemaUrl()))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .put("cluster", new JsonObject().put("expectedSize", 3)));
    startThree();
    String room = roomOwnedBy("node-a", "node-a", "node-b", "node-c");
    try (TestClient alice = TestClient.json(cluster.port("node-a"), "alice");
         TestClient tom = TestClient.text(cluster.port("node-a"), "tom")) {
      join(room, alice);
      cluster.stop("node-b");
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "two of three").put("ref", 1));
      assertThat(alice.readJson("ack").getInteger("ref")).as("two of three are a majority").isEqualTo(1);

      cluster.stop("node-c");
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "alone").put("ref", 2));
      JsonObject refused = alice.readJson("error");
      assertThat(refused.getString("code")).isEqualTo("retry");
      assertThat(refused.getString("message")).contains("only 1 of the network's nodes are in reach");
      tom.send("alone too");
      assertThat(tom.readUntil(l -> l.startsWith("! "))).contains("only 1 of the network's nodes are in reach");
      try (TestClient late = TestClient.connect(cluster.port("node-a"))) {
        late.expectStartsWith("* chatbus");
        late.send("zoe");
        assertThat(late.readUntil(l -> l.startsWith("! "))).contains("only 1 of the network's nodes are in reach");
      }

      cluster.start("node-b");
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "two again").put("ref", 3));
      assertThat(alice.readJson("ack").getInteger("ref")).isEqualTo(3);
      alice.send(new JsonObject().put("op", "history").put("room", room).put("limit", 100).put("ref", 4));
      List<String> said = new ArrayList<>();
      for (Object o : alice.readJson("history").getJsonArray("messages")) {
        if ("message".equals(((JsonObject) o).getString("type"))) {
          said.add(((JsonObject) o).getString("text"));
        }
      }
      assertThat(said).containsExactly("two of three", "two again");
    }
  }

  @Test
  void withoutAStoreAStoppingNodeHandsItsNumberingOn() {
    cluster.close();
    cluster = new TestCluster(new JsonObject().put("persistence", new JsonObject().put("store", "none")));
    cluster.start("node-a");
    cluster.start("node-b");
    String room = roomOwnedBy("node-b", "node-a", "node-b");
    try (TestClient alice = TestClient.json(cluster.port("node-a"), "alice");
         TestClient bob = TestClient.json(cluster.port("node-b"), "bob")) {
      join(room, bob, alice);
      bob.send(new JsonObject().put("op", "say").put("room", room).put("text", "from node-b"));
      JsonObject before = readEvent(alice, "message", room);

      cluster.stop("node-b");
      JsonObject bobLeft = readEvent(alice, "leave", room);
      // Nothing is stored, so only node-b's goodbye can say where the numbering got to.
      assertThat(bobLeft.getLong("seq")).isEqualTo(before.getLong("seq") + 1);
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "still here").put("ref", 1));
      assertThat(alice.readJson("ack").getLong("seq")).isEqualTo(bobLeft.getLong("seq") + 1);
    }
  }

  @Test
  void twoQuickRenamesFreeTheNameInBetween() {
    cluster.start("node-a");
    cluster.start("node-b");
    try (TestClient jay = TestClient.json(cluster.port("node-a"), "jay")) {
      jay.send(new JsonObject().put("op", "nick").put("name", "jaybird").put("ref", 1));
      jay.send(new JsonObject().put("op", "nick").put("name", "jjj").put("ref", 2));
      jay.readJson("renamed");
      assertThat(jay.readJson("renamed").getString("name")).isEqualTo("jjj");
      try (TestClient other = TestClient.json(cluster.port("node-b"), "jaybird")) {
        other.send(new JsonObject().put("op", "who").put("room", "lobby").put("ref", 3));
        assertThat(other.readJson("who").getJsonArray("members")).containsExactly("jjj", "jaybird");
      }
    }
  }

  @Test
  void aNodeJoiningTakesUpItsShareOfTheRooms() {
    cluster.start("node-a");
    cluster.start("node-b");
    String room = roomOwnedBy("node-c", "node-a", "node-b", "node-c");
    try (TestClient alice = TestClient.json(cluster.port("node-a"), "alice");
         TestClient bob = TestClient.json(cluster.port("node-b"), "bob")) {
      join(room, alice, bob);
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "first"));
      JsonObject first = readEvent(bob, "message", room);

      cluster.start("node-c");
      try (TestClient carol = TestClient.json(cluster.port("node-c"), "carol")) {
        carol.send(new JsonObject().put("op", "join").put("room", room).put("ref", 1));
        JsonObject joined = carol.readJson("joined");
        assertThat(joined.getJsonArray("members")).containsExactlyInAnyOrder("alice", "bob", "carol");
        JsonObject carolJoined = readEvent(alice, "join", room);
        while (!"carol".equals(carolJoined.getString("name"))) {
          carolJoined = readEvent(alice, "join", room);
        }
        assertThat(carolJoined.getLong("seq")).isEqualTo(first.getLong("seq") + 1);
        assertThat(carolJoined.getLong("epoch")).isGreaterThan(first.getLong("epoch"));
        assertThat(readEvent(bob, "join", room)).isEqualTo(carolJoined);

        bob.send(new JsonObject().put("op", "say").put("room", room).put("text", "welcome carol"));
        JsonObject welcome = readEvent(carol, "message", room);
        assertThat(welcome.getLong("seq")).isEqualTo(carolJoined.getLong("seq") + 1);
        assertThat(readEvent(alice, "message", room)).isEqualTo(welcome);
      }
    }
  }

  /** Has each JSON client join {@code room}, one after another. */
  private static void join(String room, TestClient... clients) {
    for (TestClient c : clients) {
      c.send(new JsonObject().put("op", "join").put("room", room));
      c.readJson("joined");
    }
  }

  /** The next event of {@code type} in {@code room}, skipping others. */
  private static JsonObject readEvent(TestClient c, String type, String room) {
    while (true) {
      JsonObject o = c.readJson(type);
      if (room.equals(o.getString("room"))) {
        return o;
      }
    }
  }
}
