package dev.chatbus.http;

import dev.chatbus.metrics.NodeMetrics;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP port as an operator, Prometheus and a script with curl see it, over a real socket. */
class HttpTest {

  private static final String TOKEN = "t0ken";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private TestNode node;

  @BeforeEach
  void start() {
    vertx = NodeMetrics.builder(new VertxOptions()).build();
    node = TestNode.start(vertx, new JsonObject().put("http", new JsonObject().put("token", TOKEN))
      .put("names", new JsonObject().put("services", new JsonArray().add("deploy").add("pager"))));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
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
  void metricsFollowTheTraffic() {
    String before = get("/metrics").body();
    assertThat(value(before, "chatbus_connections{protocol=\"text\"}")).isEqualTo(0);
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
      assertThat(value(after, "chatbus_connections{protocol=\"text\"}")).isEqualTo(2);
      assertThat(value(after, "chatbus_connections{protocol=\"json\"}")).isEqualTo(1);
      assertThat(value(after, "chatbus_messages_in_total{source=\"text\"}")).isEqualTo(1);
      assertThat(value(after, "chatbus_deliveries_total")).isGreaterThanOrEqualTo(2);
      assertThat(value(after, "chatbus_drops_total{reason=\"too_long\"}")).isGreaterThanOrEqualTo(1);
      assertThat(value(after, "chatbus_rate_limit_hits_total")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void restListsRoomsMembersAndHistoryAndPostsWithTheToken() {
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
  void aServiceCannotPostAsAUserNorAUserTakeAServicesName() {
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

  /** The value of one Prometheus sample, by its name and labels as written. */
  private static double value(String scrape, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("sample %s in the scrape", sample).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
