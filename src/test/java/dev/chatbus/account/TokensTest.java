package dev.chatbus.account;

import dev.chatbus.bus.Addresses;
import dev.chatbus.support.BridgeClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed tokens ({@code tokens.secret}) on the bridge, the REST API and the JSON protocol: what a token
 * names is allowed, what it does not is refused, and an expired token, or one signed with another key, is
 * no token. Tokens are made as an operator would, with {@link Tokens#mint}, or by hand with another JWT
 * library's claims.
 */
@ExtendWith(VertxExtension.class)
class TokensTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-chatbus-test";
  private static final String SHARED = "the shared bridge token";

  private static TestNode start(Vertx vertx) {
    return TestNode.start(vertx, new JsonObject().put("tokens", new JsonObject().put("secret", SECRET))
      .put("bridge", new JsonObject().put("token", SHARED))
      .put("names", new JsonObject().put("services", new JsonArray().add("weather").add("deploy"))));
  }

  /** weather: reads lobby and rust, posts in rust only, sends no private messages; for an hour. */
  private static String weatherToken(Vertx vertx) {
    return Tokens.create(vertx, SECRET).mint(new Grant("weather", Set.of("lobby"), Set.of("rust"), false, 0),
      Duration.ofHours(1));
  }

  /** A token signed with {@code secret} with these claims, as any JWT library makes one. */
  private static String signed(Vertx vertx, String secret, JsonObject claims) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
      .setBuffer(secret))).generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  private static JsonObject say(String service, String room, String text) {
    return new JsonObject().put("service", service).put("room", room).put("text", text);
  }

  private static JsonObject headers(String token) {
    return new JsonObject().put("token", token);
  }

  @Test
  void aBridgeClientWithATokenDoesWhatItSaysAndNothingElse(Vertx vertx) {
    TestNode node = start(vertx);
    String token = weatherToken(vertx);
    try (TestClient alice = TestClient.json(node.port(), "alice"); BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
      alice.send(new JsonObject().put("op", "join").put("room", "rust"));
      alice.readJson("joined");
      JsonObject said = bot.request(Addresses.API_SAY, say("weather", "rust", "sunny"), headers(token));
      assertThat(said.getString("type")).isEqualTo("message");
      assertThat(alice.readJson("message").getString("text")).isEqualTo("sunny");

      JsonObject lobby = bot.request(Addresses.API_SAY, say("weather", "lobby", "rain"));
      assertThat(lobby.getString("message")).isEqualTo("access_denied");
      assertThat(lobby.getString("detail")).isEqualTo("this token does not let its bearer post in lobby");
      JsonObject other = bot.request(Addresses.API_SAY, say("deploy", "rust", "not me"));
      assertThat(other.getString("detail")).isEqualTo("this token speaks as weather only");
      JsonObject tell = bot.request(Addresses.API_TELL, new JsonObject().put("service", "weather").put("to", "alice")
        .put("text", "psst"));
      assertThat(tell.getString("detail")).isEqualTo("this token does not let its bearer send private messages");
      JsonObject history = bot.request(Addresses.API_HISTORY, new JsonObject().put("room", "lobby"));
      assertThat(history.getString("type")).isEqualTo("message");
      JsonObject secret = bot.request(Addresses.API_HISTORY, new JsonObject().put("room", "staff"));
      assertThat(secret.getString("detail")).isEqualTo("this token does not let its bearer read staff");
      JsonObject moderate = bot.request(Addresses.API_MODERATE, new JsonObject().put("service", "weather")
        .put("room", "rust").put("action", "kick").put("name", "alice"));
      assertThat(moderate.getString("detail")).isEqualTo("this token does not let its bearer use " + Addresses.API_MODERATE);
      bot.register(Addresses.apiRoom("staff"));
      assertThat(bot.read().getString("detail")).isEqualTo("this token does not let its bearer listen on "
        + Addresses.apiRoom("staff"));
    }
    // The shared token still allows everything.
    try (BridgeClient deploy = BridgeClient.connect(node.bridgePort())) {
      JsonObject said = deploy.request(Addresses.API_SAY, say("deploy", "lobby", "deployed"), headers(SHARED));
      assertThat(said.getString("type")).isEqualTo("message");
    }
  }

  @Test
  void anExpiredTokenOrOneSignedWithAnotherKeyIsRefused(Vertx vertx) {
    TestNode node = start(vertx);
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", "weather").put("aud", Tokens.AUDIENCE)
      .put("post", new JsonArray().add("*"));
    String expired = signed(vertx, SECRET, claims.copy().put("exp", now - 60));
    String otherKey = signed(vertx, "another secret of thirty-two bytes or more", claims.copy().put("exp", now + 3600));
    String otherAudience = signed(vertx, SECRET, claims.copy().put("aud", "billing").put("exp", now + 3600));
    String forever = signed(vertx, SECRET, claims.copy());
    for (String token : new String[]{expired, otherKey, otherAudience, forever}) {
      try (BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
        JsonObject refused = bot.request(Addresses.API_SAY, say("weather", "lobby", "hi"), headers(token));
        assertThat(refused.getString("message")).isEqualTo("access_denied");
        if (token.equals(expired)) {
          assertThat(refused.getString("detail")).isEqualTo("the token has expired");
        }
        bot.expectClosed();
      }
    }
    try (TestClient jay = TestClient.connect(node.port())) {
      jay.expectStartsWith("* chatbus");
      jay.send(new JsonObject().put("op", "hello").put("token", expired).encode());
      JsonObject refused = jay.readJson();
      assertThat(refused.getString("code")).isEqualTo("bad_token");
      assertThat(refused.getString("message")).isEqualTo("the token has expired");
    }
    HttpResponse<String> get = http(node, "GET", "/api/v1/rooms/lobby/history", expired, null);
    assertThat(get.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(get.body()).getString("message")).isEqualTo("the token has expired");
  }

  @Test
  void restRequestsWithATokenAreCheckedRoomByRoom(Vertx vertx) {
    TestNode node = start(vertx);
    String token = weatherToken(vertx);
    assertThat(http(node, "GET", "/api/v1/rooms/lobby/history", token, null).statusCode()).isEqualTo(200);
    HttpResponse<String> staff = http(node, "GET", "/api/v1/rooms/staff/members", token, null);
    assertThat(staff.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(staff.body())).isEqualTo(new JsonObject().put("error", "forbidden")
      .put("message", "this token does not let its bearer read staff"));
    HttpResponse<String> posted = http(node, "POST", "/api/v1/rooms/rust/messages", token,
      new JsonObject().put("from", "weather").put("text", "sunny"));
    assertThat(posted.statusCode()).isEqualTo(201);
    HttpResponse<String> wrongRoom = http(node, "POST", "/api/v1/rooms/lobby/messages", token,
      new JsonObject().put("from", "weather").put("text", "rain"));
    assertThat(wrongRoom.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(wrongRoom.body()).getString("message")).isEqualTo("this token does not let its bearer post in lobby");
    assertThat(http(node, "GET", "/api/v1/rooms", "not a token at all", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aJsonClientWithATokenIsItsSubjectWithinItsRooms(Vertx vertx) {
    TestNode node = start(vertx);
    // A user's token: reads lobby, posts in rust.
    String token = Tokens.create(vertx, SECRET).mint(new Grant("forecast", Set.of("lobby"), Set.of("rust"), false, 0),
      Duration.ofHours(1));
    try (TestClient bot = TestClient.connect(node.port()); TestClient alice = TestClient.json(node.port(), "alice")) {
      bot.expectStartsWith("* chatbus");
      // A token login that fails leaves nothing of the token behind: a plain login after it is a guest's.
      try (TestClient holder = TestClient.json(node.port(), "forecast"); TestClient other = TestClient.connect(node.port())) {
        other.expectStartsWith("* chatbus");
        other.send(new JsonObject().put("op", "hello").put("token", token).encode());
        assertThat(other.readJson().getString("code")).isEqualTo("name_taken");
        other.send(new JsonObject().put("op", "hello").put("name", "mallory").encode());
        assertThat(other.readJson().getString("type")).isEqualTo("welcome");
        other.readJson("joined");
        other.send(new JsonObject().put("op", "whois").put("name", "mallory"));
        assertThat(other.readJson("whois").getJsonArray("people").getJsonObject(0).containsKey("account")).isFalse();
        other.send(new JsonObject().put("op", "join").put("room", "staff"));
        assertThat(other.readJson("joined").getString("room")).isEqualTo("staff");
      }
      bot.send(new JsonObject().put("op", "hello").put("name", "someone").put("token", token).encode());
      assertThat(bot.readJson().getString("message")).isEqualTo("this token is forecast's");
      bot.send(new JsonObject().put("op", "hello").put("token", token).put("ref", 1).encode());
      JsonObject welcome = bot.readJson();
      assertThat(welcome.getString("type")).isEqualTo("welcome");
      assertThat(welcome.getString("name")).isEqualTo("forecast");
      bot.readJson("joined");
      bot.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "rain").put("ref", 2));
      JsonObject refused = bot.readJson("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("message")).isEqualTo("this token does not let its bearer post in lobby");
      bot.send(new JsonObject().put("op", "join").put("room", "staff"));
      assertThat(bot.readJson("error").getString("message")).isEqualTo("this token does not let its bearer read staff");
      bot.send(new JsonObject().put("op", "msg").put("to", "alice").put("text", "psst"));
      assertThat(bot.readJson("error").getString("message")).isEqualTo("this token does not let its bearer send private messages");
      bot.send(new JsonObject().put("op", "join").put("room", "rust"));
      bot.readJson("joined");
      alice.send(new JsonObject().put("op", "join").put("room", "rust"));
      alice.readJson("joined");
      bot.send(new JsonObject().put("op", "say").put("room", "rust").put("text", "sunny"));
      assertThat(alice.readJson("message").getString("from")).isEqualTo("forecast");
    }
  }

  private static HttpResponse<String> http(TestNode node, String method, String path, String token, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
      .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("HTTP request failed", e);
    }
  }
}
