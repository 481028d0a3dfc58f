package dev.chatbus.edge;

import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.support.RawWebSocket;
import dev.chatbus.support.Scrape;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import dev.chatbus.support.TestTls;
import dev.chatbus.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat's WebSocket on the HTTP port, as a browser's page uses it: the JSON-lines protocol one message per
 * frame, in the same rooms as TCP clients, with the client port's limits, over real sockets.
 */
class WebSocketTest {

  private final NodeMetrics metrics = NodeMetrics.create();
  private final Vertx vertx = metrics.vertxBuilder(new VertxOptions()).build();
  private final List<AutoCloseable> clients = new ArrayList<>();
  /** Threads of this test's own for what runs beside it (a flood, a reader), shared with no other test. */
  private final ExecutorService beside = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    beside.shutdownNow();
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private TestNode node(JsonObject overrides) {
    return TestNode.start(vertx, metrics, null, overrides);
  }

  private <T extends AutoCloseable> T keep(T client) {
    clients.add(client);
    return client;
  }

  private static JsonObject say(String text) {
    return new JsonObject().put("op", "say").put("room", "lobby").put("text", text);
  }

  @Test
  void aWebSocketUserTalksWithTcpUsersInTheSameRoom() {
    TestNode node = node(new JsonObject());
    TestClient alice = keep(TestClient.text(node.port(), "alice"));
    TestClient jay = keep(TestClient.json(node.port(), "jay"));
    // Several of them, so that some are handed to an edge instance on another event loop than the HTTP port's.
    List<WsClient> browsers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      browsers.add(keep(WsClient.json(node.httpPort(), "web" + i)));
    }
    alice.readUntil(l -> l.equals("* web3 has joined #lobby"));
    for (int i = 0; i < 4; i++) {
      WsClient web = browsers.get(i);
      web.send(say("hello from the browser " + i).put("ref", i));
      JsonObject ack = web.readJson("ack");
      assertThat(ack.getInteger("ref")).isEqualTo(i);
      assertThat(ack.getLong("seq")).isPositive();
      alice.readUntil(l -> l.startsWith("web"));
    }
    jay.readUntil(l -> l.contains("hello from the browser 3"));
    alice.send("hi browsers");
    for (WsClient web : browsers) {
      JsonObject m = web.readUntil(o -> "message".equals(o.getString("type")) && "alice".equals(o.getString("from")));
      assertThat(m.getString("text")).isEqualTo("hi browsers");
    }
    // One frame is one line: a frame with a line break in it is still one message, never two commands.
    browsers.get(0).send(new JsonObject().put("op", "msg").put("to", "jay").put("text", "a\nb").encode());
    JsonObject pm = jay.readJson("private");
    assertThat(pm.getString("from")).isEqualTo("web0");
    browsers.get(0).send(new JsonObject().put("op", "who").put("room", "lobby").put("ref", "w"));
    JsonObject who = browsers.get(0).readJson("who");
    assertThat(who.getJsonArray("members")).contains("alice", "jay", "web0", "web3");
    browsers.get(0).send(new JsonObject().put("op", "whois").put("name", "web0"));
    assertThat(browsers.get(0).readJson("whois").getJsonArray("people").getJsonObject(0).getString("name"))
      .isEqualTo("web0");
  }

  @Test
  void aLongMessageGetsTheErrorsItGetsOnTcp() {
    TestNode node = node(new JsonObject().put("limits", new JsonObject().put("maxLineBytes", 100)));
    TestClient alice = keep(TestClient.text(node.port(), "alice"));
    WsClient web = keep(WsClient.json(node.httpPort(), "web"));
    web.send(say("t".repeat(200)));
    JsonObject error = web.readJson("error");
    assertThat(error.getString("code")).isEqualTo("too_long");
    assertThat(error.getString("message")).isEqualTo("line too long (the limit is 100 bytes); it was dropped");
    web.send(say("still here"));
    alice.readUntil(l -> l.equals("web: still here"));
    web.readJson("ack");
    // Far over the limit (64 times it) is a client that is broken, as on TCP.
    web.send(say("u".repeat(6400)));
    List<JsonObject> last = web.readUntilClosed();
    assertThat(last).extracting(o -> o.getString("type") + " " + o.getString("code", o.getString("reason")))
      .containsExactly("error too_long", "bye endless_line");
    assertThat(web.closed().status()).isEqualTo(1000);
    alice.readUntil(l -> l.equals("* web has left #lobby (line too long)"));
  }

  @Test
  void aFloodIsSlowedThenCutOffAsOnTcp() {
    TestNode node = node(new JsonObject().put("limits", new JsonObject()
      .put("rate", new JsonObject().put("linesPerSecond", 1).put("burst", 5).put("disconnectAfter", "300ms"))));
    TestClient alice = keep(TestClient.text(node.port(), "alice"));
    WsClient web = keep(WsClient.json(node.httpPort(), "web"));
    // Flooding until the server hangs up: a fixed number of lines may all be read within disconnectAfter.
    CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
      long until = System.nanoTime() + TestClient.READ_TIMEOUT.toNanos();
      try {
        for (int i = 0; System.nanoTime() < until; i++) {
          web.send(say("flood " + i));
        }
      } catch (AssertionError closed) {
        // the server hung up: that is the point
      }
    }, beside);
    List<JsonObject> got = web.readUntilClosed();
    assertThat(got).filteredOn(o -> "error".equals(o.getString("type")))
      .extracting(o -> o.getString("code") + ": " + o.getString("message")).containsExactly("rate_limited: slow down");
    assertThat(got.get(got.size() - 1).getString("reason")).isEqualTo("flooding");
    assertThat(web.closed().status()).isEqualTo(1000);
    flood.join();
    alice.readUntil(l -> l.equals("* web has left #lobby (flooding)"));
  }

  @Test
  void aFrameOverTheFrameLimitEndsTheConnection() throws IOException {
    TestNode node = node(new JsonObject());
    try (RawWebSocket ws = RawWebSocket.open(node.httpPort(), 0)) {
      ws.send(new JsonObject().put("op", "hello").put("name", "web").encode());
      assertThat(new JsonObject(ws.read().text()).getString("type")).isEqualTo("welcome");
      ws.send(say("v".repeat(70_000)).encode());
      // As a line far over the limit on TCP, then WebSocket's own close for a message too big.
      RawWebSocket.Frame bye = ws.read();
      while (!bye.text().contains("\"bye\"")) {
        bye = ws.read();
      }
      assertThat(new JsonObject(bye.text()).getString("reason")).isEqualTo("endless_line");
      RawWebSocket.Frame close = ws.read();
      assertThat(close.opcode()).isEqualTo(8);
      assertThat(close.status()).isEqualTo(1009);
      // The client broke the protocol: its socket is closed without waiting for its close frame.
      assertThat(ws.ended()).isTrue();
    }
  }

  @Test
  void aBrowserThatStopsReadingIsCutOffAndOthersGetEverything() throws IOException {
    TestNode node = node(new JsonObject()
      .put("http", new JsonObject().put("sendBufferBytes", 4096))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate())
        .put("slowConsumer", new JsonObject().put("maxTime", "300ms"))));
    try (RawWebSocket frozen = RawWebSocket.open(node.httpPort(), 4096)) {
      frozen.send(new JsonObject().put("op", "hello").put("name", "frozen").encode());
      assertThat(new JsonObject(frozen.read().text()).getString("type")).isEqualTo("welcome");
      TestClient reader = keep(TestClient.text(node.port(), "reader", 4 << 20));
      TestClient talker = keep(TestClient.text(node.port(), "talker"));
      reader.expect("* talker has joined #lobby");
      // More than the frozen client's socket buffers and its 256 KiB queue hold (it reads them as JSON, each
      // near 200 bytes), less than the reader's socket buffers alone hold (as text, about 110 bytes each): the
      // reader misses nothing however slowly its thread reads, on a machine busy with other tests.
      int total = 3000;
      CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
        List<String> lines = new ArrayList<>();
        while (lines.size() < total + 1) {
          lines.add(reader.readLine());
        }
        return lines;
      }, beside);
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < total; i++) {
        all.append(i).append(' ').append("m".repeat(100)).append('\n');
      }
      talker.sendRaw(all.toString().getBytes(StandardCharsets.US_ASCII));
      List<String> lines = read.join();
      // The frozen client leaves somewhere in the burst, in the room's order; the reader misses nothing.
      assertThat(lines).contains("* frozen has left #lobby (too slow)");
      lines.remove("* frozen has left #lobby (too slow)");
      for (int i = 0; i < total; i++) {
        assertThat(lines.get(i)).isEqualTo("talker: " + i + " " + "m".repeat(100));
      }
    }
  }

  @Test
  void pagesOfOtherSitesAreRefusedUnlessAllowed() {
    TestNode node = node(new JsonObject().put("http", new JsonObject()
      .put("allowedOrigins", new JsonArray().add("https://chat.example.org"))));
    int port = node.httpPort();
    assertThat(WsClient.refusal(port, Map.of("Origin", "https://evil.example"))).isEqualTo(403);
    assertThat(WsClient.refusal(port, Map.of("Origin", "http://127.0.0.1:1"))).isEqualTo(403);
    // The server's own pages, the allowed site, and programs (which send no origin) are let in.
    keep(WsClient.open(port, Map.of("Origin", "http://127.0.0.1:" + port)));
    keep(WsClient.open(port, Map.of("Origin", "https://chat.example.org")));
    keep(WsClient.json(port, "program"));
  }

  @Test
  void theHttpPortsTimeoutsDoNotCutAWebSocketButTheChatsIdleTimeoutDoes() {
    TestNode node = node(new JsonObject()
      .put("http", new JsonObject().put("headerTimeout", "100ms").put("idleTimeout", "100ms"))
      .put("limits", new JsonObject().put("idleTimeout", "1s")));
    WsClient web = keep(WsClient.json(node.httpPort(), "web"));
    long opened = System.nanoTime();
    // Well past both HTTP timeouts, pinging now and then as the web client does, it stays.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
      .until(() -> {
        web.send(new JsonObject().put("op", "ping"));
        return "pong".equals(web.readJson().getString("type"));
      });
    List<JsonObject> last = web.readUntilClosed();
    assertThat(System.nanoTime() - opened).isGreaterThan(Duration.ofSeconds(1).toNanos());
    assertThat(last.get(last.size() - 1).getString("reason")).isEqualTo("idle_timeout");
  }

  @Test
  void aRefusedWebSocketIsToldWhyAndTheCountsFollow() {
    TestNode node = node(new JsonObject().put("limits", new JsonObject().put("maxConnections", 2)));
    WsClient web = keep(WsClient.json(node.httpPort(), "web"));
    keep(TestClient.text(node.port(), "alice"));
    assertThat(WsClient.refusal(node.httpPort(), Map.of())).isEqualTo(503);
    String scrape = Scrape.of(node.httpPort());
    assertThat(Scrape.value(scrape, "chatbus_connections{protocol=\"websocket\"}")).isEqualTo(1);
    // Vert.x counts it no more: it is the chat's connection now.
    assertThat(Scrape.value(scrape, "vertx_http_server_active_ws_connections")).isEqualTo(0);
    web.send(new JsonObject().put("op", "quit"));
    assertThat(web.readUntilClosed()).last().matches(o -> "bye".equals(o.getString("type")));
    await().atMost(Duration.ofSeconds(5))
      .until(() -> Scrape.value(Scrape.of(node.httpPort()), "chatbus_connections{protocol=\"websocket\"}") == 0);
    keep(WsClient.json(node.httpPort(), "again"));
  }

  @Test
  void aRegisteredNameTakesItsPasswordOverTheWebSocketToo() {
    TestNode node = node(new JsonObject());
    WsClient jay = keep(WsClient.json(node.httpPort(), "jay"));
    jay.send(new JsonObject().put("op", "register").put("password", "correct horse").put("ref", 1));
    assertThat(jay.readJson("registered").getString("account")).isEqualTo("jay");
    jay.send(new JsonObject().put("op", "quit"));
    jay.readUntilClosed();
    WsClient again = keep(WsClient.open(node.httpPort()));
    again.send(new JsonObject().put("op", "hello").put("name", "jay"));
    assertThat(again.readJson().getString("code")).isEqualTo("password_required");
    again.send(new JsonObject().put("op", "hello").put("name", "jay").put("password", "guess"));
    assertThat(again.readJson().getString("code")).isEqualTo("wrong_password");
    again.send(new JsonObject().put("op", "hello").put("name", "jay").put("password", "correct horse"));
    assertThat(again.readJson().getString("type")).isEqualTo("welcome");
    again.send(new JsonObject().put("op", "whois").put("name", "jay"));
    assertThat(again.readJson("whois").getJsonArray("people").getJsonObject(0).getString("account")).isEqualTo("jay");
  }

  @Test
  void overTlsOnTheHttpsPort() {
    TestTls certs = TestTls.create();
    TestNode node = node(new JsonObject().put("tls", certs.settings()));
    TestClient alice = keep(TestClient.text(node.port(), "alice"));
    WsClient web = keep(WsClient.hello(WsClient.open(node.httpTlsPort(), certs.client(false)), "web"));
    alice.readUntil(l -> l.equals("* web has joined #lobby"));
    web.send(say("secure hello"));
    alice.readUntil(l -> l.equals("web: secure hello"));
    web.send(new JsonObject().put("op", "whois").put("name", "web"));
    assertThat(web.readJson("whois").getJsonArray("people").getJsonObject(0).getBoolean("secure")).isTrue();
  }

  @Test
  void aGracefulShutdownSaysGoodbye() {
    TestNode node = node(new JsonObject());
    WsClient web = keep(WsClient.json(node.httpPort(), "web"));
    node.stop();
    List<JsonObject> last = web.readUntilClosed();
    assertThat(last.get(last.size() - 1).getString("reason")).isEqualTo("shutting_down");
    assertThat(web.closed().status()).isEqualTo(1000);
  }
}
