package dev.chatbus.cluster;

import dev.chatbus.support.ChatbusProcess;
import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestCluster;
import dev.chatbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node in a JVM of its own, killed with SIGKILL while its users talk with users of a node in this JVM:
 * they leave every room with a notice, their names are free again, and its rooms go on elsewhere.
 */
@Tag("cluster")
class NodeFailureTest {

  private TestCluster cluster;
  private ChatbusProcess other;

  @AfterEach
  void stop() throws Exception {
    if (other != null) {
      other.kill();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledNodesUsersLeaveAndItsRoomsGoOn() throws Exception {
    JsonObject shared = new JsonObject()
      .put("persistence", Postgres.persistence(Postgres.freshSchemaUrl()))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()));
    cluster = new TestCluster(shared);
    cluster.start("node-a");
    int port = ChatbusProcess.freePort();
    other = ChatbusProcess.listening(port, shared.copy()
      .put("node", new JsonObject().put("name", "node-k"))
      .put("cluster", cluster.settings()));
    Ring ring = Ring.of("node-a").with("node-k");
    String room = "room0";
    for (int i = 0; !ring.owner(room).equals("node-k"); i++) {
      room = "room" + i;
    }

    try (TestClient alice = TestClient.json(cluster.port("node-a"), "alice");
         TestClient kim = TestClient.json(port, "kim")) {
      kim.send(new JsonObject().put("op", "join").put("room", room));
      kim.readJson("joined");
      alice.send(new JsonObject().put("op", "join").put("room", room));
      alice.readJson("joined");
      kim.send(new JsonObject().put("op", "say").put("room", room).put("text", "said on node-k").put("ref", 1));
      long acked = kim.readJson("ack").getLong("seq");
      JsonObject said = readEvent(alice, "message", room);
      assertThat(said.getLong("seq")).isEqualTo(acked);

      long killed = System.nanoTime();
      other.kill();
      other = null;
      // The two rooms are taken up at once, each announcing kim's leave when it is: in either order.
      Map<String, JsonObject> left = new HashMap<>();
      while (left.size() < 2) {
        JsonObject leave = alice.readJson("leave");
        left.put(leave.getString("room"), leave);
      }
      long noticeMillis = (System.nanoTime() - killed) / 1_000_000;
      JsonObject leftLobby = left.get("lobby");
      assertThat(leftLobby.getString("name")).isEqualTo("kim");
      assertThat(leftLobby.getString("reason")).isEqualTo("connection lost: node-k left the network");
      JsonObject leftRoom = left.get(room);
      assertThat(leftRoom.getString("name")).isEqualTo("kim");
      // The room node-k numbered goes on here from the store, in a new epoch.
      assertThat(leftRoom.getLong("seq")).isEqualTo(acked + 1);
      assertThat(leftRoom.getLong("epoch")).isGreaterThan(said.getLong("epoch"));
      System.out.println("node-k killed: its users' leave notices came after " + noticeMillis + " ms");

      try (TestClient kim2 = TestClient.json(cluster.port("node-a"), "kim")) {
        kim2.send(new JsonObject().put("op", "history").put("room", room).put("limit", 100).put("ref", 2));
        List<Long> seqs = new ArrayList<>();
        kim2.readJson("history").getJsonArray("messages").forEach(o -> seqs.add(((JsonObject) o).getLong("seq")));
        assertThat(seqs).doesNotHaveDuplicates().isSorted().contains(acked, acked + 1);
      }
    }
  }

