package dev.chatbus.bench;

import dev.chatbus.support.TestNode;
import dev.chatbus.support.TestTls;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator against a real node: what it counts, and that a clean run is reported as one. */
@ExtendWith(VertxExtension.class)
class BenchTest {

  private final TestTls certs = TestTls.create();
  private TestNode node;
  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    node = TestNode.start(vertx, new JsonObject().put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .put("tls", certs.settings()));
    port = node.port();
  }

  private JsonObject bench(String... opts) throws Exception {
    Map<String, String> map = new HashMap<>(Map.of("protocol", "chatbus", "port", Integer.toString(port),
      "warmup", "0.2", "duration", "1", "drain", "10"));
    for (int i = 0; i < opts.length; i += 2) {
      map.put(opts[i], opts[i + 1]);
    }
    return Bench.run(map);
  }

  @Test
  void fanOutAsFastAsTheWindowAllowsLosesNothing() throws Exception {
    JsonObject r = bench("scenario", "fanout", "clients", "20", "senders", "3");
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getInteger("connected")).isEqualTo(20);
    assertThat(r.getLong("sent")).isPositive();
    assertThat(r.getLong("deliveriesPerSec")).isPositive();
    assertThat(r.getLong("lost")).isZero();
    assertThat(r.getLong("outOfOrder")).isZero();
    assertThat(r.getInteger("disconnects")).isZero();
    assertThat(r.getDouble("p50Ms")).isLessThanOrEqualTo(r.getDouble("p99Ms"));
  }

  @Test
  void overTlsEveryClientHandshakesAndNothingIsLost() throws Exception {
    for (String[] p : new String[][] {{"chatbus", Integer.toString(node.tlsPort())}, {"irc", Integer.toString(node.ircTlsPort())}}) {
      JsonObject r = bench("scenario", "fanout", "clients", "20", "senders", "3", "protocol", p[0], "port", p[1],
        "tls", certs.authorityFile());
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getBoolean("tls")).isTrue();
      assertThat(r.getInteger("connected")).isEqualTo(20);
      assertThat(r.getLong("deliveriesPerSec")).isPositive();
      assertThat(r.getLong("lost")).isZero();
      assertThat(r.getLong("outOfOrder")).isZero();
    }
  }

  @Test
  void roomsAtAFixedRateSendOnSchedule() throws Exception {
    JsonObject r = bench("scenario", "rooms", "clients", "12", "rooms", "3", "senders", "3", "rate", "300");
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    // 1.2 s at 300 messages/s: the schedule sends about 360, however fast the node is.
    assertThat(r.getLong("sent")).isBetween(300L, 400L);
    assertThat(r.getLong("lost")).isZero();
  }

  @Test
  void idleClientsAreAllHeld() throws Exception {
    JsonObject r = bench("scenario", "conns", "clients", "30");
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getInteger("held")).isEqualTo(30);
  }

  @Test
  void aMessageTheServerDropsIsCountedLost() throws Exception {
    try (LossyPubSub server = new LossyPubSub(7)) {
      JsonObject r = Bench.run(Map.of("protocol", "redis", "port", Integer.toString(server.port()), "scenario", "fanout",
        "clients", "3", "senders", "1", "rate", "50", "warmup", "0.2", "duration", "1", "drain", "2"));
      assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
      // Message 7 never reached any of the three subscribers.
      assertThat(r.getLong("lost")).isEqualTo(3);
      assertThat(r.getLong("outOfOrder")).isZero();
    }
  }

  @Test
  void theTablePutsServersSideBySide() {
    String table = Table.render(List.of(
      "{\"target\":\"chatbus\",\"scenario\":\"fanout\",\"clients\":100,\"senders\":10,\"rooms\":1,\"rate\":0.0,"
        + "\"window\":64,\"size\":64,\"deliveriesPerSec\":5000000,\"p50Ms\":1.5,\"p99Ms\":4.0,\"p999Ms\":6.0,"
        + "\"maxMs\":9.0,\"lost\":0,\"outOfOrder\":0,\"disconnects\":0,\"serverCpu\":1.0,\"benchCpu\":0.5,\"ok\":true}",
      "{\"target\":\"redis\",\"scenario\":\"fanout\",\"clients\":100,\"senders\":10,\"rooms\":1,\"rate\":0.0,"
        + "\"window\":64,\"size\":64,\"deliveriesPerSec\":4000000,\"p50Ms\":1.0,\"p99Ms\":3.0,\"p999Ms\":5.0,"
        + "\"maxMs\":7.0,\"lost\":2,\"outOfOrder\":0,\"disconnects\":0,\"serverCpu\":0.9,\"benchCpu\":0.5,\"ok\":false}"));
    assertThat(table).contains("### fanout N=100 S=10, as fast as possible (window 64), 64-byte messages");
    assertThat(table).contains("| chatbus | 5,000,000 | 1.5 | 4.0 | 6.0 | 9.0 | 0 | 0 | 0 | 100% | 50% | yes |");
    assertThat(table).contains("| redis | 4,000,000 |");
    assertThat(table).contains("NO: lost, reordered or dropped");
  }
}
