package dev.chatbus.app;

import dev.chatbus.support.Programs;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example clients in {@code scripts/examples/} against a real node: the Python bridge bot (standard
 * library only) and the curl script for the REST API, each talking with a person on a text connection.
 * They need {@code python3} and {@code curl}, which {@code .ci/run} installs where they are missing;
 * elsewhere, a test whose program is missing is skipped, saying which.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesTest {

  @Test
  void thePythonBotAnswersSomeoneOnNc(Vertx vertx) throws Exception {
    Programs.needs("python3");
    TestNode node = TestNode.start(vertx);
    Process bot = new ProcessBuilder("python3", "scripts/examples/bridge_bot.py", "--port", Integer.toString(node.bridgePort()),
      "--room", "lobby", "--name", "pybot", "--count", "1").redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(bot.getInputStream(), StandardCharsets.UTF_8))) {
      // The bot has said hello, so it listens on the room.
      assertThat(out.readLine()).startsWith("said hello in #lobby");
      try (TestClient alice = TestClient.text(node.port(), "alice")) {
        alice.send("!ping");
        alice.expect("[service] pybot: pong, alice");
      }
      assertThat(bot.waitFor(20, TimeUnit.SECONDS)).as("the bot stops after one message").isTrue();
      List<String> printed = out.lines().collect(Collectors.toList());
      assertThat(printed).contains("#lobby * alice joined", "#lobby alice: !ping");
      assertThat(bot.exitValue()).isZero();
    } finally {
      bot.destroyForcibly();
    }
  }

  @Test
  void theCurlScriptPostsAndReadsHistory(Vertx vertx) throws Exception {
    Programs.needs("curl");
    Programs.needs("bash");
    TestNode node = TestNode.start(vertx, new JsonObject().put("http", new JsonObject().put("token", "s3cret")));
    try (TestClient alice = TestClient.text(node.port(), "alice")) {
      ProcessBuilder pb = new ProcessBuilder("bash", "scripts/examples/rest.sh", "lobby", "deploy \"v2\" finished")
        .redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("CHATBUS_HTTP", "http://127.0.0.1:" + node.httpPort());
      env.put("CHATBUS_TOKEN", "s3cret");
      Process curl = pb.start();
      String output = read(curl);
      assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(curl.exitValue()).as(output).isZero();
      alice.expect("[service] curlbot: deploy \"v2\" finished");
      assertThat(output).contains("\"members\":[\"alice\"]", "\"text\":\"deploy \\\"v2\\\" finished\"");
    }
  }

  private static String read(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