  /**
   * What was said while the room's owner hung (SIGSTOP), and was in flight to it when it died (SIGKILL), is
   * carried out by the room's next owner: the durable says are acknowledged rather than refused, the text line
   * is delivered rather than lost, and each is in the history once, each sender's in its order.
   */
  @Test
  void whatWasInFlightToADeadOwnerIsCarriedOutByTheNext() throws Exception {
    JsonObject shared = new JsonObject()
      .put("persistence", Postgres.persistence(Postgres.freshSchemaUrl()))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()));
    cluster = new TestCluster(shared);
    cluster.start("node-a");
    int port = ChatbusProcess.freePort();
    other = ChatbusProcess.listening(port, shared.copy()
      .put("node", new JsonObject().put("name", "node-k"))
      .put("cluster", cluster.settings()));
    String room = ownedBy(Ring.of("node-a").with("node-k"), "node-k");

    try (TestClient alice = TestClient.json(cluster.port("node-a"), "alice");
         TestClient tom = TestClient.text(cluster.port("node-a"), "tom");
         TestClient wendy = TestClient.json(cluster.port("node-a"), "wendy")) {
      alice.send(new JsonObject().put("op", "join").put("room", room));
      alice.readJson("joined");
      wendy.send(new JsonObject().put("op", "join").put("room", room));
      wendy.readJson("joined");
      tom.send("/join " + room);
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "before").put("ref", 1).put("durable", true));
      assertThat(alice.readJson("ack").getInteger("ref")).isEqualTo(1);

      stop(other.process());
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "held 1").put("ref", 2).put("durable", true));
      tom.send("held 2");
      alice.send(new JsonObject().put("op", "say").put("room", room).put("text", "held 3").put("ref", 3).put("durable", true));
      // Answered by node-a's router after the lines before them: they have been passed on to node-k by then.
      alice.send(new JsonObject().put("op", "whois").put("name", "tom"));
      alice.readJson("whois");
      tom.send("/whois alice");
      tom.readUntil(line -> line.startsWith("* alice ("));
      other.kill();
      other = null;

      List<Integer> acked = new ArrayList<>();
      while (acked.size() < 2) {
        JsonObject o = alice.readJson();
        assertThat(o.getString("type")).as(o.encode()).isNotEqualTo("error");
        if (o.getString("type").equals("ack")) {
          acked.add(o.getInteger("ref"));
        }
      }
      assertThat(acked).containsExactly(2, 3);
      List<String> said = new ArrayList<>();
      while (said.size() < 4) {
        said.add(readEvent(wendy, "message", room).getString("text"));
      }
      // Each once, and alice's in her order (tom's line and hers came from two sockets: either may be first).
      assertThat(said).containsExactlyInAnyOrder("before", "held 1", "held 2", "held 3").startsWith("before");
      assertThat(said.indexOf("held 1")).isLessThan(said.indexOf("held 3"));
      assertThat(tom.drain()).noneMatch(line -> line.startsWith("! "));
      alice.send(new JsonObject().put("op", "history").put("room", room).put("limit", 100).put("ref", 4));
      List<String> stored = new ArrayList<>();
      for (Object o : alice.readJson("history").getJsonArray("messages")) {
        if ("message".equals(((JsonObject) o).getString("type"))) {
          stored.add(((JsonObject) o).getString("text"));
        }
      }
      assertThat(stored).as("the history, in the order delivered").isEqualTo(said);
    }
  }

  private static String ownedBy(Ring ring, String node) {
    String room = "room0";
    for (int i = 0; !ring.owner(room).equals(node); i++) {
      room = "room" + i;
    }
    return room;
  }

  /**
   * Stops {@code p} (SIGSTOP) and waits until every thread of it has stopped: the signal is only queued when
   * {@code kill} returns, and on a busy machine a thread of the JVM can still take in and carry out a message
   * before it stops.
   */
  private static void stop(Process p) throws Exception {
    assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor()).isZero();
    Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
      try (Stream<Path> threads = Files.list(tasks)) {
        return threads.allMatch(NodeFailureTest::stopped);
      }
    });
  }

  /** Whether the thread of {@code task} ({@code /proc/PID/task/TID}) is stopped: state T in its stat. */
  private static boolean stopped(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
    } catch (IOException gone) {
      return true;
    }
  }

  private static JsonObject readEvent(TestClient c, String type, String room) {
    while (true) {
      JsonObject o = c.readJson(type);
      if (room.equals(o.getString("room"))) {
        return o;
      }
    }
  }
}
