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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

  private static JsonObject readEvent(TestClient c, String type, String room) {
    while (true) {
      JsonObject o = c.readJson(type);
      if (room.equals(o.getString("room"))) {
        return o;
      }
    }
  }
}
