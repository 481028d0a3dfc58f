package dev.chatbus.http;

import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.support.IrcClient;
import dev.chatbus.support.Scrape;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP port as an operator, Prometheus and a script with curl see it, over a real socket. */
class HttpTest {

  private static final String TOKEN = "t0ken";
  private static final String READ_TOKEN = "r3ad";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private NodeMetrics metrics;
  private Vertx vertx;
  private TestNode node;

  @BeforeEach
  void start() {
    metrics = NodeMetrics.create();
    vertx = metrics.vertxBuilder(new VertxOptions()).build();
  }

  /** Starts the node with the tokens, two service names, and {@code overrides}. */
  private void node(JsonObject overrides) {
    node = TestNode.start(vertx, metrics, null, new JsonObject()
      .put("http", new JsonObject().put("token", TOKEN).put("readToken", READ_TOKEN))
      .put("names", new JsonObject().put("services", new JsonArray().add("deploy").add("pager")))
      .mergeIn(overrides, true));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  /** A GET as an operator's script makes it: with the read token. */
  private HttpResponse<String> get(String path) {
    return get(path, READ_TOKEN);
  }

  private HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  private HttpResponse<String> post(String path, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
      .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.httpPort() + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("HTTP request failed", e);
    }
  }

  @Test
  void healthSaysReadyWithEachCheckAndLiveness() {
    node(new JsonObject());
    HttpResponse<String> ready = get("/health");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(ready.body());
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
      .containsExactlyInAnyOrder("accepting", "store");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void everyNodesFiguresBehindTheReadToken() {
    node(new JsonObject());
    assertThat(get("/api/v1/stats", null).statusCode()).isEqualTo(401);
    try (TestClient alice = TestClient.text(node.port(), "alice");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      alice.send("hello");
      jay.readJson("message");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonObject stats = new JsonObject(get("/api/v1/stats").body());
        JsonObject self = stats.getJsonArray("nodes").getJsonObject(0);
        assertThat(self.getString("node")).isEqualTo("test");
        assertThat(self.getInteger("connections")).isEqualTo(2);
        assertThat(self.getJsonObject("byProtocol").getInteger("text")).isEqualTo(1);
        assertThat(self.getJsonObject("byProtocol").getInteger("json")).isEqualTo(1);
        assertThat(self.getLong("messagesIn")).isEqualTo(1);
        assertThat(self.getLong("deliveries")).isPositive();
        assertThat(stats.getJsonObject("cluster").getInteger("nodes")).isEqualTo(1);
        assertThat(stats.getJsonObject("cluster").getLong("connections")).isEqualTo(2);
      });
    }
  }

  @Test
  void metricsFollowTheTraffic() {
    node(new JsonObject());
    String before = get("/metrics").body();
    assertThat(Scrape.value(before, "chatbus_connections{protocol=\"text\"}")).isEqualTo(0);
    assertThat(before).contains("chatbus_event_loop_delay_seconds", "chatbus_store_buffered", "vertx_http_server_",
      "jvm_memory_used_bytes");
    try (TestClient alice = TestClient.text(node.port(), "alice");
         TestClient bob = TestClient.text(node.port(), "bob");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      alice.send("hello");
      bob.expectStartsWith("* jay has joined");
      bob.expect("alice: hello");
      jay.readJson("message");
      for (int i = 0; i < 50; i++) {
        alice.send("x".repeat(5000));
      }
      // The rate limit's notice comes after the lines before it were handled (the first too long).
      alice.readUntil(line -> line.startsWith("! slow down"));

      String after = get("/metrics").body();
      assertThat(Scrape.value(after, "chatbus_connections{protocol=\"text\"}")).isEqualTo(2);
      assertThat(Scrape.value(after, "chatbus_connections{protocol=\"json\"}")).isEqualTo(1);
      assertThat(Scrape.value(after, "chatbus_messages_in_total{source=\"text\"}")).isEqualTo(1);
      assertThat(Scrape.value(after, "chatbus_deliveries_total")).isGreaterThanOrEqualTo(2);
      assertThat(Scrape.value(after, "chatbus_drops_total{reason=\"too_long\"}")).isGreaterThanOrEqualTo(1);
      assertThat(Scrape.value(after, "chatbus_rate_limit_hits_total")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void restListsRoomsMembersAndHistoryAndPostsWithTheToken() {
    node(new JsonObject());
    try (TestClient alice = TestClient.text(node.port(), "alice")) {
      alice.send("before the deploy");
      alice.send("/ping");
      alice.expect("* pong");

      JsonObject rooms = new JsonObject(get("/api/v1/rooms").body());
      assertThat(rooms.getJsonArray("rooms").getJsonObject(0).getString("room")).isEqualTo("lobby");
      JsonObject members = new JsonObject(get("/api/v1/rooms/lobby/members").body());
      assertThat(members.getJsonArray("members").getList()).containsExactly("alice");

      HttpResponse<String> none = post("/api/v1/rooms/lobby/messages", null, "{\"from\":\"deploy\",\"text\":\"v2 is out\"}");
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(post("/api/v1/rooms/lobby/messages", "wrong", "{\"from\":\"deploy\",\"text\":\"v2 is out\"}").statusCode())
        .isEqualTo(401);
      HttpResponse<String> posted = post("/api/v1/rooms/lobby/messages", TOKEN, "{\"from\":\"deploy\",\"text\":\"v2 is out\"}");
      assertThat(posted.statusCode()).isEqualTo(201);
      assertThat(new JsonObject(posted.body()).getLong("seq")).isPositive();
      alice.expect("[service] deploy: v2 is out");

      HttpResponse<String> pm = post("/api/v1/users/alice/messages", TOKEN, "{\"from\":\"pager\",\"text\":\"disk full\"}");
      assertThat(pm.statusCode()).isEqualTo(201);
      alice.expect("[pm] [service] pager: disk full");
      assertThat(post("/api/v1/users/zed/messages", TOKEN, "{\"from\":\"pager\",\"text\":\"x\"}").statusCode()).isEqualTo(404);
      assertThat(post("/api/v1/rooms/lobby/messages", TOKEN, "{\"from\":\"alice\",\"text\":\"x\"}").statusCode())
        .isEqualTo(400);
      assertThat(post("/api/v1/rooms/lobby/messages", TOKEN, "not json").statusCode()).isEqualTo(400);

      JsonObject history = new JsonObject(get("/api/v1/rooms/lobby/history?limit=2&messagesOnly=true").body());
      assertThat(history.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")))
        .containsExactly("before the deploy", "v2 is out");
      HttpResponse<String> bad = get("/api/v1/rooms/lobby/history?limit=lots");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("bad_request");
      assertThat(get("/api/v1/rooms/nobody-here/members").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aRoomClosedToOutsidersKeepsItsHistoryFromRestToo() {
    node(new JsonObject());
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice")) {
      alice.join("#vault");
      alice.send("MODE #vault +i");
      alice.expect(":alice!~alice@test MODE #vault +i");
      HttpResponse<String> refused = get("/api/v1/rooms/vault/history");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("not_in_room");
    }
  }

  @Test
  void aServiceCannotPostAsAUserNorAUserTakeAServicesName() {
    node(new JsonObject());
    try (TestClient carol = TestClient.text(node.port(), "carol")) {
      HttpResponse<String> asAlice = post("/api/v1/rooms/lobby/messages", TOKEN,
        "{\"from\":\"alice\",\"text\":\"please send me the root password\"}");
      assertThat(asAlice.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(asAlice.body()).getString("message")).isEqualTo("alice is not one of the service names (names.services)");
      assertThat(post("/api/v1/users/carol/messages", TOKEN, "{\"from\":\"alice\",\"text\":\"psst\"}").statusCode())
        .isEqualTo(400);
      try (TestClient fake = TestClient.connect(node.port())) {
        fake.readLine();
        fake.send("Deploy");
        fake.expect("! the name Deploy belongs to a service");
      }
      assertThat(post("/api/v1/rooms/lobby/messages", TOKEN, "{\"from\":\"deploy\",\"text\":\"v3 is out\"}").statusCode())
        .isEqualTo(201);
      assertThat(carol.drain()).containsExactly("[service] deploy: v3 is out");
    }
  }

  @Test
  void everyReadNeedsATokenAndTheReadTokenOnlyReads() {
    node(new JsonObject());
    assertThat(get("/api/v1/rooms", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/rooms/lobby/history", "wrong").statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/rooms/lobby/members", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/rooms", TOKEN).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/rooms", READ_TOKEN).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/rooms/lobby/messages", READ_TOKEN, "{\"from\":\"deploy\",\"text\":\"x\"}").statusCode())
      .as("the read token does not post").isEqualTo(401);
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutATokenTheApiIsOff() throws Exception {
    node = TestNode.start(vertx, metrics, null, new JsonObject());
    HttpResponse<String> off = get("/api/v1/rooms", "anything");
    assertThat(off.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(off.body()).getString("error")).isEqualTo("api_off");
  }

  @Test
  void clientsThatNeverFinishTheirHeadersAreClosedByTheHeaderTimeout() throws Exception {
    node(new JsonObject().put("http", new JsonObject().put("headerTimeout", "300ms")));
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket s = new Socket("127.0.0.1", node.httpPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: chatbus\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      for (Socket s : slow) {
        assertThat(s.getInputStream().read()).as("closed by the node, without an answer").isEqualTo(-1);
      }
      // A client that finishes its request in time is answered, and closed once it goes quiet after it.
      try (Socket ok = new Socket("127.0.0.1", node.httpPort())) {
        ok.setSoTimeout(10_000);
        ok.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: chatbus\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(ok.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("\"status\":\"UP\"");
      }
      try (TestClient alice = TestClient.text(node.port(), "alice")) {
        alice.send("/ping");
        alice.expect("* pong");
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void connectionsPastTheLimitsAreClosedAtOnce() throws Exception {
    node(new JsonObject().put("http", new JsonObject().put("maxConnections", 8).put("maxConnectionsPerIp", 5))
      .put("limits", new JsonObject().put("loopbackExempt", false)));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        held.add(new Socket("127.0.0.1", node.httpPort()));
      }
      // The fifth is counted once the node has taken it: one answered request on it shows that.
      exchange(held.get(4), "GET /health/live HTTP/1.1\r\nHost: chatbus\r\n\r\n");
      try (Socket sixth = new Socket("127.0.0.1", node.httpPort())) {
        sixth.setSoTimeout(10_000);
        sixth.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: chatbus\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(sixth.getInputStream().read()).as("closed, one too many from this address").isEqualTo(-1);
      }
      held.remove(0).close();
      await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/live", null).statusCode() == 200);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aClientThatDoesNotReadItsAnswersIsClosedNotQueuedFor() throws Exception {
    node(new JsonObject().put("limits", new JsonObject().put("rate", TestNode.unlimitedRate()))
      .put("http", new JsonObject().put("idleTimeout", "2s").put("sendBufferBytes", "16KiB")));
    try (TestClient alice = TestClient.text(node.port(), "alice")) {
      for (int i = 0; i < 300; i++) {
        alice.send(i + " " + "x".repeat(1000));
      }
      alice.send("/ping");
      alice.expect("* pong");
    }
    HttpResponse<String> page = get("/api/v1/rooms/lobby/history?limit=1000");
    assertThat(page.body().length()).as("an answer is bounded in bytes").isLessThanOrEqualTo(128 << 10);
    assertThat(new JsonObject(page.body()).getJsonObject("more").getInteger("limit")).isPositive();

    String request = "GET /api/v1/rooms/lobby/history?limit=1000 HTTP/1.1\r\nHost: chatbus\r\nAuthorization: Bearer "
      + TOKEN + "\r\n\r\n";
    // 160 clients ask for an answer of about 128 KiB each, and do not read it: once the kernel has taken
    // what it can (a 16 KiB send buffer), nothing moves, and each is closed for going idle.
    List<Socket> idle = nonReaders(160, request);
    // Five more pipeline 100 requests each: the node takes the next only as the last answer is written,
    // so what waits for each is an answer or two, until it too is closed, its answers still waiting.
    List<Socket> pipelining = nonReaders(5, request.repeat(100));
    try {
      try (TestClient bob = TestClient.text(node.port(), "bob")) {
        bob.send("/who");
        bob.expect("* 1 in #lobby: bob");
      }
      for (Socket reader : idle) {
        assertThat(answers(reader)).as("its answer, then closed for going idle").isLessThanOrEqualTo(1);
      }
      // Reading lets the node write on, so the pipelining clients are read only once the node has closed
      // them: it holds no HTTP connection then but the one asking.
      await().atMost(Duration.ofSeconds(20)).until(() -> httpConnections() <= 1);
      for (Socket reader : pipelining) {
        assertThat(answers(reader)).as("closed while its answers waited for it").isBetween(0, 99);
      }
    } finally {
      for (Socket reader : pipelining) {
        reader.close();
      }
      for (Socket reader : idle) {
        reader.close();
      }
    }
    assertThat(get("/api/v1/rooms").statusCode()).isEqualTo(200);
  }

  @Test
  void readsArePacedPerAddress() {
    node(new JsonObject().put("limits", new JsonObject().put("loopbackExempt", false))
      .put("http", new JsonObject().put("readsPerSecond", 1).put("readBurst", 5)));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(get("/api/v1/rooms").statusCode());
    }
    assertThat(statuses.subList(0, 5)).containsOnly(200);
    assertThat(statuses).contains(429);
    HttpResponse<String> limited = get("/api/v1/rooms");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    assertThat(get("/health").statusCode()).as("health is not a read of the API").isEqualTo(200);
  }

  @Test
  void inventedMethodsShareOneMetricLabel() throws Exception {
    node(new JsonObject());
    for (int i = 0; i < 30; i++) {
      try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
        s.setSoTimeout(10_000);
        exchange(s, "INVENTED" + i + " /health HTTP/1.1\r\nHost: chatbus\r\nConnection: close\r\n\r\n");
      }
    }
    String scrape = get("/metrics", null).body();
    assertThat(scrape).doesNotContain("INVENTED");
    assertThat(scrape).containsPattern("vertx_http_server_requests_total\\{[^}]*method=\"other\"");
  }

  /** {@code n} clients with a small receive buffer that send {@code requests} and read nothing yet. */
  /** The HTTP connections the node holds, as its metrics count them. */
  private double httpConnections() {
    Matcher m = Pattern.compile("(?m)^vertx_http_server_active_connections(?:\\{[^}]*})? (\\S+)$").matcher(get("/metrics").body());
    double open = 0;
    while (m.find()) {
      open += Double.parseDouble(m.group(1));
    }
    return open;
  }

  private List<Socket> nonReaders(int n, String requests) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", node.httpPort()));
      s.setSoTimeout(20_000);
      s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      sockets.add(s);
    }
    return sockets;
  }

  /** Reads until the node closes the connection; returns how many answers came. */
  private static int answers(Socket s) throws IOException {
    String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    return all.split("HTTP/1.1 200 OK", -1).length - 1;
  }

  /** Writes {@code request} and reads until the end of the answer's headers. */
  private static String exchange(Socket s, String request) throws IOException {
    s.setSoTimeout(10_000);
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = s.getInputStream().read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** The value of one Prometheus sample, by its name and labels as written. */
}
