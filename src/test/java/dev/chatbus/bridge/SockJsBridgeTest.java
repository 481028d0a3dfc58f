package dev.chatbus.bridge;

import dev.chatbus.support.Programs;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SockJS event-bus bridge on the HTTP port, used by a service in Node with the official client from npm
 * ({@code @vertx/eventbus-bridge-client.js}, installed under {@code target/} by this test), beside a person on
 * {@code nc}. Skipped where Node.js or npm is missing (CI installs them).
 */
@ExtendWith(VertxExtension.class)
class SockJsBridgeTest {

  private static final String CLIENT = "@vertx/eventbus-bridge-client.js@1.0.0";
  private static final Path MODULES = Path.of("target", "node-bridge-client");

  @BeforeAll
  static void installTheClient() throws Exception {
    Programs.needs("node");
    Programs.needs("npm");
    if (!Files.isDirectory(MODULES.resolve("node_modules/@vertx/eventbus-bridge-client.js"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", MODULES.toString(), CLIENT)
        .redirectErrorStream(true).start();
      String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0).as("npm install " + CLIENT + ": " + out).isTrue();
    }
  }

  /** The Node service, its output read line by line. */
  private static final class Service implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final List<JsonObject> seen = new ArrayList<>();

    Service(int httpPort, String token) throws IOException {
      Path script = Path.of("src", "test", "resources", "sockjs", "service.js").toAbsolutePath();
      ProcessBuilder b = new ProcessBuilder("node", script.toString(), "http://127.0.0.1:" + httpPort + SockJsBridge.PATH, token)
        .redirectErrorStream(true);
      b.environment().put("NODE_PATH", MODULES.resolve("node_modules").toAbsolutePath().toString());
      process = b.start();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads the service's lines until one matches, within 20 s. */
    JsonObject await(Predicate<JsonObject> match) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (JsonObject o : seen) {
        if (match.test(o)) {
          return o;
        }
      }
      while (System.nanoTime() < deadline) {
        String line = out.readLine();
        if (line == null) {
          break;
        }
        JsonObject o;
        try {
          o = new JsonObject(line);
        } catch (RuntimeException e) {
          throw new AssertionError("the service printed: " + line);
        }
        seen.add(o);
        if (match.test(o)) {
          return o;
        }
      }
      throw new AssertionError("the service never printed what was awaited; it printed " + seen);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void aNodeServiceTalksWithPeopleThroughTheSockJsBridge(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("token", "s3cret")));
    try (TestClient alice = TestClient.text(node.port(), "alice");
         Service service = new Service(node.httpPort(), "s3cret")) {
      service.await(o -> o.containsKey("open"));
      JsonObject rooms = service.await(o -> o.containsKey("rooms")).getJsonObject("rooms");
      assertThat(rooms.getJsonArray("rooms").getJsonObject(0).getString("room")).isEqualTo("lobby");
      JsonObject said = service.await(o -> o.containsKey("said")).getJsonObject("said");
      assertThat(said.getLong("seq")).isPositive();
      alice.readUntil(l -> l.equals("[service] nodebot: hello from node"));
      // What the bridge lets no one do is refused, with why.
      assertThat(service.await(o -> o.containsKey("sendError")).getString("sendError"))
        .isEqualTo("access_denied: sending to chat.internal.anything is not allowed");
      assertThat(service.await(o -> o.containsKey("registerError")).getString("registerError"))
        .isEqualTo("access_denied: listening on chat.internal.anything is not allowed");

      alice.send("hi node");
      JsonObject heard = service.await(o -> o.containsKey("event") && "hi node".equals(o.getJsonObject("event").getString("text")))
        .getJsonObject("event");
      assertThat(heard.getString("from")).isEqualTo("alice");
      alice.send("bye, node");
      service.await(o -> o.containsKey("closed"));
    }
  }

  @Test
  void withoutTheTokenNothingIsActedOn(Vertx vertx) throws Exception {
    TestNode node = TestNode.start(vertx, new JsonObject().put("bridge", new JsonObject().put("token", "s3cret")));
    try (TestClient alice = TestClient.text(node.port(), "alice");
         Service service = new Service(node.httpPort(), "wrong")) {
      assertThat(service.await(o -> o.containsKey("sayError")).getString("sayError"))
        .isEqualTo("access_denied: this bridge needs a token (the \"token\" header) before anything else");
      assertThat(service.await(o -> o.containsKey("roomsError")).getString("roomsError")).startsWith("access_denied");
      alice.send("/ping");
      // Nothing the service said reached the room.
      assertThat(alice.readUntil(l -> l.equals("* pong") || l.contains("nodebot"))).isEqualTo("* pong");
    }
  }
}
